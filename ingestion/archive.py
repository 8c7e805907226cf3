"""Archive stage: soft-delete a source's jobs that its listing no longer shows."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils import timezone

from extraction.models import JobStatus, job_model
from ingestion.sources.base import DiscoveryResult


def archive_missing(target_table: str, source_id: int, result: DiscoveryResult) -> tuple[int, str]:
    """Archive active jobs of the source whose URL is not in a *complete* listing.

    Returns (archived count, note). An incomplete listing archives nothing: a failed page or
    a truncated feed must never look like every job was withdrawn.
    """
    if not result.complete:
        return 0, f"archiving skipped, discovery incomplete: {result.note}"
    model = job_model(target_table)
    listed = set(result.urls)
    stale_ids = [
        job_id
        for job_id, url in model.objects.filter(source_id=source_id, status=JobStatus.ACTIVE)
        .values_list("id", "url")
        .iterator(chunk_size=5000)
        if url not in listed
    ]
    archived = 0
    now = timezone.now()
    for batch in _batches(stale_ids, 1000):
        archived += model.objects.filter(id__in=batch, status=JobStatus.ACTIVE).update(
            status=JobStatus.ARCHIVED, archived_at=now
        )
    return archived, ""


def _batches(items: list, size: int) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
