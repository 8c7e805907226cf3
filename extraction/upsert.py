"""The jobs tables' write: map an extracted job to a row and upsert it by its canonical hash."""

from __future__ import annotations

import datetime
import hashlib
import json
import uuid
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from extraction.models import JobStatus, job_model
from extraction.normalize import canonical_hash, canonical_url
from extraction.types import ExtractedJob
from jobpipe import bulk

# Fields stored in raw_metadata rather than in columns of their own.
_METADATA_FIELDS = (
    "requirements",
    "employment_type",
    "salary",
    "identifier",
    "location",
    "locations",
    "remote",
    "description_html",
)


class MissingFields(ValueError):
    """The job lacks a field the jobs table requires."""


def job_row(
    job: ExtractedJob,
    *,
    source_id: int,
    page_url: str,
    org_fallback: str,
    fetched_at: datetime.datetime | None,
) -> dict:
    """Map ExtractedJob fields to jobs-table columns (the field-mapping table in the README)."""
    title, apply_url = job.title, job.apply_url
    if not title or not apply_url:
        pairs = (("title", title), ("apply_url", apply_url))
        missing = [name for name, value in pairs if not value]
        raise MissingFields(f"missing required field(s): {', '.join(missing)}")
    metadata = {name: getattr(job, name) for name in _METADATA_FIELDS}  # JSON-ready already
    return {
        "canonical_hash": canonical_hash(title, apply_url),
        "source_id": source_id,
        "url": canonical_url(page_url),
        "title": title[:500],
        "org_name": (job.employer or org_fallback)[:300],
        "location_raw": (job.location or "")[:500],
        "deadline": job.deadline,
        "description_snippet": job.description or "",
        "apply_url": apply_url,
        "posted_on": job.posted_on,
        "fetched_at": fetched_at,
        "raw_metadata": {k: v for k, v in metadata.items() if v not in (None, [], "")},
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
    model = job_model(target_table)
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
    if restoring:  # listed again after it was archived: its history says so
        existing.relisted_at = timezone.now()
        existing.times_relisted += 1
    existing.status = JobStatus.ACTIVE
    existing.archived_at = None
    existing.save()
    return "updated", str(existing.id)


@dataclass
class Followed:
    """What follow_moved did: jobs whose hash moved to their page's new one, and jobs left at
    a page whose new hash another job holds already (superseded once the upsert moves that job
    to the page)."""

    moved: int = 0
    superseded: list[uuid.UUID] = field(default_factory=list)


def follow_moved(target_table: str, rows: list[dict]) -> Followed:
    """Keep a posting's job when its dedup key changed: the key is title + apply URL, so a
    page whose title (or apply link) changed hashes anew, and the upsert would add a second
    active job at the same address beside the old one, which stays active as long as its URL
    is listed. Where exactly one active job is at a row's URL under another hash, that job's
    hash moves to the row's, and the upsert updates it; when another job holds the row's hash
    already, the upsert updates that one (to this URL) and the job at the URL is superseded.
    Call inside a transaction, before upsert_jobs."""
    model = job_model(target_table)
    hashes_at: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        hashes_at[row["url"]].add(row["canonical_hash"])
    jobs_at: dict[str, list[tuple[uuid.UUID, str]]] = defaultdict(list)
    for job_id, url, digest in model.objects.filter(
        url__in=list(hashes_at), status=JobStatus.ACTIVE
    ).values_list("id", "url", "canonical_hash"):
        jobs_at[url].append((job_id, digest))
    moves = {}
    for url, jobs in jobs_at.items():
        (new_hash, *others) = hashes_at[url]
        if len(jobs) == 1 and not others and jobs[0][1] != new_hash:
            moves[jobs[0][0]] = new_hash
    followed = Followed()
    if not moves:
        return followed
    taken = set(
        model.objects.filter(canonical_hash__in=list(moves.values())).values_list(
            "canonical_hash", flat=True
        )
    )
    for job_id, new_hash in moves.items():
        if new_hash not in taken:
            try:
                with transaction.atomic():  # savepoint: a concurrent write may take it first
                    followed.moved += model.objects.filter(
                        id=job_id, status=JobStatus.ACTIVE
                    ).update(canonical_hash=new_hash)
                continue
            except IntegrityError:
                pass
        followed.superseded.append(job_id)
    return followed


def upsert_jobs(target_table: str, rows: list[dict]) -> list[tuple[str, str]]:
    """upsert_job for many rows at once, in order: the same outcomes, far fewer statements.
    Call inside a transaction.

    One SELECT ... FOR UPDATE (in hash order, so concurrent batches lock alike) finds the
    existing jobs; new ones go in with one COPY (jobpipe.bulk), changed ones in one UPDATE,
    unchanged ones only get their fetched_at moved, in one UPDATE. A row repeating an earlier
    row's hash is judged against that row, as sequential upserts would. When a concurrent
    transaction inserted one of the new hashes first, the batch falls back to upsert_job.
    """
    model = job_model(target_table)
    hashes = sorted({row["canonical_hash"] for row in rows})
    current = {
        job.canonical_hash: job
        for job in model.objects.select_for_update()
        .filter(canonical_hash__in=hashes)
        .order_by("canonical_hash")
        .only("id", "canonical_hash", "content_hash", "status")
    }
    results: list[tuple[str, str]] = []
    new: dict[str, dict] = {}  # rows to insert, by hash
    changed: dict[str, dict] = {}
    unchanged: dict[str, datetime.datetime] = {}
    restored: set[str] = set()  # archived jobs listed again: their history records it
    for row in rows:
        digest = content_hash(row)
        key = row["canonical_hash"]
        if key in new:
            job = new[key]
            outcome = "unchanged" if job["content_hash"] == digest else "updated"
            job.update(row, content_hash=digest)
            results.append((outcome, str(job["id"])))
            continue
        existing = current.get(key)
        if existing is None:
            new[key] = {"id": uuid.uuid4(), **row, "content_hash": digest}
            results.append(("added", str(new[key]["id"])))
        elif existing.status != JobStatus.ARCHIVED and existing.content_hash == digest:
            if key not in changed:
                unchanged[str(existing.id)] = row["fetched_at"]
            results.append(("unchanged", str(existing.id)))
        else:
            changed[key] = {**row, "content_hash": digest}
            if existing.status == JobStatus.ARCHIVED:
                restored.add(key)
            unchanged.pop(str(existing.id), None)
            existing.content_hash, existing.status = digest, JobStatus.ACTIVE
            results.append(("updated", str(existing.id)))
    try:
        with transaction.atomic():
            bulk.insert_rows(model, list(new.values()))
    except IntegrityError:
        return [upsert_job(target_table, row) for row in rows]
    now = timezone.now()
    active = {"status": JobStatus.ACTIVE, "archived_at": None, "updated_at": now}
    # Changed jobs in one statement; relisted ones (rare) each with their counter.
    bulk.update_rows(
        model,
        [
            {"id": current[key].id, **row, **active}
            for key, row in changed.items()
            if key not in restored
        ],
    )
    for key in restored:
        model.objects.filter(id=current[key].id).update(
            **changed[key],
            **active,
            relisted_at=now,
            times_relisted=F("times_relisted") + 1,
        )
    if unchanged:
        model.objects.filter(id__in=list(unchanged)).update(fetched_at=max(unchanged.values()))
    return results
