"""Operations on the task ledger that are not part of one task's own life."""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.utils import timezone

from jobpipe.celery import app
from tracking.models import PipelineJob, PipelineJobStatus

log = logging.getLogger(__name__)


def revoke_outstanding(run_id: int, reason: str) -> int:
    """Fail the run's queued and running ledger rows and revoke their Celery messages.

    Revocation is best effort (a worker that is down when it is broadcast never hears it);
    the tasks themselves also check that their run is still active before doing anything.
    Returns how many ledger rows were closed.
    """
    outstanding = PipelineJob.objects.unfinished().for_run(run_id)
    task_ids = list(outstanding.values_list("task_id", flat=True))
    if not task_ids:
        return 0
    closed = PipelineJob.objects.filter(
        task_id__in=task_ids,
        status__in=[PipelineJobStatus.QUEUED, PipelineJobStatus.RUNNING],
    ).update(
        status=PipelineJobStatus.FAILED,
        error=f"revoked: {reason}"[:2000],
        finished_at=timezone.now(),
    )
    if settings.CELERY_BROKER_URL and not settings.CELERY_TASK_ALWAYS_EAGER:
        try:
            app.control.revoke(task_ids)
        except Exception:
            log.warning("could not broadcast revoke for run %s", run_id, exc_info=True)
    return closed


def prune(*, older_than_days: int, now=None, batch: int = 5000) -> int:
    """Delete finished and failed ledger rows older than the retention, in batches."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=older_than_days)
    done = [PipelineJobStatus.FINISHED, PipelineJobStatus.FAILED]
    deleted = 0
    while True:
        ids = list(
            PipelineJob.objects.filter(status__in=done, created_at__lt=cutoff).values_list(
                "id", flat=True
            )[:batch]
        )
        if not ids:
            return deleted
        deleted += PipelineJob.objects.filter(id__in=ids).delete()[0]
