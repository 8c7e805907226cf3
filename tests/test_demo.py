"""The first README command's job: the demo site, on SQLite, with tasks in-process."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def manage(*args: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_it_ingests_the_demo_site_on_embedded_defaults(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("CELERY_BROKER_URL", "DATABASE_URL")}
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'demo.sqlite3'}"
    assert manage("migrate", "--noinput", "-v", "0", env=env).returncode == 0

    first = manage("demo", "--port", "0", env=env)
    second = manage("demo", "--port", "0", env=env)

    assert first.returncode == 0, first.stderr
    out = first.stdout
    assert "Run 1: completed" in out
    assert (
        "found 6, processed 6: added 4, updated 0, unchanged 0, skipped 1, failed 1; archived 0"
        in out
    )
    assert "not_a_job" in out and "gone" in out
    # The sitemap lists the careers page's URLs: found, and said to be listed already.
    assert "6 URLs - 6 already listed by" in out
    assert "manage.py createsuperuser" in out
    # A second demo serves the site on another port: new URLs, so the first run's jobs are
    # missing from the listing, but a careers page must miss a job twice before it is archived;
    # nothing is counted twice.
    assert second.returncode == 0, second.stderr
    assert "Run 2: completed" in second.stdout
    assert "added 4, updated 0, unchanged 0, skipped 1, failed 1; archived 0" in second.stdout


def test_ingest_exits_non_zero_when_its_run_failed(tmp_path):
    """Cron must tell: a run whose only source could not be listed ends `failed`, exit 1."""
    env = {k: v for k, v in os.environ.items() if k not in ("CELERY_BROKER_URL", "DATABASE_URL")}
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'ingest.sqlite3'}"
    assert manage("migrate", "--noinput", "-v", "0", env=env).returncode == 0
    # Nothing listens on port 9: the careers page cannot be read.
    add = ("sources", "add", "Gone", "--kind", "careers_page", "--url", "http://127.0.0.1:9/jobs")
    assert manage(*add, env=env).returncode == 0

    done = manage("ingest", "--source", "Gone", env=env)

    assert done.returncode == 1, done.stderr
    assert "Run 1: failed" in done.stdout
    assert "run 1 failed: 1 of 1 sources failed discovery (Gone:" in done.stderr
