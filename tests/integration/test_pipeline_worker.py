"""A real run: real Celery worker processes on real Redis and PostgreSQL, 200+ URLs."""

from __future__ import annotations

from collections import Counter

import pytest
from django.conf import settings
from django.db.models import Count

from extraction.models import Job
from ingestion import runs
from ingestion.models import IngestionRun, RunUrl, SourceKind
from ingestion.tasks import start_run
from jobpipe.celery import app
from tests.factories import make_source
from tests.integration.workers import start_worker, stop_worker, wait_for
from tracking.models import PipelineJob

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="module")
def worker(django_db_setup, django_db_blocker):
    """Two prefork worker processes consuming both queues, on the test database."""
    if not settings.CELERY_BROKER_URL:
        pytest.fail("integration tests need CELERY_BROKER_URL (scripts/test sets it)")
    app.control.purge()  # messages left by earlier runs of the suite
    proc = start_worker("pipeline")
    try:
        wait_for(lambda: app.control.ping(timeout=0.5), what="worker to answer a ping", limit=60)
        yield proc
    finally:
        stop_worker(proc)


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
        "ingestion.discover_sources": 1,
        "ingestion.crawl_batch": 4,  # 220 URLs in four batches of 55 (batch.batch_size)
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
    batches = ledger.filter(task_name="ingestion.crawl_batch")
    assert set(batches.values_list("queue", flat=True)) == {"crawl"}
