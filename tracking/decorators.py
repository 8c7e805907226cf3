"""One decorator every JobPipe task goes through: the durable PipelineJob ledger.

Enqueueing writes the ledger row as `queued` inside the caller's transaction and publishes the
message only when that transaction commits, so a row exists before any worker can see the task,
and a rolled-back caller publishes nothing. Running moves the row to `running`, then
`finished` with the result or `failed` with the error.

While a task runs, a thread renews its row's lease (`heartbeat_at`): a lease that goes stale
says its worker is gone (tracking.watchdog re-drives the work). A task that cannot reach
PostgreSQL or Redis is not a failed task: it retries with backoff (the same task id, so the
ledger row and a crawl batch's attempts are the same), and only after JOBPIPE_INFRA_RETRIES
fails with failure_kind "infrastructure", which the insert-failure alarm does not count.
"""

from __future__ import annotations

import logging
import random
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import kombu.exceptions
import psycopg2
import redis
from celery.contrib.django.task import DjangoTask
from celery.exceptions import Retry
from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, connections, transaction
from django.db.models import F
from django.utils import timezone

from jobpipe import metrics
from jobpipe.celery import app
from tracking.models import FailureKind, PipelineJob, PipelineJobStatus

logger = logging.getLogger("jobpipe.tracking")


class TrackedTask(DjangoTask):
    """Task base class that keeps the PipelineJob ledger."""

    realm: str = "ingestion"

    @property
    def queue_name(self) -> str:
        return getattr(self, "queue", None) or app.conf.task_default_queue

    def enqueue(self, *args: Any, run_id: int | None = None, realm: str | None = None) -> str:
        """Record the task as queued now; publish it when the current transaction commits."""
        return self.enqueue_many([args], run_id=run_id, realm=realm)[0]

    def enqueue_many(
        self,
        arglist: Iterable[Sequence[Any]],
        *,
        run_id: int | None = None,
        countdown: float | None = None,
        realm: str | None = None,
    ) -> list[str]:
        rows = [
            PipelineJob(
                task_id=str(uuid.uuid4()),
                task_name=self.name,
                realm=realm or self.realm,
                queue=self.queue_name,
                payload={"args": list(args), "kwargs": {}},
                run_id=run_id,
            )
            for args in arglist
        ]
        PipelineJob.objects.bulk_create(rows, batch_size=1000)

        delay = countdown or 0  # Celery sets no ETA for a zero countdown, as for None

        def publish() -> None:
            for row in rows:
                self.apply_async(
                    row.payload["args"], task_id=row.task_id, queue=row.queue, countdown=delay
                )

        transaction.on_commit(publish)
        return [row.task_id for row in rows]

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        task_id = self.request.id
        if task_id is None:  # called as a plain function, not as a task
            return super().__call__(*args, **kwargs)
        started = time.monotonic()
        try:
            return self._tracked(task_id, args, kwargs, started)
        except INFRASTRUCTURE_ERRORS as exc:
            _observe(self.name, "infrastructure", started)
            retries = self.request.retries
            if retries >= settings.JOBPIPE_INFRA_RETRIES:
                _record_failure(task_id, exc, FailureKind.INFRASTRUCTURE)
                raise
            _drop_broken_connections()
            _back_to_queued(task_id)
            logger.warning(
                "%s %s: infrastructure unreachable (%s), retry %d of %d",
                self.name,
                task_id,
                exc,
                retries + 1,
                settings.JOBPIPE_INFRA_RETRIES,
            )
            # Same task id: the retried task keeps its ledger row (and a crawl batch's
            # attempts, which are spent once per task id).
            raise self.retry(exc=exc, countdown=infra_backoff(retries), max_retries=None) from exc

    def _tracked(self, task_id: str, args: tuple, kwargs: dict, started: float) -> Any:
        _mark_running(self, task_id, args, kwargs)
        lease = Lease.start(task_id) if not self.request.is_eager else None
        try:
            # The worker's tracer already pushed this task's request; Task.__call__ would push
            # a bare one and hide request.id and request.retries from the task body.
            result = self.run(*args, **kwargs)
        except Retry:
            # Back to queued, unless an eager retry already ran the task to the end.
            PipelineJob.objects.filter(task_id=task_id, status=PipelineJobStatus.RUNNING).update(
                status=PipelineJobStatus.QUEUED
            )
            _observe(self.name, "retry", started)
            raise
        except INFRASTRUCTURE_ERRORS:
            raise
        except BaseException as exc:
            _record_failure(task_id, exc, FailureKind.TASK)
            _observe(self.name, "failed", started)
            raise
        finally:
            if lease is not None:
                lease.stop()
        PipelineJob.objects.filter(task_id=task_id).update(
            status=PipelineJobStatus.FINISHED,
            result=result,
            error="",
            failure_kind=FailureKind.TASK,
            finished_at=timezone.now(),
        )
        _observe(self.name, "finished", started)
        return result


