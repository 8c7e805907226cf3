"""manage.py check_failure_rate: run the failure-rate checks; exit 1 when one opened an incident."""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand

from ingestion import alerts


class Command(BaseCommand):
    help = (
        "Check the insert failure rate (last hour), the pipeline failure rate (last day) and "
        "infrastructure failures (tasks lost or giving up on PostgreSQL/Redis, last hour); "
        "open, refresh or resolve incidents. Exits 1 when an incident was opened, else 0."
    )

    def handle(self, *args, **options):
        results = alerts.check_failure_rates()
        for result in results:
            metrics = result.finding.metrics
            state = result.finding.severity or "ok"
            if result.opened:
                state += f", opened incident {result.incident.id}"
            elif result.incident and result.incident.is_open:
                state += f", incident {result.incident.id} still open"
            elif result.incident:
                state += f", resolved incident {result.incident.id}"
            figure = (
                f"{metrics['failure_rate']:.1%}"
                if "failure_rate" in metrics
                else f"{metrics['unreachable']} tasks gave up, {metrics['lost']} lost"
            )
            self.stdout.write(f"{result.finding.kind}: {figure} ({state})")
        if any(result.opened for result in results):
            sys.exit(1)
