"""Archive stage: soft-delete a source's jobs that its listings no longer show, in layers, so
one bad listing never takes live jobs down.

1. Only a *complete* listing counts: a failed page or a truncated feed archives nothing and
   moves no counter.
2. A job is archived only once it is missing from K complete listings in a row (its
   `missed_listings`): JOBPIPE_DELIST_AFTER_ATS (1) for ATS APIs, JOBPIPE_DELIST_AFTER (2)
   for careers pages and sitemaps, a source's config "delist_after" over both. A job listed
   again starts from 0. A job whose own page answers 404/410 is archived at once (`gone`).
3. The mass-archive guard: a listing that is empty while the source has active jobs, that
   would archive more than JOBPIPE_MASS_ARCHIVE_SHARE of them, or that shrank by more than
   JOBPIPE_MASS_ARCHIVE_SHRINK from its recent median archives nothing and counts no miss: the
   jobs it left out are held (HeldArchive), an incident opens, and an operator approves
   (exactly the held jobs are archived) or rejects it.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from extraction.models import JobStatus, job_model
from ingestion.models import HeldArchive, RunSource, SourceKind
from ingestion.sources.base import DiscoveryResult
from tracking.incidents import Finding, apply

PAGE_KINDS = (SourceKind.CAREERS_PAGE, SourceKind.SITEMAP)
# Complete listings of a source the shrink rule takes its median from, and the fewest it needs.
HISTORY, MIN_HISTORY = 5, 3


@dataclass(frozen=True)
class Archived:
    archived: int = 0
    note: str = ""
    held: HeldArchive | None = None


def delist_after(source: dict) -> int:
    """K: complete listings in a row a job must be missing from before it is archived."""
    override = (source.get("config") or {}).get("delist_after")
    if isinstance(override, int) and not isinstance(override, bool) and override >= 1:
        return override
    if source["kind"] in PAGE_KINDS:
        return settings.JOBPIPE_DELIST_AFTER
    return settings.JOBPIPE_DELIST_AFTER_ATS


def archive_missing(
    target_table: str, source: dict, result: DiscoveryResult, *, run_id: int
) -> Archived:
    """Apply the layers to the source's active jobs and this listing; call inside the
    transaction that records the listing (the source's RunSource row is locked)."""
    if not result.complete:
        return Archived(note=f"archiving skipped, discovery incomplete: {result.note}")
    model = job_model(target_table)
    listed = set(result.urls)
    active = list(
        model.objects.filter(source_id=source["id"], status=JobStatus.ACTIVE)
        .values_list("id", "url", "missed_listings")
        .iterator(chunk_size=5000)
    )
    missing = [(job_id, missed) for job_id, url, missed in active if url not in listed]
    back = [job_id for job_id, url, missed in active if url in listed and missed]
    for chunk in _chunks(back, 1000):
        model.objects.filter(id__in=chunk).update(missed_listings=0)
    k = delist_after(source)
    due = [job_id for job_id, missed in missing if missed + 1 >= k]
    reason = _guard(source["id"], len(active), len(due), len(listed))
    if reason:
        held = _hold(run_id, source, target_table, [j for j, _ in missing], active, listed, reason)
        return Archived(note=f"archive held for an operator: {reason}", held=held)
    waiting = [job_id for job_id, missed in missing if missed + 1 < k]
    for chunk in _chunks(waiting, 1000):
        model.objects.filter(id__in=chunk).update(missed_listings=F("missed_listings") + 1)
    archived = _archive(model, due)
    note = f"{len(waiting)} jobs missing, archived after {k} listings" if waiting else ""
    return Archived(archived=archived, note=note)


def archive_gone(target_table: str, source_id: int, urls: Iterable[str]) -> int:
    """Archive the source's active jobs at `urls`, whose pages answered 404 or 410."""
    model = job_model(target_table)
    ids = list(
        model.objects.filter(
            source_id=source_id, url__in=list(urls), status=JobStatus.ACTIVE
        ).values_list("id", flat=True)
    )
    return _archive(model, ids)


def archive_jobs(target_table: str, ids: list) -> int:
    """Archive those of the jobs `ids` that are active; how many were."""
    return _archive(job_model(target_table), ids)


def approve(held_id: int, by: str) -> HeldArchive:
    """Archive exactly the held jobs (those still active); the hold is approved."""
    return _decide(held_id, HeldArchive.Status.APPROVED, by)


def reject(held_id: int, by: str) -> HeldArchive:
    """Keep every held job active; the hold is rejected."""
    return _decide(held_id, HeldArchive.Status.REJECTED, by)


def _guard(source_id: int, active: int, due: int, listed: int) -> str:
    """Why this listing's archive must wait for an operator, or ""."""
    if not active:
        return ""
    if listed == 0:
        return f"the listing is empty while the source has {active} active jobs"
    share = settings.JOBPIPE_MASS_ARCHIVE_SHARE
    if due >= settings.JOBPIPE_MASS_ARCHIVE_MIN and due / active > share:
        return f"it would archive {due} of {active} active jobs (over {share:.0%})"
    history = [
        n
        for n in RunSource.objects.filter(
            source_id=source_id, complete=True, archive_held=False, listed__isnull=False
        )
        .exclude(settled_at=None)
        .order_by("-settled_at")
        .values_list("listed", flat=True)[:HISTORY]
        if n is not None
    ]
    if len(history) >= MIN_HISTORY:
        median = statistics.median(history)
        if listed < median * (1 - settings.JOBPIPE_MASS_ARCHIVE_SHRINK):
            return f"the listing shrank to {listed} URLs from a median of {median:g}"
    return ""


def _hold(
    run_id: int,
    source: dict,
    table: str,
    job_ids: list,
    active: list,
    listed: set,
    reason: str,
) -> HeldArchive:
    held = HeldArchive.objects.create(
        run_id=run_id,
        source_id=source["id"],
        table=table,
        job_ids=[str(j) for j in job_ids],
        active=len(active),
        listed=len(listed),
        reason=reason,
    )
    _refresh_incident()
    return held


def _decide(held_id: int, status: str, by: str) -> HeldArchive:
    """Settle a hold once (the row is locked): approval archives its jobs."""
    with transaction.atomic():
        held = HeldArchive.objects.select_for_update().get(id=held_id)
        if held.status != HeldArchive.Status.HELD:
            raise ValueError(f"held archive {held_id} is already {held.status}")
        if status == HeldArchive.Status.APPROVED:
            held.archived = _archive(job_model(held.table), held.job_ids)
        held.status, held.decided_by, held.decided_at = status, by[:150], timezone.now()
        held.save(update_fields=["status", "decided_by", "decided_at", "archived"])
        _refresh_incident()
    return held


def _refresh_incident() -> None:
    """One `archive_held` incident while any archive waits for an operator."""
    waiting = list(
        HeldArchive.objects.filter(status=HeldArchive.Status.HELD)
        .select_related("source")
        .order_by("created_at")
    )
    if not waiting:
        apply(Finding("archive_held", None, metrics={"held": 0}))
        return
    names = ", ".join(f"{h.source.name} ({len(h.job_ids)} jobs: {h.reason})" for h in waiting[:5])
    apply(
        Finding(
            "archive_held",
            "warning",
            summary=f"{len(waiting)} archive(s) held by the mass-archive guard: {names}",
            metrics={"held": len(waiting), "jobs": sum(len(h.job_ids) for h in waiting)},
            actions=[
                "Check the source's listing (re-pointed URL, a blocked or changed page).",
                "Approve the held archive if the jobs are really gone, else reject it: "
                "`manage.py archives approve|reject ID` or the admin's Held archives.",
            ],
        )
    )


def _archive(model, ids: list) -> int:
    archived, now = 0, timezone.now()
    for chunk in _chunks(ids, 1000):
        archived += model.objects.filter(id__in=chunk, status=JobStatus.ACTIVE).update(
            status=JobStatus.ARCHIVED, archived_at=now
        )
    return archived


def _chunks(items: list, size: int) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