# PostgreSQL or Redis (broker or shared politeness state) unreachable: not the task's fault.
# DatabaseError subclasses that mean bad data or a bug (IntegrityError, DataError) stay task
# errors; OperationalError is also what psycopg raises for a lost connection or a restart.
INFRASTRUCTURE_ERRORS: tuple[type[Exception], ...] = (
    OperationalError,
    InterfaceError,
    psycopg2.OperationalError,  # raised through a raw cursor (execute_values), not wrapped
    psycopg2.InterfaceError,
    redis.ConnectionError,
    redis.TimeoutError,
    kombu.exceptions.OperationalError,
)


def infra_backoff(retries: int) -> float:
    """2, 4, 8 ... seconds, capped at 60, with jitter so retried tasks do not land at once."""
    return min(2.0 ** (retries + 1), 60.0) + random.uniform(0, 1)


def _drop_broken_connections() -> None:
    """Close this thread's database connections so the retry opens fresh ones."""
    for conn in connections.all(initialized_only=True):
        try:
            conn.close()
        except DatabaseError:
            logger.debug("closing a broken connection", exc_info=True)


def _back_to_queued(task_id: str) -> None:
    """Best effort: the row waits for its retry as queued (while the database is down, it
    stays running and its lease lapses; the watchdog's re-drive is then a harmless repeat)."""
    try:
        PipelineJob.objects.filter(task_id=task_id, status=PipelineJobStatus.RUNNING).update(
            status=PipelineJobStatus.QUEUED
        )
    except INFRASTRUCTURE_ERRORS:
        _drop_broken_connections()


def _record_failure(task_id: str, exc: BaseException, kind: str) -> None:
    try:
        PipelineJob.objects.filter(task_id=task_id).update(
            status=PipelineJobStatus.FAILED,
            error=f"{type(exc).__name__}: {exc}"[:5000],
            failure_kind=kind,
            finished_at=timezone.now(),
        )
    except INFRASTRUCTURE_ERRORS:
        if kind != FailureKind.INFRASTRUCTURE:
            raise
        # The database is still down: the row stays as it was, the watchdog closes it later.
        logger.warning("could not record the failure of %s", task_id, exc_info=True)


class Lease:
    """A thread that renews a running task's lease every JOBPIPE_TASK_LEASE_SECONDS / 4."""

    def __init__(self, task_id: str):
        self.task_id = task_id
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._renew, name=f"lease-{task_id}", daemon=True)

    @classmethod
    def start(cls, task_id: str) -> Lease:
        lease = cls(task_id)
        lease.thread.start()
        return lease

    def stop(self) -> None:
        self.stopped.set()
        self.thread.join(timeout=5)

    def _renew(self) -> None:
        every = settings.JOBPIPE_TASK_LEASE_SECONDS / 4
        try:
            while not self.stopped.wait(every):
                try:
                    PipelineJob.objects.filter(
                        task_id=self.task_id, status=PipelineJobStatus.RUNNING
                    ).update(heartbeat_at=timezone.now())
                except INFRASTRUCTURE_ERRORS:
                    logger.warning("lease of %s not renewed", self.task_id, exc_info=True)
                    _drop_broken_connections()
        finally:
            connections.close_all()  # this thread's own connection


def _observe(task_name: str, status: str, started: float) -> None:
    metrics.TASK_DURATION.labels(task=task_name, status=status).observe(time.monotonic() - started)


def _mark_running(task: TrackedTask, task_id: str, args: tuple, kwargs: dict) -> None:
    now = timezone.now()
    updated = PipelineJob.objects.filter(task_id=task_id).update(
        status=PipelineJobStatus.RUNNING,
        started_at=now,
        heartbeat_at=now,
        attempt=F("attempt") + 1,
    )
    if updated == 0:
        # Published without enqueue() (Flower, beat, a shell): record it now.
        PipelineJob.objects.get_or_create(
            task_id=task_id,
            defaults={
                "task_name": task.name,
                "realm": task.realm,
                "queue": task.queue_name,
                "payload": {"args": list(args), "kwargs": kwargs},
                "status": PipelineJobStatus.RUNNING,
                "started_at": now,
                "heartbeat_at": now,
                "attempt": 1,
            },
        )


def tracked_task(name: str, *, realm: str = "ingestion", **options: Any) -> Callable:
    """Register a Celery task under a stable explicit `name`, tracked in the ledger."""

    def decorator(func: Callable) -> TrackedTask:
        return app.task(name=name, base=TrackedTask, bind=True, realm=realm, **options)(func)

    return decorator
