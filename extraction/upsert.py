"""Insert stage, the write: upsert one extracted job by its canonical hash."""

from __future__ import annotations

import datetime
import hashlib
import json

from django.db import IntegrityError, transaction

from extraction.models import JOB_MODELS, JobStatus
from extraction.normalize import canonical_hash, canonical_url
from extraction.types import ExtractedJob

# Fields stored in raw_metadata rather than in columns of their own.
_METADATA_FIELDS = ("requirements", "employment_type", "salary", "identifier", "location")


class MissingFields(ValueError):
    """The job lacks a field the jobs table requires."""


def job_row(
    job: ExtractedJob,
    *,
    source_id: int,
    page_url: str,
    org_fallback: str,
    fetched_at: datetime.datetime,
) -> dict:
    """Map ExtractedJob fields to jobs-table columns (the field-mapping table in the README)."""
    missing = [name for name in ("title", "apply_url") if not getattr(job, name)]
    if missing:
        raise MissingFields(f"missing required field(s): {', '.join(missing)}")
    data = job.to_json()
    return {
        "canonical_hash": canonical_hash(job.title, job.apply_url),
        "source_id": source_id,
        "url": canonical_url(page_url),
        "title": job.title[:500],
        "org_name": (job.employer or org_fallback)[:300],
        "location_raw": (job.location or "")[:500],
        "deadline": job.deadline,
        "description_snippet": job.description or "",
        "apply_url": job.apply_url,
        "posted_on": job.posted_on,
        "fetched_at": fetched_at,
        "raw_metadata": {k: data[k] for k in _METADATA_FIELDS if data.get(k) not in (None, [], "")},
        "provenance": job.provenance,
    }


def content_hash(row: dict) -> str:
    """Hash of what a re-ingest could change; fetched_at alone does not make an update."""
    stable = {k: v for k, v in row.items() if k != "fetched_at"}
    return hashlib.md5(json.dumps(stable, sort_keys=True, default=str).encode()).hexdigest()


def upsert_job(target_table: str, row: dict) -> tuple[str, str]:
    """Insert or update the job keyed by row["canonical_hash"]. Call inside a transaction.

    Returns (outcome, job id): "added", "updated" (changed, or archived and now restored) or
    "unchanged". The existing row is locked first, so concurrent upserts of one job serialise.
    """
    model = JOB_MODELS[target_table]
    row = {**row, "content_hash": content_hash(row)}
    existing = (
        model.objects.select_for_update().filter(canonical_hash=row["canonical_hash"]).first()
    )
    if existing is None:
        try:
            with transaction.atomic():  # savepoint: a concurrent insert of the same hash may win
                job = model.objects.create(**row)
            return "added", str(job.id)
        except IntegrityError:
            existing = model.objects.select_for_update().get(canonical_hash=row["canonical_hash"])
    restoring = existing.status == JobStatus.ARCHIVED
    if not restoring and existing.content_hash == row["content_hash"]:
        model.objects.filter(id=existing.id).update(fetched_at=row["fetched_at"])
        return "unchanged", str(existing.id)
    for name, value in row.items():
        setattr(existing, name, value)
    existing.status = JobStatus.ACTIVE
    existing.archived_at = None
    existing.save()
    return "updated", str(existing.id)
