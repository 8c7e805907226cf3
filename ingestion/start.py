"""Starting a run: the one way every door (internal API, dashboard, admin, `manage.py ingest`,
the schedule) starts ingestion. It validates the sources, rate-limits the interactive doors,
creates the run and launches it in one transaction.
"""

from __future__ import annotations

import enum
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction

from ingestion import runs
from ingestion.models import IngestionRun, Source
from ingestion.shared_state import store
from ingestion.tasks import start_run


class Door(enum.StrEnum):
    """Where a run was started from."""

    API = "api"
    DASHBOARD = "dashboard"
    ADMIN = "admin"
    COMMAND = "command"
    SCHEDULE = "schedule"

    @property
    def rate_limited(self) -> bool:
        """People and scripts on the web doors are limited; the terminal and Beat are not."""
        return self in (Door.API, Door.DASHBOARD, Door.ADMIN)


class RateLimited(runs.RunError):
    """Too many runs were started from this door this minute."""


@dataclass
class Started:
    run: IngestionRun
    # Without a broker: the thread running the pipeline in-process (it starts once the run
    # is committed); None with a broker, where the workers run it.
    thread: threading.Thread | None = None


def start(
    sources: Iterable[Source],
    *,
    door: Door,
    use_storage: bool | None = None,
    shadow_mode: bool | None = None,
) -> Started:
    """Create a run over `sources` and launch it; raises RunError (RateLimited among them)
    with a message for the operator. The run and its start_run task are written in one
    transaction: a run exists only with the task that begins it."""
    limit = settings.JOBPIPE_INGEST_STARTS_PER_MINUTE
    if door.rate_limited and not start_allowed(f"start:{door}", limit):
        raise RateLimited(f"at most {limit} runs can be started per minute; try again in a minute")
    with transaction.atomic():
        run = runs.create_run(sources, use_storage=use_storage, shadow_mode=shadow_mode)
        return Started(run, launch(run.id))


def start_allowed(key: str, per_minute: int) -> bool:
    """A fixed-window counter shared by every process: at most `per_minute` events of `key`
    per minute."""
    window = int(time.time() // 60)
    return store().incr(f"jp:limit:{key}:{window}", ttl=120) <= per_minute


def launch(run_id: int) -> threading.Thread | None:
    """With a broker: enqueue start_run (published when the caller's transaction commits).
    Without one (eager tasks): run the whole pipeline on a daemon thread, started when the
    caller's transaction commits (its own connection must see the run), so the caller (a
    request, a command with a progress bar) is not blocked; returns that thread."""
    if not settings.CELERY_TASK_ALWAYS_EAGER:
        start_run.enqueue(run_id, run_id=run_id)
        return None
    thread = threading.Thread(target=_run_in_process, args=(run_id,), daemon=True)
    transaction.on_commit(thread.start)
    return thread


def _run_in_process(run_id: int) -> None:
    try:
        start_run.enqueue(run_id, run_id=run_id)
    except Exception as exc:  # noqa: BLE001 - reported on the run, which the caller follows
        runs.fail_run(run_id, f"in-process task crashed: {type(exc).__name__}: {exc}")
    finally:
        connection.close()
