"""Crawl stage: fetch one URL, extract its fields, and hand them to the insert stage.

Fetching and extracting happen in the same task so the page body never travels through the
broker; only the small extracted record is stored on the RunUrl for the insert task.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from extraction.extract import extract_job
from ingestion import runs
from ingestion.fetch import FetchError, fetch
from ingestion.models import RunUrl, UrlOutcome, UrlStage


@dataclass(frozen=True)
class CrawlSummary:
    state: str  # "extracted" | "settled" | "noop" | "retry"
    outcome: str = ""
    detail: str = ""
    retry_after: float | None = None

    def as_dict(self) -> dict:
        return {"state": self.state, "outcome": self.outcome, "detail": self.detail}


def crawl_url(
    run_url_id: int, *, final_attempt: bool, enqueue_insert: Callable[[int, int], object]
) -> CrawlSummary:
    """1. Skip URLs already past this stage and runs no longer active.
    2. Fetch (network, outside any transaction); a transient failure returns "retry"
       unless this is the final attempt, which settles the URL as failed.
    3. Extract; a page without a job settles as not_a_job.
    4. Store the extraction and move discovered -> extracted with a compare-and-set; the winner
       enqueues the insert in the same transaction.
    """
    run_url = RunUrl.objects.get(id=run_url_id)
    if run_url.stage != UrlStage.DISCOVERED or not runs.is_active(run_url.run_id):
        return CrawlSummary("noop", detail=f"already {run_url.outcome or run_url.stage}")
    RunUrl.objects.filter(id=run_url_id).update(attempts=F("attempts") + 1)
    runs.touch(run_url.run_id)
    fetched_at = timezone.now()
    try:
        page = fetch(run_url.url)
    except FetchError as exc:
        if exc.transient and not final_attempt:
            return CrawlSummary("retry", detail=exc.message, retry_after=exc.retry_after)
        return _settle(
            run_url,
            UrlOutcome.FAILED,
            http_status=exc.http_status,
            error_class=exc.error_class,
            error_message=exc.message[:2000],
            fetched_at=fetched_at,
        )
    extraction = extract_job(page.body, page.url, fetched_at=fetched_at)
    if not extraction.is_job or extraction.job is None:
        return _settle(
            run_url,
            UrlOutcome.NOT_A_JOB,
            http_status=page.status,
            error_message=extraction.reason[:2000],
            fetched_at=fetched_at,
        )
    with transaction.atomic():
        won = RunUrl.objects.filter(id=run_url_id, stage=UrlStage.DISCOVERED, outcome="").update(
            stage=UrlStage.EXTRACTED,
            http_status=page.status,
            fetched_at=fetched_at,
            extracted=extraction.job.to_json(),
        )
        if won == 1:
            enqueue_insert(run_url_id, run_url.run_id)
    return CrawlSummary("extracted" if won else "noop", detail=extraction.reason)


def _settle(run_url: RunUrl, outcome: str, **fields: object) -> CrawlSummary:
    with transaction.atomic():
        settled = runs.settle_url(run_url, outcome, expect_stage=UrlStage.DISCOVERED, **fields)
    return CrawlSummary(
        "settled" if settled else "noop",
        outcome=outcome,
        detail=str(fields.get("error_message", "")),
    )
