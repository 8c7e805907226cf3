"""Start an ingestion run and follow it with a progress bar."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from ingestion import runs
from ingestion.launch import launch
from ingestion.models import Source
from ingestion.progress import follow_run, summary_lines


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
            run = runs.create_run(sources, use_storage=opts["store"], shadow_mode=opts["shadow"])
        except runs.RunError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Run {run.id} created for {len(run.sources)} source(s).")
        start_and_follow(run.id, self.stdout, wait=not opts["no_wait"])


def start_and_follow(run_id: int, stdout, *, wait: bool = True) -> None:
    """Launch the run (in-process on a helper thread when there is no broker) and follow it."""
    worker = launch(run_id)
    if not wait:
        return
    with tqdm(total=0, unit="url", desc=f"run {run_id}", dynamic_ncols=True) as bar:

        def update(run):
            bar.total = run.total_jobs_found
            bar.set_postfix_str(run.current_stage)
            bar.n = run.jobs_processed
            bar.refresh()

        run = follow_run(run_id, update)
    if worker is not None:
        worker.join()
    for line in summary_lines(run):
        stdout.write(line)
