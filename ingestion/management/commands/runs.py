"""manage.py runs: the run history as a table."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from ingestion import cli
from ingestion.models import IngestionRun, RunStatus


class Command(BaseCommand):
    help = "List recent ingestion runs, newest first: status, counts, duration, sources."

    def add_arguments(self, parser):
        parser.add_argument(
            "--limit", type=cli.positive, default=20, help="How many runs (default 20)."
        )
        parser.add_argument("--status", choices=RunStatus.values, help="Only runs in this status.")

    def handle(self, *args, limit, status, **options):
        runs = IngestionRun.objects.order_by("-created_at")
        if status:
            runs = runs.filter(status=status)
        header = f"{'id':>6}  {'status':<21} {'found':>6} {'added':>6} {'upd':>5} {'skip':>5} "
        header += f"{'fail':>5} {'arch':>5} {'secs':>7}  created           sources"
        self.stdout.write(header)
        for run in runs[:limit]:
            seconds = (
                f"{(run.completed_at - run.started_at).total_seconds():7.1f}"
                if run.completed_at and run.started_at
                else f"{'-':>7}"
            )
            names = cli.printable(", ".join(s["name"] for s in run.sources))
            self.stdout.write(
                f"{run.id:>6}  {run.status:<21} {run.total_jobs_found:>6} {run.jobs_added:>6} "
                f"{run.jobs_updated:>5} {run.jobs_skipped:>5} {run.jobs_failed:>5} "
                f"{run.jobs_archived:>5} {seconds}  {run.created_at:%Y-%m-%d %H:%M}  {names}"
            )
