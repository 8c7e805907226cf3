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

from extraction.types import ExtractedJob
from extraction.upsert import MissingFields, job_row, upsert_jobs
from ingestion import runs
from ingestion.archive import archive_gone
from ingestion.models import IngestionRun, RunUrl, UrlOutcome
from ingestion.verdict import GONE


@dataclass
class Result:
    """What the batch learnt about one URL before the write."""

    outcome: str = ""  # set: settle with this outcome; empty: insert `extracted`
    fields: dict = field(default_factory=dict)
    extracted: dict | ExtractedJob | None = None  # a stored record, or a page's extraction
    score: float | None = None  # the extraction's job-likeness, for a page's ExtractedJob


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
        if pending:
            upserted = upsert_jobs(run.options["target_table"], [row for _, row in pending])
            for (run_url, _), (outcome, job_id) in zip(pending, upserted, strict=True):
                run_url.outcome, run_url.job_id = outcome, job_id
        for run_url in locked:
            written.outcomes[run_url.outcome] = written.outcomes.get(run_url.outcome, 0) + 1
        _archive_gone(run, locked)
        written.completed_run = runs.settle_locked(run, locked)
        written.settled = len(locked)
    return written


def _archive_gone(run: IngestionRun, locked: list[RunUrl]) -> None:
    """A job whose own page answered 404 or 410 is gone: archived now, not after K listings."""
    gone: dict[int, list[str]] = defaultdict(list)
    for run_url in locked:
        if run_url.outcome == UrlOutcome.FAILED and run_url.http_status in GONE:
            gone[run_url.source_id].append(run_url.url)
    if not gone or not run.options.get("use_storage"):
        return
    table = run.options["target_table"]
    archived = sum(archive_gone(table, source_id, urls) for source_id, urls in gone.items())
    if archived:
        IngestionRun.objects.filter(id=run.id).update(jobs_archived=F("jobs_archived") + archived)


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
