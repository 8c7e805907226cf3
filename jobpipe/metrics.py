"""Prometheus metrics, correct across web and worker processes.

- Counters and histograms are recorded in whichever process does the work (Celery workers).
  With PROMETHEUS_MULTIPROC_DIR set (the same directory for web and workers, emptied at
  deploy), prometheus-client keeps them in per-process files and `/metrics` sums them.
  Without it, each process only sees its own values (fine for the embedded mode).
- Gauges (active runs, queue depth, ledger backlog, open incidents) are read from PostgreSQL
  and Redis at scrape time, so they are right whatever process answers (jobpipe/exporter.py,
  which serves /metrics).
- JOBPIPE_METRICS_FILE: a JSON file with the last 1,000 URL outcomes, for setups without
  Prometheus; every process appends under an exclusive file lock.
"""

from __future__ import annotations

import fcntl
import json
import logging
from pathlib import Path

import redis
from django.conf import settings
from django.utils import timezone
from prometheus_client import Counter, Histogram

log = logging.getLogger(__name__)

URL_OUTCOMES = Counter(
    "jobpipe_url_outcomes",
    "URLs settled, by source, target table and outcome (added = inserted).",
    ["source_id", "table", "outcome"],
)
URLS_UNCHANGED = Counter(
    "jobpipe_urls_unchanged",
    "Unchanged URLs settled without extraction, by source, target table and reason "
    "(lastmod, not_modified, same_body, listing).",
    ["source_id", "table", "reason"],
)
TASK_DURATION = Histogram(
    "jobpipe_task_duration_seconds",
    "Wall time of each tracked Celery task.",
    ["task", "status"],
    buckets=(0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300),
)
RUN_DURATION = Histogram(
    "jobpipe_run_duration_seconds",
    "Wall time of completed ingestion runs, from start to completion.",
    buckets=(10, 30, 60, 120, 300, 600, 1800, 3600, 7200, 21600),
)
OPERATIONS_KEPT = 1000


def record_outcome(
    run_id: int, table: str, source_id: int, outcome: str, unchanged_by: str = ""
) -> None:
    record_outcomes(run_id, table, [(source_id, outcome, unchanged_by)])


def record_outcomes(run_id: int, table: str, settled: list[tuple[int, str, str]]) -> None:
    """record_outcome for many URLs, (source id, outcome, unchanged_by) each: one increment
    per label set."""
    counts: dict[tuple[int, str, str], int] = {}
    for key in settled:
        counts[key] = counts.get(key, 0) + 1
    for (source_id, outcome, unchanged_by), n in counts.items():
        URL_OUTCOMES.labels(source_id=str(source_id), table=table, outcome=outcome).inc(n)
        if unchanged_by:
            labels = {"source_id": str(source_id), "table": table, "reason": unchanged_by}
            URLS_UNCHANGED.labels(**labels).inc(n)
    if settings.JOBPIPE_METRICS_FILE:
        for source_id, outcome, unchanged_by in settled:
            append_operation(
                Path(settings.JOBPIPE_METRICS_FILE),
                _operation(run_id, table, source_id, outcome, unchanged_by),
            )


def _operation(run_id: int, table: str, source_id: int, outcome: str, unchanged_by: str) -> dict:
    return {
        "at": timezone.now().isoformat(),
        "run_id": run_id,
        "source_id": source_id,
        "table": table,
        "outcome": outcome,
        **({"unchanged_by": unchanged_by} if unchanged_by else {}),
    }


def append_operation(path: Path, operation: dict, keep: int = OPERATIONS_KEPT) -> None:
    """Append to the JSON fallback file, keeping the newest `keep` operations."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "a+", encoding="utf-8") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            fh.seek(0)
            try:
                operations = json.loads(fh.read() or "{}").get("operations", [])
            except ValueError:
                operations = []  # a corrupt file is replaced, not fatal
            operations = [*operations, operation][-keep:]
            fh.seek(0)
            fh.truncate()
            json.dump({"operations": operations}, fh)
    except OSError:
        log.warning("could not write the metrics file %s", path, exc_info=True)


QUEUES = ("default", "crawl")


def queue_depths(timeout: float = 0.5) -> dict[str, int] | None:
    """LLEN of each Celery queue on the Redis broker; None without a broker or when it is down."""
    url = settings.CELERY_BROKER_URL
    if not url or not url.startswith(("redis://", "rediss://")):
        return None
    client = redis.Redis.from_url(url, socket_connect_timeout=timeout, socket_timeout=timeout)
    try:
        return {queue: client.llen(queue) for queue in QUEUES}
    except redis.RedisError:
        return None
    finally:
        client.close()
