"""Real Celery worker and Redis processes for integration tests."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]


def test_database_url() -> str:
    """The URL of pytest-django's test database, for processes outside pytest."""
    db = settings.DATABASES["default"]
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


test_database_url.__test__ = False  # not a test, despite its name


def process_env(broker_url: str | None = None, **extra: str) -> dict:
    return {
        **os.environ,
        "DATABASE_URL": test_database_url(),
        "CELERY_BROKER_URL": broker_url or settings.CELERY_BROKER_URL,
        "LOG_LEVEL": "WARNING",
        **extra,
    }


def start_worker(
    name: str, broker_url: str | None = None, concurrency: int = 2, env: dict | None = None
):
    """A prefork worker on both queues, in its own process group (so it can be SIGKILLed
    with its children, as when a machine dies); `env` adds settings for it."""
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "jobpipe",
            "worker",
            "-Q",
            "default,crawl",
            "-c",
            str(concurrency),
            "-P",
            "prefork",
            "-n",
            f"{name}-{os.getpid()}@%h",
            "--without-gossip",
            "--without-mingle",
            "-l",
            "warning",
        ],
        cwd=ROOT,
        env={**process_env(broker_url), **(env or {})},
        start_new_session=True,
    )


def kill_group(proc: subprocess.Popen, sig: int = signal.SIGKILL) -> None:
    try:
        os.killpg(proc.pid, sig)
    except ProcessLookupError:
        return
    proc.wait(timeout=30)


def stop_worker(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            kill_group(proc)
    kill_group(proc)  # any orphaned pool child


def manage(*args: str, broker_url: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=process_env(broker_url),
        capture_output=True,
        text=True,
        check=False,
    )


def wait_for(predicate, *, what: str, limit: float, interval: float = 0.2):
    """Poll a real external process until `predicate` holds (not a timed assertion)."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    pytest.fail(f"timed out after {limit}s waiting for {what}")
