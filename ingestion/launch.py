"""Start a created run: enqueue it for the workers, or run it in-process in the embedded mode."""

from __future__ import annotations

import threading

from django.conf import settings
from django.db import connection

from ingestion import runs


def launch(run_id: int) -> threading.Thread | None:
    """With a broker: enqueue start_run (published when the caller's transaction commits).
    Without one (eager tasks): run the whole pipeline on a daemon thread so the caller (a
    request, a command with a progress bar) is not blocked; returns that thread."""
    from ingestion.tasks import start_run

    if not settings.CELERY_TASK_ALWAYS_EAGER:
        start_run.enqueue(run_id, run_id=run_id)
        return None
    thread = threading.Thread(target=_run_in_process, args=(run_id,), daemon=True)
    thread.start()
    return thread


def _run_in_process(run_id: int) -> None:
    from ingestion.tasks import start_run

    try:
        start_run.enqueue(run_id, run_id=run_id)
    except Exception as exc:  # noqa: BLE001 - reported on the run, which the caller follows
        runs.fail_run(run_id, f"in-process task crashed: {type(exc).__name__}: {exc}")
    finally:
        connection.close()
