"""Start an ingestion run and follow it with a progress bar."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from ingestion.models import RunStatus, Source
from ingestion.progress import follow
from ingestion.runs import RunError
from ingestion.start import Door, start


class Command(BaseCommand):
    help = "Start an ingestion run over the named sources (or all enabled) and follow it."

    def add_arguments(self, parser):
        parser.add_argument("sources", nargs="*", help="Source names (same as --source).")
        parser.add_argument(
            "--source", action="append", default=[], dest="named", help="A source name; repeat."
        )
        parser.add_argument("--all", action="store_true", help="Every enabled source.")
        parser.add_argument(
            "--store",
            action="store_true",
            default=None,
            help="Write jobs (overrides EXTRACTION_USE_STORAGE).",
        )
        parser.add_argument(
            "--no-shadow",
            dest="shadow",
            action="store_false",
            default=None,
            help="Write the production table (overrides EXTRACTION_SHADOW_MODE).",
        )
        parser.add_argument(
            "--wait",
            action="store_true",
            help="Follow the run with a progress bar until it ends (the default).",
        )
        parser.add_argument("--no-wait", action="store_true", help="Start the run and return.")

    def handle(self, *args, **opts):
        names = [*opts["sources"], *opts["named"]]
        if names and opts["all"]:
            raise CommandError("give source names or --all, not both")
        if opts["wait"] and opts["no_wait"]:
            raise CommandError("--wait and --no-wait contradict each other")
        sources = Source.objects.filter(enabled=True)
        if names:
            sources = Source.objects.filter(name__in=names)
            missing = set(names) - {s.name for s in sources}
            if missing:
                raise CommandError(f"unknown source(s): {', '.join(sorted(missing))}")
        try:
            started = start(
                sources,
                door=Door.COMMAND,
                use_storage=opts["store"],
                shadow_mode=opts["shadow"],
            )
        except RunError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Run {started.run.id} created for {len(started.run.sources)} source(s).")
        if not opts["no_wait"]:
            run = follow(started, self.stdout)
            if run.status != RunStatus.COMPLETED:  # cron and CI see it: 1 failed, 2 with errors
                code = 2 if run.status == RunStatus.COMPLETED_WITH_ERRORS else 1
                raise CommandError(
                    f"run {run.id} {run.status}: {run.error_message}", returncode=code
                )
