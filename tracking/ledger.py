"""Operations on the task ledger that are not part of one task's own life."""

from __future__ import annotations

import datetime
import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass

import redis
from django.conf import settings
from django.utils import timezone

from jobpipe.celery import app
from tracking.models import FailureKind, PipelineJob, PipelineJobStatus

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
        failure_kind=FailureKind.REVOKED,
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


def close_queued(run_id: int, status: str) -> int:
    """A run ended: its tasks still queued would do nothing (they check the run first), so
    their rows are closed now, as finished with nothing done, instead of staying queued until a
    sweep. A message that arrives after all moves its row on again, harmlessly."""
    return (
        PipelineJob.objects.for_run(run_id)
        .filter(status=PipelineJobStatus.QUEUED)
        .update(
            status=PipelineJobStatus.FINISHED,
            result={"closed": f"run {run_id} ended ({status}) before this task ran"},
            finished_at=timezone.now(),
        )
    )


def expired_leases(now: datetime.datetime, limit: int = 1000) -> list[PipelineJob]:
    """Running rows whose lease was not renewed for JOBPIPE_TASK_LEASE_SECONDS: their worker
    is gone (killed, out of memory, its machine lost)."""
    cutoff = _lease_cutoff(now)
    return list(
        PipelineJob.objects.filter(status=PipelineJobStatus.RUNNING, heartbeat_at__lt=cutoff)
        .order_by("heartbeat_at")
        .only("id", "task_id", "task_name", "payload", "run_id", "heartbeat_at", "status")[:limit]
    )


def _lease_cutoff(now: datetime.datetime) -> datetime.datetime:
    return now - datetime.timedelta(seconds=settings.JOBPIPE_TASK_LEASE_SECONDS)


def old_queued(now: datetime.datetime, limit: int = 5000) -> list[PipelineJob]:
    """Queued rows older than JOBPIPE_LOST_MESSAGE_SECONDS: candidates for a lost message."""
    cutoff = now - datetime.timedelta(seconds=settings.JOBPIPE_LOST_MESSAGE_SECONDS)
    return list(
        PipelineJob.objects.filter(status=PipelineJobStatus.QUEUED, created_at__lt=cutoff)
        .order_by("created_at")
        .only("id", "task_id", "task_name", "payload", "run_id", "queue", "status")[:limit]
    )


def claim_lost(row: PipelineJob, reason: str, now: datetime.datetime) -> bool:
    """Fail a lost task's row (compare-and-set on what was observed); True for the one
    caller that wins and must re-drive its work."""
    observed = PipelineJob.objects.filter(id=row.id, status=row.status)
    if row.status == PipelineJobStatus.RUNNING:
        observed = observed.filter(heartbeat_at=row.heartbeat_at)
    return (
        observed.update(
            status=PipelineJobStatus.FAILED,
            error=f"lost: {reason}"[:2000],
            failure_kind=FailureKind.LOST,
            finished_at=now,
        )
        == 1
    )


@dataclass(frozen=True)
class BrokerView:
    """The task ids the broker holds: waiting in a queue, or delivered to a worker and not yet
    acknowledged (kombu's "unacked" hash, where tasks with a countdown also wait)."""

    waiting: set[str]
    delivered: set[str]

    def holds(self, task_id: str) -> bool:
        return task_id in self.waiting or task_id in self.delivered


def broker_task_ids(queues: Iterable[str]) -> BrokerView | None:
    """What the Redis broker holds of `queues`; None when there is no Redis broker or it cannot
    be read (nothing can be called lost)."""
    url = settings.CELERY_BROKER_URL
    if not url or not url.startswith(("redis://", "rediss://")):
        return None
    client = redis.Redis.from_url(url, socket_timeout=5, socket_connect_timeout=5)
    try:
        waiting = [m for queue in set(queues) for m in client.lrange(queue, 0, -1)]
        delivered = list(client.hvals("unacked"))
    except redis.RedisError:
        log.warning("broker unreadable: lost messages not checked", exc_info=True)
        return None
    finally:
        client.close()
    return BrokerView(_task_ids(waiting), _task_ids(delivered))


def _task_ids(raw: Iterable[bytes | str]) -> set[str]:
    ids = set()
    for item in raw:
        try:
            message = json.loads(item)
        except ValueError:
            continue
        if isinstance(message, list):  # unacked: [message, exchange, routing_key]
            message = message[0] if message else {}
        task_id = (message.get("headers") or {}).get("id") if isinstance(message, dict) else None
        if task_id:
            ids.add(task_id)
    return ids


def held_by_workers() -> set[str] | None:
    """The task ids live workers are running, have reserved or hold for a countdown (a remote
    control broadcast, one second); None when no worker answers or the broadcast fails."""
    try:
        inspect = app.control.inspect(timeout=1.0)
        replies = [inspect.active(), inspect.reserved(), inspect.scheduled()]
    except Exception:  # a failed broadcast means: cannot tell
        log.warning("workers could not be asked for their tasks", exc_info=True)
        return None
    if all(reply is None for reply in replies):
        return None
    held: set[str] = set()
    for reply in replies:
        for tasks in (reply or {}).values():
            for task in tasks:
                request = task.get("request", task)  # scheduled entries wrap it
                if isinstance(request, dict) and request.get("id"):
                    held.add(str(request["id"]))
    return held
