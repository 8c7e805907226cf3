"""Crawl stage, batched: one task fetches, extracts and inserts a batch of a run's URLs.

Per-URL tasks pay the broker, the ledger and a transaction for every page; a batch pays them
once for JOBPIPE_CRAWL_BATCH_SIZE pages while every guarantee stays per URL:
- only URLs still unsettled are worked on, and they are locked (SELECT ... FOR UPDATE) and
  re-checked in the transaction that writes their jobs and outcomes, so a batch delivered twice
  or re-driven by the sweeper settles each URL once;
- each URL gets its own outcome, HTTP status and error; counters move with F() in that same
  transaction;
- a transient failure (timeout, 429, 5xx) leaves the URL unsettled and returns it for a retry
  batch with a countdown, until its attempts run out and it settles as failed.
URLs that reached `extracted` (an ATS listing that carried the whole job, or a crash between
stages) skip the fetch and are only inserted.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import F
from django.utils import timezone

from extraction.extract import extract_job
from ingestion import runs
from ingestion.errors import FetchError
from ingestion.fetch import fetch
from ingestion.models import IngestionRun, RunUrl, UrlOutcome, UrlStage
from ingestion.write import Result, write_results

# Politeness outcomes (ingestion.politeness): the request was never sent.
POLITENESS_DEFERRALS = frozenset({"domain_throttled", "domain_busy", "circuit_open"})


# A batch holds at least this many URLs (unless the maximum is lower): smaller batches would
# cost more in per-task overhead than they win in parallelism.
MIN_BATCH = 10
BATCHES_PER_CALL = 4


def batch_size(urls: int, maximum: int) -> int:
    """URLs per batch: up to `maximum` (each batch pays a task, a ledger row and a transaction
    once), but a short list is still cut into BATCHES_PER_CALL batches so several workers share
    it."""
    return max(min(maximum, -(-urls // BATCHES_PER_CALL)), min(MIN_BATCH, maximum), 1)


@dataclass
class BatchSummary:
    settled: int = 0
    noop: int = 0
    retry: list[int] = field(default_factory=list)
    carry_over: list[int] = field(default_factory=list)  # not reached within the time budget
    retry_after: float | None = None
    retry_attempt: int = 0  # attempts made so far by the URLs to retry
    outcomes: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {
            "settled": self.settled,
            "noop": self.noop,
            "retry": self.retry,
            "carry_over": self.carry_over,
            "outcomes": self.outcomes,
        }


def crawl_batch(
    run_id: int,
    url_ids: list[int],
    *,
    fetch_page: Callable = fetch,
    max_attempts: int | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> BatchSummary:
    """Work the batch's unsettled URLs, then write all their outcomes in one transaction.

    A batch stops fetching once it has spent JOBPIPE_CRAWL_BATCH_BUDGET seconds (slow hosts
    must not run it into the task's time limit): the URLs it did not reach are handed back in
    `carry_over`, their attempt unspent, for a new batch.
    """
    summary = BatchSummary()
    deadline = clock() + settings.JOBPIPE_CRAWL_BATCH_BUDGET
    if not runs.is_active(run_id):
        summary.noop = len(url_ids)
        return summary
    max_attempts = max_attempts or settings.JOBPIPE_FETCH_RETRIES + 1
    todo = list(
        RunUrl.objects.filter(id__in=url_ids, run_id=run_id, outcome="")
        .order_by("id")
        .only("id", "url", "stage", "attempts", "extracted", "fetched_at", "source_id")
    )
    summary.noop = len(url_ids) - len(todo)
    to_fetch = [u.id for u in todo if u.stage == UrlStage.DISCOVERED]
    if to_fetch:
        RunUrl.objects.filter(id__in=to_fetch).update(attempts=F("attempts") + 1)
    overrides = {
        s["id"]: (s.get("config") or {}).get("politeness")
        for s in IngestionRun.objects.values_list("sources", flat=True).get(id=run_id)
    }
    results: dict[int, Result] = {}
    for run_url in todo:
        if run_url.stage == UrlStage.EXTRACTED:
            results[run_url.id] = Result(extracted=run_url.extracted)
            continue
        if clock() >= deadline:
            summary.carry_over.append(run_url.id)
            continue
        final = run_url.attempts + 1 >= max_attempts
        limits = overrides.get(run_url.source_id)
        result = _fetch_and_extract(run_url, final, fetch_page, summary, limits)
        if result is not None:
            results[run_url.id] = result
    unspent = set(summary.carry_over).intersection(to_fetch)  # the attempts counted above
    if unspent:
        RunUrl.objects.filter(id__in=unspent).update(attempts=F("attempts") - 1)
    if results:
        written = write_results(run_id, results)
        summary.settled, summary.outcomes = written.settled, written.outcomes
        summary.noop += written.noop
    return summary


def _fetch_and_extract(
    run_url: RunUrl, final: bool, fetch_page, summary, limits: dict | None
) -> Result | None:
    fetched_at = timezone.now()
    try:
        page = fetch_page(run_url.url, limits=limits) if limits else fetch_page(run_url.url)
    except FetchError as exc:
        if exc.error_class in POLITENESS_DEFERRALS:
            # Not the page's failure: the host asked for a pause (or is busy, or its breaker
            # is open). Retry later without spending one of the URL's attempts.
            RunUrl.objects.filter(id=run_url.id).update(attempts=F("attempts") - 1)
            summary.retry.append(run_url.id)
            summary.retry_attempt = max(summary.retry_attempt, run_url.attempts)
            if exc.retry_after is not None:
                summary.retry_after = max(summary.retry_after or 0, exc.retry_after)
            return None
        if exc.transient and not final:
            summary.retry.append(run_url.id)
            summary.retry_attempt = max(summary.retry_attempt, run_url.attempts + 1)
            if exc.retry_after is not None:
                summary.retry_after = max(summary.retry_after or 0, exc.retry_after)
            return None
        return Result(
            UrlOutcome.FAILED,
            {
                "http_status": exc.http_status,
                "error_class": exc.error_class,
                "error_message": exc.message[:2000],
                "fetched_at": fetched_at,
            },
        )
    extraction = extract_job(page.body, page.url, fetched_at=fetched_at)
    if not extraction.is_job or extraction.job is None:
        return Result(
            UrlOutcome.NOT_A_JOB,
            {
                "http_status": page.status,
                "error_message": extraction.reason[:2000],
                "fetched_at": fetched_at,
            },
        )
    return Result(
        fields={"http_status": page.status, "fetched_at": fetched_at},
        extracted=extraction.job,
        score=round(extraction.score, 3),
    )
