"""What the API returns, as plain functions over the models (testable without HTTP)."""

from __future__ import annotations

import datetime

from extraction.models import JobBase, JobStatus, job_model, job_table
from ingestion.choices import RUN_COUNTERS
from ingestion.models import IngestionRun, Source
from jobpipe.api.responses import ApiError
from tracking.models import PipelineJob

# API field name -> (column, or None when it lives in raw_metadata; provenance key).
JOB_FIELDS = {
    "title": ("title", "title"),
    "employer": ("org_name", "employer"),
    "location": ("location_raw", "location"),
    "locations": (None, "locations"),
    "remote": (None, "remote"),
    "deadline": ("deadline", "deadline"),
    "description": ("description_snippet", "description"),
    "description_html": (None, "description_html"),
    "apply_url": ("apply_url", "apply_url"),
    "posted_on": ("posted_on", "posted_on"),
    "requirements": (None, "requirements"),
    "employment_type": (None, "employment_type"),
    "salary": (None, "salary"),
    "identifier": (None, "identifier"),
}


def job_item(job: JobBase) -> dict:
    fields = {}
    for name, (column, key) in JOB_FIELDS.items():
        value = getattr(job, column) if column else job.raw_metadata.get(key)
        if isinstance(value, datetime.date):
            value = value.isoformat()
        provenance = job.provenance.get(key) or {}
        fields[name] = {
            "value": value,
            "source": provenance.get("source"),
            "confidence": provenance.get("confidence"),
        }
    return {
        "id": str(job.id),
        "url": job.url,
        "canonical_id": job.canonical_hash,
        "source_id": job.source_id,
        "status": job.status,
        "archived_at": job.archived_at.isoformat() if job.archived_at else None,
        "fetched_at": job.fetched_at.isoformat(),
        "fields": fields,
        "is_job": True,  # only pages judged to be jobs are stored
        "classifier_score": job.raw_metadata.get("classifier_score"),
    }


def jobs_page(
    *,
    limit: int,
    offset: int,
    source_id: int | None,
    shadow_mode: bool,
    include_archived: bool,
) -> dict:
    model = job_model(job_table(shadow=shadow_mode))
    jobs = model.objects.all()
    if source_id is not None:
        jobs = jobs.filter(source_id=source_id)
    if not include_archived:
        jobs = jobs.filter(status=JobStatus.ACTIVE)
    jobs = jobs.order_by("-updated_at", "id")
    # Deferred join: page through the (status, updated_at, id) index alone, then fetch only
    # the page's rows, so a deep offset does not read every skipped row from the table.
    ids = list(jobs.values_list("id", flat=True)[offset : offset + limit])
    page = {job.id: job for job in model.objects.filter(id__in=ids)}
    return {
        "items": [job_item(page[job_id]) for job_id in ids if job_id in page],
        "total": jobs.count(),
        "limit": limit,
        "offset": offset,
        "shadow_mode": shadow_mode,
    }


def job_detail(job_id, *, shadow_mode: bool) -> dict:
    job = job_model(job_table(shadow=shadow_mode)).objects.filter(id=job_id).first()
    if job is None:
        table = job_table(shadow=shadow_mode)
        raise ApiError(404, "job_not_found", f"no job {job_id} in {table.value}")
    return job_item(job)


def source_item(source: Source) -> dict:
    return {
        "id": source.id,
        "name": source.name,
        "org_name": source.org_name,
        "kind": source.kind,
        "url": source.url,
        "board_token": source.board_token,
        "config": source.config,
        "enabled": source.enabled,
        "cadence_minutes": source.cadence_minutes,
    }


def get_run(run_id: int) -> IngestionRun:
    run = IngestionRun.objects.filter(id=run_id).first()
    if run is None:
        raise ApiError(404, "run_not_found", f"no run {run_id}")
    return run


def run_summary(run: IngestionRun) -> dict:
    return {
        "id": run.id,
        "status": run.status,
        "current_stage": run.current_stage,
        "sources": [{"id": s["id"], "name": s["name"]} for s in run.sources],
        "created_at": run.created_at.isoformat(),
        "started_at": run.started_at.isoformat() if run.started_at else None,
        "completed_at": run.completed_at.isoformat() if run.completed_at else None,
        "counters": {name: getattr(run, name) for name in RUN_COUNTERS},
        "error_message": run.error_message,
    }


def history(limit: int) -> list[dict]:
    return [run_summary(run) for run in IngestionRun.objects.order_by("-created_at")[:limit]]


def ledger_item(job: PipelineJob) -> dict:
    return {
        "id": str(job.id),
        "task_id": job.task_id,
        "task_name": job.task_name,
        "realm": job.realm,
        "queue": job.queue,
        "status": job.status,
        "payload": job.payload,
        "result": job.result,
        "error": job.error,
        "attempt": job.attempt,
        "run_id": job.run_id,
        "created_at": job.created_at.isoformat(),
        "started_at": job.started_at.isoformat() if job.started_at else None,
        "finished_at": job.finished_at.isoformat() if job.finished_at else None,
    }
