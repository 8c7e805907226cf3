"""A real run: real Celery worker processes on real Redis and PostgreSQL, 200+ URLs."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings
from django.db.models import Count

from extraction.models import Job
from ingestion import runs
from ingestion.models import IngestionRun, RunUrl, SourceKind
from ingestion.tasks import start_run
from jobpipe.celery import app
from tests.factories import make_source
from tracking.models import PipelineJob

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parents[2]


def _test_database_url() -> str:
    """The URL of pytest-django's test database, for the worker processes."""
    db = settings.DATABASES["default"]
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


@pytest.fixture(scope="module")
def worker(django_db_blocker):
    """Two prefork worker processes consuming both queues, on the test database."""
    if not settings.CELERY_BROKER_URL:
        pytest.fail("integration tests need CELERY_BROKER_URL (scripts/test sets it)")
    app.control.purge()  # messages left by earlier runs of the suite
    env = {**os.environ, "DATABASE_URL": _test_database_url(), "LOG_LEVEL": "WARNING"}
    proc = subprocess.Popen(
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
            "2",
            "-P",
            "prefork",
            "-n",
            f"test-{os.getpid()}@%h",
            "--without-gossip",
            "--without-mingle",
            "-l",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        wait_for(lambda: app.control.ping(timeout=0.5), what="worker to answer a ping", limit=60)
        yield proc
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def wait_for(predicate, *, what: str, limit: float, interval: float = 0.2):
    """Poll a real external process until `predicate` holds (not a timed assertion)."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    pytest.fail(f"timed out after {limit}s waiting for {what}")


def test_a_real_worker_completes_a_run_of_220_urls(worker, make_site):
    site = make_site(jobs=200, missing=10, not_jobs=10)
    source = make_source(kind=SourceKind.CAREERS_PAGE, url=site.url("/jobs/index.html"))
    run = runs.create_run([source], use_storage=True, shadow_mode=False)

    start_run.enqueue(run.id, run_id=run.id)
    wait_for(
        lambda: IngestionRun.objects.get(id=run.id).status in ("completed", "failed"),
        what="the run to finish",
        limit=240,
    )

    run.refresh_from_db()
    assert run.status == "completed", run.error_message
    urls = RunUrl.objects.filter(run=run)
    assert urls.count() == run.total_jobs_found == 220
    outcomes = Counter(urls.values_list("outcome", flat=True))
    assert outcomes == {"added": 200, "failed": 10, "not_a_job": 10}
    assert (run.jobs_processed, run.jobs_added, run.jobs_failed, run.jobs_skipped) == (
        220,
        outcomes["added"],
        outcomes["failed"],
        outcomes["not_a_job"],
    )
    assert Job.objects.count() == 200
    assert not Job.objects.values("canonical_hash").annotate(n=Count("id")).filter(n__gt=1).exists()
    ledger = PipelineJob.objects.filter(run=run)
    assert Counter(ledger.values_list("task_name", flat=True)) == {
        "ingestion.start_run": 1,
        "ingestion.discover_source": 1,
        "ingestion.crawl_url": 220,
        "extraction.insert_job": 200,
    }
    # Every task finished: the last insert commits before its ledger row flips, so allow the
    # worker a moment to write the final ledger updates.
    wait_for(
        lambda: not ledger.exclude(status="finished").exists(),
        what="every ledger row to be finished",
        limit=30,
    )
    assert set(ledger.values_list("queue", flat=True)) == {"default", "crawl"}
    assert ledger.get(task_name="ingestion.start_run").queue == "default"
    assert set(ledger.filter(task_name="ingestion.crawl_url").values_list("queue", flat=True)) == {
        "crawl"
    }
