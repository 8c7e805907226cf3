"""Following a run from a terminal: poll its counters until it stops."""

from __future__ import annotations

import time
from collections.abc import Callable

from ingestion.models import IngestionRun, RunUrl

TERMINAL = ("completed", "failed", "cancelled")


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
        if run.status in TERMINAL:
            return run
        if deadline is not None and clock() > deadline:
            return run
        sleep(poll_seconds)


def summary_lines(run: IngestionRun) -> list[str]:
    elapsed = (
        (run.completed_at - run.started_at).total_seconds()
        if run.completed_at and run.started_at
        else None
    )
    lines = [
        f"Run {run.id}: {run.status}" + (f" in {elapsed:.1f}s" if elapsed is not None else ""),
        f"  found {run.total_jobs_found}, processed {run.jobs_processed}: "
        f"added {run.jobs_added}, updated {run.jobs_updated}, skipped {run.jobs_skipped}, "
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
