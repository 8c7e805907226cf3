"""manage.py reset_run ID: cancel an active run (a stuck one, typically) and revoke its tasks."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from ingestion import cli, runs
from ingestion.models import IngestionRun


class Command(BaseCommand):
    help = "Cancel an active run (pending, archiving or ingesting) and revoke its tasks."

    def add_arguments(self, parser):
        parser.add_argument("run_id", type=cli.identifier)
        parser.add_argument("--reason", default="reset from the command line")

    def handle(self, *args, run_id, reason, **options):
        try:
            run = runs.cancel_run(run_id, reason)
        except IngestionRun.DoesNotExist:
            raise CommandError(f"run {run_id} does not exist") from None
        except runs.RunError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"run {run.id} is now {run.status}: {run.error_message}")
