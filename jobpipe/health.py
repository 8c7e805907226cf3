"""The health check behind GET /health: database, broker, workers, beat, runs, capacity.

Overall status:
- critical (HTTP 503): the database does not answer, or a configured broker does not;
- degraded (HTTP 200): no worker answered the ping, Beat has not swept for two intervals,
  a run is stale, or a critical incident is open;
- healthy (HTTP 200) otherwise.
Network checks run in threads with short socket timeouts and one overall deadline, so the
answer comes within ~2 s even when Redis is unreachable.
"""

from __future__ import annotations

import concurrent.futures
import datetime
import time

import redis
from django.conf import settings
from django.db import connection
from django.utils import timezone

from ingestion.models import IngestionRun
from jobpipe import metrics
from jobpipe.celery import app
from tracking.models import Incident, PipelineJob

HEALTHY, DEGRADED, CRITICAL = "healthy", "degraded", "critical"
SOCKET_TIMEOUT = 0.5
DEADLINE = 1.5
_pool = concurrent.futures.ThreadPoolExecutor(max_workers=2, thread_name_prefix="health")


def health_report() -> dict:
    started = time.monotonic()
    checks: dict[str, dict] = {"database": _database()}
    if checks["database"]["status"] == "ok":
        checks.update(_runs_and_beat())
    broker_url = settings.CELERY_BROKER_URL
    if not broker_url or settings.CELERY_TASK_ALWAYS_EAGER:
        checks["broker"] = {"status": "skipped", "detail": "no broker: tasks run in-process"}
        checks["workers"] = {"status": "skipped", "detail": "tasks run in-process"}
    else:
        broker = _pool.submit(_broker, broker_url)
        checks["broker"] = _within(broker, "broker")
        if checks["broker"]["status"] == "ok":
            left = max(0.1, DEADLINE - (time.monotonic() - started))
            checks["workers"] = _within(_pool.submit(_workers), "workers", left)
        else:
            checks["workers"] = {"status": "unknown", "detail": "broker unreachable"}
    status = overall(checks)
    return {
        "status": status,
        "checked_at": timezone.now().isoformat(),
        "duration_ms": round((time.monotonic() - started) * 1000, 1),
        "checks": checks,
    }


def overall(checks: dict[str, dict]) -> str:
    if checks["database"]["status"] != "ok" or checks["broker"]["status"] == "error":
        return CRITICAL
    # A critical incident degrades the service; only the database or the broker makes it
    # critical as a whole.
    degraded = {"error", "stale", "warning", "critical", "unknown"}
    if any(c["status"] in degraded for name, c in checks.items() if name != "database"):
        return DEGRADED
    return HEALTHY


def http_status(report: dict) -> int:
    return 503 if report["status"] == CRITICAL else 200


def _within(future: concurrent.futures.Future, name: str, timeout: float = DEADLINE) -> dict:
    try:
        return future.result(timeout=timeout)
    except concurrent.futures.TimeoutError:
        return {"status": "error", "detail": f"{name} check timed out after {timeout:.1f}s"}
    except Exception as exc:  # noqa: BLE001 - a health check reports, it never raises
        return {"status": "error", "detail": f"{type(exc).__name__}: {exc}"}


def _database() -> dict:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as exc:  # noqa: BLE001 - any failure is the database's state to report
        return {"status": "error", "detail": f"{type(exc).__name__}: {exc}"}
    return {"status": "ok", "vendor": connection.vendor}


def _runs_and_beat() -> dict[str, dict]:
    now = timezone.now()
    active = IngestionRun.objects.active().count()
    stale_cutoff = now - datetime.timedelta(seconds=settings.JOBPIPE_STALE_RUN_SECONDS)
    stale = IngestionRun.objects.stale(stale_cutoff).count()
    runs = {"status": "stale" if stale else "ok", "active": active, "stale": stale}

    interval = settings.JOBPIPE_SWEEP_INTERVAL_SECONDS
    last_sweep = (
        PipelineJob.objects.filter(task_name="maintenance.sweep_stale", finished_at__isnull=False)
        .order_by("-finished_at")
        .values_list("finished_at", flat=True)
        .first()
    )
    if settings.CELERY_TASK_ALWAYS_EAGER:
        beat = {"status": "skipped", "detail": "no broker: no Beat in the embedded mode"}
    elif last_sweep is None:
        beat = _beat_before_its_first_sweep(now, interval)
    else:
        age = (now - last_sweep).total_seconds()
        beat = {
            "status": "stale" if age > 2 * interval else "ok",
            "last_sweep": last_sweep.isoformat(),
            "age_seconds": round(age),
        }
    open_critical = Incident.objects.open().filter(severity="critical").count()
    incidents = {
        "status": "critical" if open_critical else "ok",
        "open": Incident.objects.open().count(),
        "open_critical": open_critical,
    }
    return {"runs": runs, "beat": beat, "incidents": incidents}


def _beat_before_its_first_sweep(now: datetime.datetime, interval: int) -> dict:
    """No sweep yet: Beat syncs its entries into django-celery-beat's table when it starts,
    and runs the first sweep one interval later. A fresh entry is a Beat that is starting, not
    a degraded service; no entry, or an old one, is a Beat that is not running."""
    from django_celery_beat.models import PeriodicTask

    synced = (
        PeriodicTask.objects.filter(task="maintenance.sweep_stale")
        .values_list("date_changed", flat=True)
        .first()
    )
    if synced is not None and (now - synced).total_seconds() <= 2 * interval:
        return {"status": "starting", "detail": "Beat started; the first sweep is due soon"}
    return {"status": "unknown", "detail": "no sweep recorded yet: is Beat running?"}


def _broker(url: str) -> dict:
    client = redis.Redis.from_url(
        url, socket_connect_timeout=SOCKET_TIMEOUT, socket_timeout=SOCKET_TIMEOUT
    )
    try:
        client.ping()
        depth = {q: client.llen(q) for q in metrics.QUEUES}
    except redis.RedisError as exc:
        return {"status": "error", "detail": f"{type(exc).__name__}: {exc}"}
    finally:
        client.close()
    return {"status": "ok", "queue_depth": depth}


WORKERS_TTL = 15.0  # seconds a ping result is reused: a ping always waits out its timeout
_last_ping: tuple[float, dict] | None = None


def _workers() -> dict:
    global _last_ping
    now = time.monotonic()
    if _last_ping and now - _last_ping[0] < WORKERS_TTL:
        return {**_last_ping[1], "age_seconds": round(now - _last_ping[0], 1)}
    replies = app.control.ping(timeout=SOCKET_TIMEOUT) or []
    names = sorted(name for reply in replies for name in reply)
    result: dict[str, object]
    if not names:
        result = {"status": "error", "detail": "no worker answered the ping", "workers": []}
    else:
        result = {"status": "ok", "workers": names, "count": len(names)}
    _last_ping = (time.monotonic(), result)
    return {**result, "age_seconds": 0.0}
