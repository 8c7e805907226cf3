"""Celery Beat's periodic tasks for ingestion (see CELERY_BEAT_SCHEDULE): thin, like views."""

from __future__ import annotations

from ingestion import alerts, recovery, schedule
from ingestion.tasks import enqueue_batches, enqueue_discovery
from tracking.decorators import tracked_task


def redrive() -> recovery.Redrive:
    """The sweeper's re-drive callbacks: enqueue each stage's task through the ledger."""
    return recovery.Redrive(
        discover=enqueue_discovery,
        crawl=enqueue_batches,
    )


@tracked_task(name="maintenance.sweep_stale", realm="maintenance")
def sweep_stale(self) -> dict:
    return recovery.sweep(redrive()).as_dict()


@tracked_task(name="maintenance.check_failure_rates", realm="maintenance")
def check_failure_rates(self) -> dict:
    return {"checks": [result.as_dict() for result in alerts.check_failure_rates()]}


@tracked_task(name="maintenance.schedule_due_sources", realm="maintenance")
def schedule_due_sources(self) -> dict:
    run = schedule.start_due_runs()
    return {"run_id": run.id if run else None}
