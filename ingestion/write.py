"""The write of a batch: its URLs' jobs and outcomes, in one transaction.

The batch locks the URLs it worked on (SELECT ... FOR UPDATE) and re-checks that they are
still unsettled, so a batch delivered twice or re-driven by the sweeper settles each URL once;
the jobs go in with one upsert (dedup by canonical hash) and the outcomes and counters with one
settle (ingestion.runs.settle_locked), so the job rows, the outcomes and the counters agree.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from extraction.models import job_model
from extraction.types import ExtractedJob
from extraction.upsert import MissingFields, follow_moved, job_row, upsert_jobs
from ingestion import runs
from ingestion.archive import archive_gone, archive_jobs
from ingestion.models import IngestionRun, PageState, RunUrl, UrlOutcome
from ingestion.verdict import GONE


@dataclass(frozen=True)
class PageInfo:
    """What a fetch said about a job's page, kept in PageState for the next run."""

    etag: str
    last_modified: str
    body_hash: str
    verified: bool = False  # fully extracted this time (not a 304 or a same-body short cut)
    listing_key: str = ""  # an ATS posting's listing entry, when its detail was read


@dataclass
class Result:
    """What the batch learnt about one URL before the write."""

    outcome: str = ""  # set: settle with this outcome; empty: insert `extracted`
    fields: dict = field(default_factory=dict)
    extracted: dict | ExtractedJob | None = None  # a stored record, or a page's extraction
    score: float | None = None  # the extraction's job-likeness, for a page's ExtractedJob
    page: PageInfo | None = None  # a fetched page's validators and body hash


@dataclass
class Written:
    settled: int = 0
    noop: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)
    completed_run: bool = False  # these were the run's last URLs: this write completed it


def write_results(run_id: int, results: dict[int, Result]) -> Written:
    """Upsert the jobs of `results` and settle their URLs; URLs already settled (or a run no
    longer active) are left alone and counted as no-ops."""
    written = Written()
    with transaction.atomic():
        run = IngestionRun.objects.get(id=run_id)
        if not run.is_active:
            written.noop = len(results)
            return written
        locked = list(
            RunUrl.objects.select_for_update()
            .filter(id__in=list(results), outcome="")
            .order_by("id")
        )
        written.noop = len(results) - len(locked)
        pending: list[tuple[RunUrl, dict]] = []  # URLs whose job is written below
        for run_url in locked:
            result = results[run_url.id]
            for name, value in result.fields.items():
                setattr(run_url, name, value)
            if result.outcome:
                run_url.outcome = result.outcome
                continue
            row, skipped = job_row_for(
                run,
                run_url.source_id,
                run_url.url,
                result.extracted,
                run_url.fetched_at,
                score=result.score,
            )
            if row is None:
                run_url.outcome = UrlOutcome.SKIPPED
                for name, value in skipped.items():
                    setattr(run_url, name, value)
            else:
                pending.append((run_url, row))
        archived = 0
        if pending:
            rows = [row for _, row in pending]
            # A retitled posting keeps its job (or the job now holding it supersedes it).
            followed = follow_moved(run.options["target_table"], rows)
            upserted = upsert_jobs(run.options["target_table"], rows)
            for (run_url, _), (outcome, job_id) in zip(pending, upserted, strict=True):
                run_url.outcome, run_url.job_id = outcome, job_id
            written_ids = {job_id for _, job_id in upserted}
            archived += _archive_superseded(run, followed.superseded, written_ids)
        for run_url in locked:
            written.outcomes[run_url.outcome] = written.outcomes.get(run_url.outcome, 0) + 1
        archived += _archive_gone(run, locked)
        if archived:
            IngestionRun.objects.filter(id=run.id).update(
                jobs_archived=F("jobs_archived") + archived
            )
        _remember_pages(run, locked, results)
        written.completed_run = runs.settle_locked(run, locked)
        written.settled = len(locked)
    return written


def _remember_pages(run: IngestionRun, locked: list[RunUrl], results: dict[int, Result]) -> None:
    """Keep each job page's validators and body hash for the next run's conditional GET; a page
    settled by a short cut moves its job's fetched_at (its re-verify time stays)."""
    if not run.options.get("use_storage"):
        return
    table, now = run.options["target_table"], timezone.now()
    states: dict[bool, list[PageState]] = {True: [], False: []}
    for run_url in locked:
        page = results[run_url.id].page
        if page is None or not run_url.job_id or run_url.outcome == UrlOutcome.FAILED:
            continue
        states[page.verified].append(
            PageState(
                source_id=run_url.source_id,
                url=run_url.url,
                table=table,
                job_id=run_url.job_id,
                etag=page.etag,
                last_modified=page.last_modified,
                body_hash=page.body_hash,
                listing_key=page.listing_key,
                fetched_at=now,
                verified_at=now,
            )
        )
    keys = ["source", "url", "table"]
    moved = ["etag", "last_modified", "fetched_at"]
    if states[True]:
        everything = [*moved, "job_id", "body_hash", "listing_key", "verified_at"]
        PageState.objects.bulk_create(
            states[True], update_conflicts=True, unique_fields=keys, update_fields=everything
        )
    if states[False]:
        PageState.objects.bulk_create(
            states[False], update_conflicts=True, unique_fields=keys, update_fields=moved
        )
        job_ids = [state.job_id for state in states[False]]
        job_model(table).objects.filter(id__in=job_ids).update(fetched_at=now)


def _archive_superseded(run: IngestionRun, superseded: list, written: set[str]) -> int:
    """Archive the jobs another job replaced at their page (follow_moved), unless this write
    wrote them itself (two pages that swapped titles); how many were archived."""
    ids = [job_id for job_id in superseded if str(job_id) not in written]
    return archive_jobs(run.options["target_table"], ids) if ids else 0


def _archive_gone(run: IngestionRun, locked: list[RunUrl]) -> int:
    """A job whose own page answered 404 or 410 is gone: archived now, not after K listings;
    how many were archived."""
    gone: dict[int, list[str]] = defaultdict(list)
    for run_url in locked:
        if run_url.outcome == UrlOutcome.FAILED and run_url.http_status in GONE:
            gone[run_url.source_id].append(run_url.url)
    if not gone or not run.options.get("use_storage"):
        return 0
    table = run.options["target_table"]
    return sum(archive_gone(table, source_id, urls) for source_id, urls in gone.items())


def job_row_for(
    run: IngestionRun,
    source_id: int,
    url: str,
    extracted: dict | ExtractedJob | None,
    fetched_at: datetime.datetime | None,
    *,
    score: float | None = None,
) -> tuple[dict | None, dict]:
    """(the jobs-table row, {}) or (None, the fields of a `skipped` outcome) for one record: a
    stored record's JSON (with its "classifier_score"), or a batch's ExtractedJob and `score`
    as they are (no JSON round trip)."""
    if not run.options.get("use_storage"):
        return None, {"error_message": "storage disabled (dry run)"}
    if isinstance(extracted, ExtractedJob):
        job = extracted
    else:
        job = ExtractedJob.from_json(extracted or {})
        score = (extracted or {}).get("classifier_score")
    org_fallback = next((s["org_name"] for s in run.sources if s["id"] == source_id), "")
    try:
        row = job_row(
            job,
            source_id=source_id,
            page_url=url,
            org_fallback=org_fallback,
            fetched_at=fetched_at,
        )
    except MissingFields as exc:
        return None, {"error_class": "missing_fields", "error_message": str(exc)}
    if score is not None:
        row["raw_metadata"]["classifier_score"] = score
    return row, {}
