"""Celery tasks of a run's stages: thin, ids in, domain functions do the work.

Beat's periodic tasks are in ingestion/maintenance.py and tracking/tasks.py."""

from __future__ import annotations

import functools
import random

from django.conf import settings

from ingestion import batch, discovery, runs
from tracking.decorators import tracked_task


@tracked_task(name="ingestion.start_run")
def start_run(self, run_id: int) -> dict:
    began = runs.begin_run(run_id, lambda ids: enqueue_discovery(run_id, ids))
    return {"run_id": run_id, "began": began}


# Sources per discover_sources task, at most: a task fetches its sources' listings at once (a
# thread each), and a run's sources are split in two tasks or more so two workers share them.
DISCOVERY_BATCH = 100


def enqueue_discovery(run_id: int, run_source_ids: list[int]) -> None:
    size = max(1, min(DISCOVERY_BATCH, -(-len(run_source_ids) // 2)))
    chunks = [(run_source_ids[i : i + size],) for i in range(0, len(run_source_ids), size)]
    discover_sources.enqueue_many(chunks, run_id=run_id)


@tracked_task(name="ingestion.discover_sources")
def discover_sources(self, run_source_ids: list[int]) -> dict:
    return {"sources": [s.as_dict() for s in _discover(run_source_ids)]}


@tracked_task(name="ingestion.discover_source")
def discover_source(self, run_source_id: int) -> dict:
    """One source (messages enqueued before discover_sources existed)."""
    return _discover([run_source_id])[0].as_dict()


def _discover(run_source_ids: list[int]) -> list[discovery.DiscoverySummary]:
    """Discover the sources and start crawling what they listed; the last source of a run to
    settle moves the run to ingesting."""
    summaries = discovery.discover_sources(run_source_ids, on_recorded=_crawl_recorded)
    for run_id in dict.fromkeys(s.run_id for s in summaries if s.settled):
        runs.begin_ingesting(run_id, functools.partial(enqueue_batches, run_id))
    return summaries


def _crawl_recorded(run_source_ids: list[int]) -> None:
    for run_id, source_ids in runs.sources_by_run(run_source_ids).items():
        runs.crawl_discovered(run_id, source_ids, functools.partial(enqueue_batches, run_id))


def enqueue_batches(run_id: int, url_ids: list[int], countdown: float | None = None) -> None:
    """Enqueue crawl_batch tasks of at most JOBPIPE_CRAWL_BATCH_SIZE URLs each, their hosts
    interleaved: every batch spreads over many hosts, and no source waits behind another."""
    size = batch.batch_size(len(url_ids), settings.JOBPIPE_CRAWL_BATCH_SIZE)
    ordered = [u.id for u in batch.interleave_by_host(batch.urls_of(url_ids))]
    chunks = [(run_id, ordered[i : i + size]) for i in range(0, len(ordered), size)]
    crawl_batch.enqueue_many(chunks, run_id=run_id, countdown=countdown)


@tracked_task(name="ingestion.crawl_batch", queue="crawl")
def crawl_batch(self, run_id: int, url_ids: list[int]) -> dict:
    """Fetch, extract and insert a batch of URLs (ingestion/batch.py); re-enqueue the
    transient failures as a new batch after a backoff."""
    summary = batch.crawl_batch(run_id, url_ids, task_id=self.request.id or "")
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
