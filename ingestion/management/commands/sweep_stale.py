"""manage.py sweep_stale: recover stale runs now (what the Beat entry does every 5 minutes)."""

from __future__ import annotations

import datetime

from django.core.management.base import BaseCommand

from ingestion import cli, recovery
from ingestion.maintenance import redrive


class Command(BaseCommand):
    help = (
        "Find runs in archiving/ingesting whose heartbeat is older than the threshold, "
        "re-drive their unfinished URLs from the database, and fail runs out of retries."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--threshold",
            type=cli.positive,
            metavar="SECONDS",
            help="Stale after this many silent seconds (default JOBPIPE_STALE_RUN_SECONDS).",
        )

    def handle(self, *args, threshold=None, **options):
        delta = datetime.timedelta(seconds=threshold) if threshold is not None else None
        report = recovery.sweep(redrive(), threshold=delta)
        self.stdout.write(
            f"recovered {len(report.recovered)} run(s) {report.recovered}, "
            f"failed {len(report.failed)} run(s) {report.failed}, "
            f"re-drove {report.redriven_urls} URL(s), closed {report.stale_tasks} stale task(s)"
        )
