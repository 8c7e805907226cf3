"""The whole pipeline in-process on PostgreSQL: start -> discover -> archive -> crawl -> insert.

Messages go through a FIFO pump instead of Redis (tests/integration runs the real broker and
worker); the pump can deliver each message twice, as Redis does after a worker dies.
"""

from __future__ import annotations

from collections import Counter

import pytest

from extraction.models import Job, ShadowJob
from ingestion import runs
from ingestion.models import IngestionRun, RunUrl, Source, SourceKind
from ingestion.tasks import start_run
from tests.factories import make_source
from tracking.models import PipelineJob

pytestmark = pytest.mark.django_db(transaction=True)


def run_pipeline(site, pump, *, shadow_mode=False) -> IngestionRun:
    careers = make_source(kind=SourceKind.CAREERS_PAGE, url=site.url("/jobs/index.html"))
    sitemap = make_source(kind=SourceKind.SITEMAP, url=site.url("/sitemap.xml"))
    run = runs.create_run([careers, sitemap], use_storage=True, shadow_mode=shadow_mode)
    start_run.enqueue(run.id, run_id=run.id)
    pump.drain()
    run.refresh_from_db()
    return run


def snapshot(run: IngestionRun) -> dict:
    """Everything a delivery could change, without ids or timestamps."""
    counters = {
        f: getattr(run, f)
        for f in (
            "status",
            "total_jobs_found",
            "jobs_processed",
            "jobs_added",
            "jobs_updated",
            "jobs_skipped",
            "jobs_failed",
            "jobs_archived",
        )
    }
    urls = sorted(
        RunUrl.objects.filter(run=run).values_list("url", "stage", "outcome", "error_class")
    )
    jobs = sorted(
        Job.objects.values_list(
            "canonical_hash", "title", "org_name", "location_raw", "apply_url", "status"
        )
    )
    ledger = Counter(PipelineJob.objects.filter(run=run).values_list("task_name", "status"))
    return {"run": counters, "urls": urls, "jobs": jobs, "ledger": dict(ledger)}


def test_it_runs_a_site_end_to_end(make_site, pump, settings):
    settings.JOBPIPE_CRAWL_BATCH_SIZE = 5
    site = make_site(jobs=12, missing=2, not_jobs=2)

    run = run_pipeline(site, pump)

    assert run.status == "completed"
    assert run.total_jobs_found == 16  # the sitemap's URLs duplicate the careers page's
    assert (run.jobs_added, run.jobs_failed, run.jobs_skipped) == (12, 2, 2)
    assert run.jobs_processed == RunUrl.objects.filter(run=run).exclude(outcome="").count() == 16
    assert Job.objects.count() == 12 and ShadowJob.objects.count() == 0
    assert not PipelineJob.objects.exclude(status="finished").exists()
    tasks = Counter(PipelineJob.objects.filter(run=run).values_list("task_name", flat=True))
    assert tasks == {
        "ingestion.start_run": 1,
        "ingestion.discover_sources": 2,
        "ingestion.crawl_batch": 4,  # 16 URLs in batches of 5
    }
    gone = RunUrl.objects.get(run=run, url=site.url(site.paths["missing"][0]))
    assert (gone.outcome, gone.http_status) == ("failed", 404)


def test_it_updates_nothing_and_archives_a_withdrawn_job_after_two_listings_without_it(
    make_site, pump
):
    site = make_site(jobs=5)
    run_pipeline(site, pump)
    withdrawn_url = site.url(site.paths["jobs"][-1])
    # The employer withdraws one posting: it leaves the listing and the sitemap.
    for source in Source.objects.all():
        source.config = {"job_url_pattern": r"/job-[0-3]\.html$"}
        source.save()

    def run_again():
        again = runs.create_run(Source.objects.all(), use_storage=True, shadow_mode=False)
        start_run.enqueue(again.id, run_id=again.id)
        pump.drain()
        again.refresh_from_db()
        return again

    first = run_again()  # careers pages and sitemaps: one listing without it is not enough
    assert (first.status, first.jobs_archived) == ("completed", 0)
    assert Job.objects.get(url=withdrawn_url).status == "active"

    again = run_again()
    assert again.status == "completed"
    assert (again.jobs_added, again.jobs_updated, again.jobs_skipped) == (0, 0, 4)
    assert again.jobs_archived == 1
    assert Job.objects.get(url=withdrawn_url).status == "archived"
    assert Job.objects.filter(status="active").count() == 4


def test_it_writes_the_shadow_table_in_shadow_mode(make_site, pump):
    run = run_pipeline(make_site(jobs=3), pump, shadow_mode=True)

    assert run.jobs_added == 3
    assert (ShadowJob.objects.count(), Job.objects.count()) == (3, 0)


def test_double_delivery_leaves_the_same_database_as_single_delivery(make_site, pump, settings):
    settings.JOBPIPE_CRAWL_BATCH_SIZE = 3
    site = make_site(jobs=10, missing=2, not_jobs=2)
    single = snapshot(run_pipeline(site, pump))
    for model in (PipelineJob, RunUrl, IngestionRun, Job, Source):
        model.objects.all().delete()

    pump.copies = 2
    double = snapshot(run_pipeline(site, pump))

    assert double == single
    assert single["run"]["status"] == "completed"
    assert PipelineJob.objects.filter(attempt=2).count() == sum(single["ledger"].values())


def test_a_sources_urls_are_crawled_while_other_sources_are_still_being_discovered(make_site, pump):
    site = make_site(jobs=6)
    other = make_site(jobs=4)
    first = make_source(kind=SourceKind.CAREERS_PAGE, url=site.url("/jobs/index.html"))
    second = make_source(kind=SourceKind.CAREERS_PAGE, url=other.url("/jobs/index.html"))
    run = runs.create_run([first, second], use_storage=True, shadow_mode=False)
    start_run.enqueue(run.id, run_id=run.id)

    pump.drain(limit=2)  # start, then the first source's discovery ...
    queued = [(task.name, args) for task, args, _ in pump.queue]
    assert [name for name, _ in queued] == [
        "ingestion.discover_sources",  # ... the second source's, still to come
        "ingestion.crawl_batch",  # ... and the first source's crawl, already enqueued
    ]
    pump.queue.rotate(-1)  # the crawl's message is delivered first (another worker took it)
    pump.drain(limit=3)
    run.refresh_from_db()
    assert (run.status, run.jobs_added, run.sources_pending) == ("archiving", 6, 1)

    pump.drain()
    run.refresh_from_db()
    assert (run.status, run.jobs_added, run.total_jobs_found) == ("completed", 10, 10)
    assert Job.objects.count() == 10
    assert not RunUrl.objects.filter(run=run, attempts__gt=1).exists()
