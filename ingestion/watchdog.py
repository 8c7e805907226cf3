"""The watchdog thread: every worker process runs ingestion.recovery.watch every
JOBPIPE_WATCHDOG_SECONDS, so lost work is re-driven in about a minute with no Beat at all.

Started on Celery's worker_ready signal in the worker's main process (not in its pool
children). Across workers a short Redis lock lets one of them watch per interval; without Redis
they all watch, which is safe (every claim is a compare-and-set). The stale-run sweeper in Beat
stays as the last line of defence.
"""

from __future__ import annotations

import logging
import threading

from django.conf import settings
from django.db import connections

from ingestion import recovery, shared_state

log = logging.getLogger(__name__)
LOCK = "jp:watchdog"


class Watchdog:
    def __init__(self, interval: float):
        self.interval = interval
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._loop, name="jobpipe-watchdog", daemon=True)

    def start(self) -> Watchdog:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.stopped.set()

    def _loop(self) -> None:
        from ingestion.maintenance import redrive  # the Celery tasks: loaded once workers run

        failed = False
        while not self.stopped.wait(self.interval):
            if failed:
                # The database or Redis was down: live tasks could not renew their leases
                # meanwhile. Give them one interval to renew before calling anything lost.
                failed = False
                continue
            try:
                if self._my_turn():
                    report = recovery.watch(redrive())
                    if any(report.as_dict().values()):
                        log.warning("watchdog re-drove lost work: %s", report.as_dict())
            except Exception:
                log.warning("watchdog round failed", exc_info=True)
                failed = True
            finally:
                # Hold no connection between rounds: pool children fork from this process.
                connections.close_all()

    def _my_turn(self) -> bool:
        try:
            ttl = max(int(self.interval) - 1, 1)
            return shared_state.store().set(LOCK, "1", ttl, only_new=True)
        except Exception:  # noqa: BLE001 - no Redis: every worker watches, safely
            return True


_current: Watchdog | None = None


def on_worker_ready(**_kwargs) -> None:
    global _current
    if settings.CELERY_TASK_ALWAYS_EAGER or _current is not None:
        return
    _current = Watchdog(settings.JOBPIPE_WATCHDOG_SECONDS).start()


def on_worker_shutdown(**_kwargs) -> None:
    if _current is not None:
        _current.stop()
