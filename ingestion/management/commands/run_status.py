"""manage.py run_status ID: one run's summary, its sources and its failed URLs."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from ingestion import cli
from ingestion.models import IngestionRun, RunUrl, UrlOutcome
from ingestion.progress import summary_lines


class Command(BaseCommand):
    help = "Show a run's status and counters, each source's discovery, and its failed URLs."

    def add_arguments(self, parser):
        parser.add_argument("run_id", type=cli.identifier)
        parser.add_argument(
            "--failed", type=cli.non_negative, default=20, help="Failed URLs to list."
        )

    def handle(self, *args, run_id, failed, **options):
        run = IngestionRun.objects.filter(id=run_id).first()
        if run is None:
            raise CommandError(f"run {run_id} does not exist")
        for line in summary_lines(run):
            self.stdout.write(cli.printable(line))
        if run.error_message:
            self.stdout.write(cli.printable(f"  error: {run.error_message}"))
        for rs in run.run_sources.select_related("source").order_by("id"):
            note = f" ({rs.note})" if rs.note else ""
            self.stdout.write(
                cli.printable(
                    f"  source {rs.source.name}: {rs.status}, {rs.urls_found} URL(s), "
                    f"archived {rs.archived}{note}"
                )
            )
        failures = RunUrl.objects.filter(run=run, outcome=UrlOutcome.FAILED).order_by("id")
        for url in failures[:failed]:
            line = f"  failed {url.url}: {url.error_class} {url.error_message[:120]}"
            self.stdout.write(cli.printable(line))
