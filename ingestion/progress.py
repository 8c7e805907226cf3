"""A run's progress: the figures every door shows, and following a run from a terminal."""

from __future__ import annotations

import datetime
import time
from collections.abc import Callable
from typing import TextIO

from django.utils import timezone
from tqdm import tqdm

from ingestion.choices import FINISHED_RUN_STATUSES, RUN_COUNTERS, RunStatus
from ingestion.cli import printable
from ingestion.models import IngestionRun, RunUrl, UrlOutcome
from ingestion.start import Started


def follow_run(
    run_id: int,
    on_update: Callable[[IngestionRun], None],
    *,
    poll_seconds: float = 0.5,
    timeout: float | None = None,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> IngestionRun:
    """Call `on_update` with the run after every poll; return it once it is terminal."""
    deadline = None if timeout is None else clock() + timeout
    while True:
        run = IngestionRun.objects.get(id=run_id)
        on_update(run)
        if run.status in FINISHED_RUN_STATUSES:
            return run
        if deadline is not None and clock() > deadline:
            return run
        sleep(poll_seconds)


def follow(started: Started, stdout: TextIO) -> IngestionRun:
    """Follow a started run with a progress bar until it ends, then print its summary."""
    run_id = started.run.id
    with tqdm(total=0, unit="url", desc=f"run {run_id}", dynamic_ncols=True) as bar:

        def update(run: IngestionRun) -> None:
            bar.total = run.total_jobs_found
            bar.set_postfix_str(run.current_stage)
            bar.n = run.jobs_processed
            bar.refresh()

        run = follow_run(run_id, update)
    if started.thread is not None:
        started.thread.join()
    for line in summary_lines(run):
        stdout.write(printable(line))  # URLs, notes and errors come from crawled pages
    return run


def summary_lines(run: IngestionRun) -> list[str]:
    elapsed = (
        (run.completed_at - run.started_at).total_seconds()
        if run.completed_at and run.started_at
        else None
    )
    # jobs_skipped counts unchanged, skipped and not-a-job URLs alike: tell unchanged apart.
    unchanged = RunUrl.objects.filter(run=run, outcome=UrlOutcome.UNCHANGED).count()
    lines = [
        f"Run {run.id}: {run.status}" + (f" in {elapsed:.1f}s" if elapsed is not None else ""),
        f"  found {run.total_jobs_found}, processed {run.jobs_processed}: "
        f"added {run.jobs_added}, updated {run.jobs_updated}, unchanged {unchanged}, "
        f"skipped {max(run.jobs_skipped - unchanged, 0)}, "
        f"failed {run.jobs_failed}; archived {run.jobs_archived}",
        f"  target: {run.options.get('target_table')}"
        + ("" if run.options.get("use_storage") else " (dry run: storage disabled)"),
    ]
    if run.error_message:
        lines.append(f"  error: {run.error_message}")
    for rs in run.run_sources.select_related("source"):
        note = f" - {rs.note}" if rs.note else ""
        lines.append(f"  source {rs.source.name}: {rs.status}, {rs.urls_found} URLs{note}")
    for url in RunUrl.objects.filter(run=run).order_by("url"):
        detail = url.error_class or url.error_message
        lines.append(
            f"    {url.outcome or url.stage:<10} {url.url}" + (f"  ({detail})" if detail else "")
        )
    return lines


def run_progress(run: IngestionRun, now: datetime.datetime | None = None) -> dict:
    """Counters, status, stage, elapsed seconds and an ETA from the processing rate so far."""
    now = now or timezone.now()
    end = run.completed_at or now
    elapsed = (end - run.started_at).total_seconds() if run.started_at else 0.0
    remaining = max(run.total_jobs_found - run.jobs_processed, 0)
    eta = None
    if run.is_active and run.jobs_processed and elapsed > 0 and run.status == RunStatus.INGESTING:
        eta = round(remaining / (run.jobs_processed / elapsed), 1)
    percent = (
        round(100 * run.jobs_processed / run.total_jobs_found, 1) if run.total_jobs_found else 0.0
    )
    return {
        "id": run.id,
        "status": run.status,
        "current_stage": run.current_stage,
        "counters": {name: getattr(run, name) for name in RUN_COUNTERS},
        "percent": percent if run.status != RunStatus.COMPLETED else 100.0,
        "elapsed_seconds": round(elapsed, 1),
        "eta_seconds": eta,
        "retry_count": run.retry_count,
        "error_message": run.error_message,
        "last_heartbeat": run.last_heartbeat.isoformat() if run.last_heartbeat else None,
    }
