"""Celery tasks of the ledger's own upkeep (Celery Beat; see CELERY_BEAT_SCHEDULE)."""

from __future__ import annotations

from django.conf import settings

from tracking import ledger
from tracking.decorators import tracked_task


@tracked_task(name="maintenance.prune_ledger", realm="maintenance")
def prune_ledger(self) -> dict:
    return {"deleted": ledger.prune(older_than_days=settings.JOBPIPE_LEDGER_RETENTION_DAYS)}
