"""Celery tasks of the ingestion stages: thin, ids in, domain functions do the work."""

from __future__ import annotations

import random

from django.conf import settings

from ingestion import alerts, batch, discovery, recovery, runs, schedule
from tracking import ledger
from tracking.decorators import tracked_task


@tracked_task(name="ingestion.start_run")
def start_run(self, run_id: int) -> dict:
    began = runs.begin_run(
        run_id, lambda ids: discover_source.enqueue_many([(i,) for i in ids], run_id=run_id)
    )
    return {"run_id": run_id, "began": began}


@tracked_task(name="ingestion.discover_source")
def discover_source(self, run_source_id: int) -> dict:
    summary = discovery.discover_source(run_source_id)
    if summary.settled:
        runs.begin_ingesting(summary.run_id, lambda ids: enqueue_batches(summary.run_id, ids))
    return summary.as_dict()


def enqueue_batches(run_id: int, url_ids: list[int], countdown: float | None = None) -> None:
    """Enqueue crawl_batch tasks of at most JOBPIPE_CRAWL_BATCH_SIZE URLs each."""
    size = batch.batch_size(len(url_ids), settings.JOBPIPE_CRAWL_BATCH_SIZE)
    chunks = [(run_id, url_ids[i : i + size]) for i in range(0, len(url_ids), size)]
    crawl_batch.enqueue_many(chunks, run_id=run_id, countdown=countdown)


@tracked_task(name="ingestion.crawl_batch", queue="crawl")
def crawl_batch(self, run_id: int, url_ids: list[int]) -> dict:
    """Fetch, extract and insert a batch of URLs (ingestion/batch.py); re-enqueue the
    transient failures as a new batch after a backoff."""
    summary = batch.crawl_batch(run_id, url_ids)
    if summary.carry_over:
        enqueue_batches(run_id, summary.carry_over)
    if summary.retry:
        countdown = retry_countdown(summary.retry_attempt - 1, summary.retry_after)
        enqueue_batches(run_id, summary.retry, countdown=countdown)
    return summary.as_dict()


def retry_countdown(retries: int, retry_after: float | None) -> float:
    """Retry-After when the server gave one, else exponential backoff with jitter; capped."""
    backoff = retry_after if retry_after is not None else 2 ** (retries + 1) + random.uniform(0, 1)
    return min(backoff, settings.JOBPIPE_MAX_RETRY_COUNTDOWN)


# --- Maintenance (Celery Beat; see CELERY_BEAT_SCHEDULE) ---------------------------------------


def redrive() -> recovery.Redrive:
    """The sweeper's re-drive callbacks: enqueue each stage's task through the ledger."""
    return recovery.Redrive(discover=_fanout(discover_source), crawl=enqueue_batches)


def _fanout(task):
    return lambda run_id, ids: task.enqueue_many([(i,) for i in ids], run_id=run_id)


@tracked_task(name="maintenance.sweep_stale", realm="maintenance")
def sweep_stale(self) -> dict:
    return recovery.sweep(redrive()).as_dict()


@tracked_task(name="maintenance.check_failure_rates", realm="maintenance")
def check_failure_rates(self) -> dict:
    return {"checks": [result.as_dict() for result in alerts.check_failure_rates()]}


@tracked_task(name="maintenance.prune_ledger", realm="maintenance")
def prune_ledger(self) -> dict:
    return {"deleted": ledger.prune(older_than_days=settings.JOBPIPE_LEDGER_RETENTION_DAYS)}


@tracked_task(name="maintenance.schedule_due_sources", realm="maintenance")
def schedule_due_sources(self) -> dict:
    run = schedule.start_due_runs(start=lambda r: start_run.enqueue(r.id, run_id=r.id))
    return {"run_id": run.id if run else None}
