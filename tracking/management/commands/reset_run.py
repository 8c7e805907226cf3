"""manage.py reset_run ID: abort a stuck run (archiving/ingesting only) and revoke its tasks."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from ingestion import runs
from ingestion.models import IngestionRun


class Command(BaseCommand):
    help = "Abort a stuck run; allowed only while it is archiving or ingesting."

    def add_arguments(self, parser):
        parser.add_argument("run_id", type=int)
        parser.add_argument("--reason", default="reset from the command line")

    def handle(self, *args, run_id, reason, **options):
        try:
            run = runs.reset_run(run_id, reason)
        except IngestionRun.DoesNotExist:
            raise CommandError(f"run {run_id} does not exist") from None
        except runs.RunError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"run {run.id} is now {run.status}: {run.error_message}")
