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


# Settings that make a worker's watchdog find lost work in seconds instead of about a minute
# (leases renewed every second, lapsed after 4; the watchdog looks every second).
# JOBPIPE_RECOVERY_DEFAULTS=1 runs the recovery tests on the default settings instead, to
# measure the recovery times the README gives (pytest -s prints them).
FAST_RECOVERY = (
    {}
    if os.environ.get("JOBPIPE_RECOVERY_DEFAULTS")
    else {
        "JOBPIPE_TASK_LEASE_SECONDS": "4",
        "JOBPIPE_WATCHDOG_SECONDS": "1",
        "JOBPIPE_LOST_MESSAGE_SECONDS": "4",
    }
)


def restart_postgres(down_seconds: float) -> None:
    """Stop the test cluster (fast shutdown: every connection is cut), keep it down for
    `down_seconds`, start it again with the options it ran with (postmaster.opts)."""
    import shlex
    from glob import glob

    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW data_directory")
        data_dir = cursor.fetchone()[0]
    connection.close()
    pg_ctl = sorted(glob("/usr/lib/postgresql/*/bin/pg_ctl"))[-1]
    as_owner = ["runuser", "-u", "postgres", "--"] if os.getuid() == 0 else []
    opts = shlex.split(Path(data_dir, "postmaster.opts").read_text())[1:]
    opts = [o for i, o in enumerate(opts) if o != "-D" and (i == 0 or opts[i - 1] != "-D")]
    subprocess.run([*as_owner, pg_ctl, "-D", data_dir, "-m", "fast", "-w", "stop"], check=True)
    time.sleep(down_seconds)  # the outage itself, not a wait for a result
    subprocess.run(
        [*as_owner, pg_ctl, "-D", data_dir, "-l", f"{data_dir}/server.log", "-w", "-t", "60"]
        + ["-o", shlex.join(opts), "start"],
        check=True,
        stdout=subprocess.DEVNULL,
    )


def db_query(query):
    """Run `query()` against the database, None while it is unreachable (a restart)."""
    from django.db import InterfaceError, OperationalError, connection

    try:
        return query()
    except (OperationalError, InterfaceError):
        connection.close()
        return None
