"""One decorator every JobPipe task goes through: the durable PipelineJob ledger.

Enqueueing writes the ledger row as `queued` inside the caller's transaction and publishes the
message only when that transaction commits, so a row exists before any worker can see the task,
and a rolled-back caller publishes nothing. Running moves the row to `running`, then
`finished` with the result or `failed` with the error.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from celery.contrib.django.task import DjangoTask
from celery.exceptions import Retry
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from jobpipe import metrics
from jobpipe.celery import app
from tracking.models import PipelineJob, PipelineJobStatus

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
        _mark_running(self, task_id, args, kwargs)
        started = time.monotonic()
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
        except BaseException as exc:
            PipelineJob.objects.filter(task_id=task_id).update(
                status=PipelineJobStatus.FAILED,
                error=f"{type(exc).__name__}: {exc}"[:5000],
                finished_at=timezone.now(),
            )
            _observe(self.name, "failed", started)
            raise
        PipelineJob.objects.filter(task_id=task_id).update(
            status=PipelineJobStatus.FINISHED,
            result=result,
            error="",
            finished_at=timezone.now(),
        )
        _observe(self.name, "finished", started)
        return result


def _observe(task_name: str, status: str, started: float) -> None:
    metrics.TASK_DURATION.labels(task=task_name, status=status).observe(time.monotonic() - started)


def _mark_running(task: TrackedTask, task_id: str, args: tuple, kwargs: dict) -> None:
    now = timezone.now()
    updated = PipelineJob.objects.filter(task_id=task_id).update(
        status=PipelineJobStatus.RUNNING, started_at=now, attempt=F("attempt") + 1
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
                "attempt": 1,
            },
        )


def tracked_task(name: str, *, realm: str = "ingestion", **options: Any) -> Callable:
    """Register a Celery task under a stable explicit `name`, tracked in the ledger."""

    def decorator(func: Callable) -> TrackedTask:
        return app.task(name=name, base=TrackedTask, bind=True, realm=realm, **options)(func)

    return decorator
