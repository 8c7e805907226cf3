"""Insert stage: turn a URL's extracted record into a job row and settle the URL."""

from __future__ import annotations

from django.db import transaction

from extraction.types import ExtractedJob
from extraction.upsert import MissingFields, job_row, upsert_job
from ingestion import runs
from ingestion.models import IngestionRun, RunUrl, UrlOutcome, UrlStage


def insert_url(run_url_id: int) -> dict:
    """1. Lock the RunUrl; stop if it is settled already (redelivery) or not yet extracted.
    2. Skip (with the reason) when storage is off or a required field is missing.
    3. Upsert into the run's target table and settle the URL with the upsert's outcome,
       all in one transaction so the job, the outcome and the counters agree.
    """
    with transaction.atomic():
        run_url = RunUrl.objects.select_for_update().get(id=run_url_id)
        if run_url.stage != UrlStage.EXTRACTED or run_url.outcome:
            return {"outcome": run_url.outcome, "noop": True}
        run = IngestionRun.objects.get(id=run_url.run_id)
        if not run.is_active:
            return {"outcome": "", "noop": True, "detail": f"run is {run.status}"}
        outcome, fields = write_job(
            run, run_url.source_id, run_url.url, run_url.extracted, run_url.fetched_at
        )
        runs.settle_url(run_url, outcome, expect_stage=UrlStage.EXTRACTED, **fields)
    return {"outcome": outcome, "noop": False, **{k: str(v) for k, v in fields.items()}}


def write_job(
    run: IngestionRun, source_id: int, url: str, extracted: dict | None, fetched_at
) -> tuple[str, dict]:
    """Upsert one extracted record into the run's target table. Call inside a transaction.
    Returns the URL's outcome and the fields to settle it with."""
    row, skipped = job_row_for(run, source_id, url, extracted, fetched_at)
    if row is None:
        return skipped
    outcome, job_id = upsert_job(run.options["target_table"], row)
    return outcome, {"job_id": job_id}


def job_row_for(
    run: IngestionRun,
    source_id: int,
    url: str,
    extracted: dict | ExtractedJob | None,
    fetched_at,
    *,
    score: float | None = None,
) -> tuple[dict | None, tuple[str, dict]]:
    """(the jobs-table row, ()) or (None, (skipped outcome, its fields)) for one record: a
    stored record's JSON (with its "classifier_score"), or a batch's ExtractedJob and `score`
    as they are (no JSON round trip)."""
    if not run.options.get("use_storage"):
        return None, (UrlOutcome.SKIPPED, {"error_message": "storage disabled (dry run)"})
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
        skipped = {"error_class": "missing_fields", "error_message": str(exc)}
        return None, (UrlOutcome.SKIPPED, skipped)
    if score is not None:
        row["raw_metadata"]["classifier_score"] = score
    return row, (UrlOutcome.SKIPPED, {})
