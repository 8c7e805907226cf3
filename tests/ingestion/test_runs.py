"""Run lifecycle: creation, compare-and-set transitions, settling, completion."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from ingestion import runs
from ingestion.models import IngestionRun, RunSource, RunStatus, RunUrl, SourceKind, UrlOutcome
from ingestion.write import Result, write_results
from tests.factories import make_run, make_run_url, make_source

pytestmark = pytest.mark.django_db


def test_it_snapshots_sources_and_options_at_creation(settings):
    settings.EXTRACTION_USE_STORAGE = True
    settings.EXTRACTION_SHADOW_MODE = True
    source = make_source(name="Acme")

    run = runs.create_run([source])

    assert run.status == RunStatus.PENDING
    assert run.sources[0]["name"] == "Acme"
    assert run.options == {"use_storage": True, "shadow_mode": True, "target_table": "jobs_side"}
    assert run.sources_pending == 1
    assert RunSource.objects.filter(run=run, source=source).count() == 1


def test_it_targets_jobs_table_setting_when_shadow_mode_is_off(settings):
    settings.JOBS_TABLE = "jobs"
    run = runs.create_run([make_source()], use_storage=True, shadow_mode=False)
    assert run.options["target_table"] == "jobs"


def test_it_refuses_empty_and_disabled_sources():
    with pytest.raises(runs.RunError, match="at least one source"):
        runs.create_run([])
    with pytest.raises(runs.RunError, match="disabled sources cannot run: Old"):
        runs.create_run([make_source(name="Old", enabled=False)])


def test_it_begins_a_run_once():
    run = runs.create_run([make_source(), make_source()])
    enqueued: list[list[int]] = []

    assert runs.begin_run(run.id, enqueued.append) is True
    assert runs.begin_run(run.id, enqueued.append) is False

    run.refresh_from_db()
    assert run.status == RunStatus.ARCHIVING
    assert run.started_at is not None
    assert len(enqueued) == 1
    assert sorted(enqueued[0]) == sorted(run.run_sources.values_list("id", flat=True))


def test_it_starts_ingesting_only_after_every_source_is_discovered():
    # A careers page beside a sitemap: no early crawl, every URL is enqueued now.
    sources = [make_source(kind=SourceKind.CAREERS_PAGE), make_source(kind=SourceKind.SITEMAP)]
    run = make_run(sources, status=RunStatus.ARCHIVING, sources_pending=1)
    make_run_url(run)
    enqueued: list[list[int]] = []

    assert runs.begin_ingesting(run.id, enqueued.append) is False
    IngestionRun.objects.filter(id=run.id).update(sources_pending=0)
    assert runs.begin_ingesting(run.id, enqueued.append) is True
    assert runs.begin_ingesting(run.id, enqueued.append) is False

    run.refresh_from_db()
    assert run.status == RunStatus.INGESTING
    assert len(enqueued) == 1 and len(enqueued[0]) == 1


def test_it_completes_a_run_that_found_nothing():
    run = make_run(status=RunStatus.ARCHIVING, sources_pending=0)

    assert runs.begin_ingesting(run.id, lambda ids: pytest.fail("nothing to crawl")) is True

    run.refresh_from_db()
    assert run.status == RunStatus.COMPLETED
    assert run.completed_at is not None


def settle(run_url, outcome: str, **fields) -> bool:
    """Settle one URL through the batch's write; True when this call settled it."""
    return write_results(run_url.run_id, {run_url.id: Result(outcome, fields)}).settled == 1


def test_it_settles_and_counts_a_url_once():
    run = make_run()
    first, second = make_run_url(run), make_run_url(run)

    assert settle(first, UrlOutcome.FAILED, error_class="http_404", http_status=404) is True
    assert settle(first, UrlOutcome.ADDED) is False

    run.refresh_from_db()
    assert (run.jobs_processed, run.jobs_failed, run.jobs_added) == (1, 1, 0)
    assert run.status == RunStatus.INGESTING
    first.refresh_from_db()
    assert (first.outcome, first.error_class) == ("failed", "http_404")

    assert settle(second, UrlOutcome.NOT_A_JOB) is True
    run.refresh_from_db()
    assert run.status == RunStatus.COMPLETED  # a page that is gone is no failure of the run
    assert (run.jobs_processed, run.jobs_skipped) == (2, 1)


@pytest.mark.parametrize("status", [RunStatus.PENDING, RunStatus.ARCHIVING, RunStatus.INGESTING])
def test_it_cancels_an_active_run_whatever_it_is_doing(status):
    run = make_run(status=status)

    cancelled = runs.cancel_run(run.id)

    assert (cancelled.status, cancelled.current_stage) == (RunStatus.CANCELLED, "cancelled")
    assert cancelled.error_message == "cancelled by an operator"


@pytest.mark.django_db(transaction=True)
def test_it_lets_exactly_one_of_many_concurrent_finishers_complete_the_run():
    """Twenty threads settle the last twenty URLs at once; one completion, exact counters."""
    run = make_run()
    urls = [make_run_url(run) for _ in range(20)]
    barrier = threading.Barrier(len(urls))
    completions: list[bool] = []
    errors: list[BaseException] = []

    def finisher(run_url):
        try:
            barrier.wait()
            written = write_results(run.id, {run_url.id: Result(UrlOutcome.ADDED)})
            completions.append(written.completed_run)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=finisher, args=(u,)) for u in urls]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert errors == []
    assert sorted(completions) == [False] * 19 + [True]
    run.refresh_from_db()
    assert run.status == RunStatus.COMPLETED
    assert (run.jobs_processed, run.jobs_added) == (20, 20)


@pytest.mark.django_db(transaction=True)
def test_it_gives_completion_to_exactly_one_of_many_concurrent_callers():
    run = make_run(total_jobs_found=5, jobs_processed=5)
    results = run_concurrently(20, lambda: runs.complete_if_done(run.id))

    assert sorted(results) == [False] * 19 + [True]
    assert IngestionRun.objects.get(id=run.id).status == RunStatus.COMPLETED


def run_concurrently(n: int, func) -> list:
    barrier = threading.Barrier(n)
    results: list = []

    def call():
        try:
            barrier.wait()
            results.append(func())
        finally:
            connection.close()

    threads = [threading.Thread(target=call) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == n
    return results


def test_it_cancels_a_stuck_run_and_closes_its_outstanding_tasks():
    from tracking.models import PipelineJob, PipelineJobStatus

    run = make_run()
    queued = PipelineJob.objects.create(task_id="t-queued", task_name="x", run=run)
    done = PipelineJob.objects.create(
        task_id="t-done", task_name="x", run=run, status=PipelineJobStatus.FINISHED
    )

    reset = runs.cancel_run(run.id, "stuck on a dead worker")

    assert (reset.status, reset.error_message) == (RunStatus.CANCELLED, "stuck on a dead worker")
    queued.refresh_from_db()
    done.refresh_from_db()
    assert queued.status == PipelineJobStatus.FAILED
    assert queued.error == "revoked: stuck on a dead worker"
    assert done.status == PipelineJobStatus.FINISHED


@pytest.mark.parametrize("status", [RunStatus.COMPLETED, RunStatus.FAILED, RunStatus.CANCELLED])
def test_it_refuses_to_cancel_a_run_that_has_ended(status):
    run = make_run(status=status)

    with pytest.raises(runs.RunError, match=f"run {run.id} is {status}: only an active run"):
        runs.cancel_run(run.id)
    assert IngestionRun.objects.get(id=run.id).status == status


def test_it_reports_an_unknown_run_on_cancel():
    with pytest.raises(IngestionRun.DoesNotExist):
        runs.cancel_run(987654)


def test_it_refuses_to_retry_failed_urls_of_a_cancelled_run():
    run = make_run(status=RunStatus.CANCELLED)

    with pytest.raises(runs.RunError, match=f"run {run.id} is cancelled"):
        runs.retry_failed_urls(run.id, lambda run_id, ids: None)


def test_retrying_a_run_without_failed_urls_changes_nothing():
    run = make_run(status=RunStatus.COMPLETED)
    enqueued = []

    assert runs.retry_failed_urls(run.id, lambda run_id, ids: enqueued.append(ids)) == 0
    assert enqueued == []
    assert IngestionRun.objects.get(id=run.id).status == RunStatus.COMPLETED


def test_the_crawl_of_discovered_sources_skips_urls_a_batch_already_works():
    first, second = make_source(), make_source()
    run = make_run([first, second], status=RunStatus.ARCHIVING, sources_pending=1)
    free, started = make_run_url(run), make_run_url(run)
    RunUrl.objects.filter(id=started.id).update(attempts=1, attempt_task="t", claimed_by="t")
    of_second = make_run_url(run)
    RunUrl.objects.filter(id=of_second.id).update(source_id=second.id)
    enqueued: list[list[int]] = []

    assert runs.crawl_discovered(run.id, [first.id], enqueued.append) == 1
    assert enqueued == [[free.id]]
    # The last source settles (its crawl enqueued the same way): the run moves on.
    IngestionRun.objects.filter(id=run.id).update(sources_pending=0)
    assert runs.begin_ingesting(run.id, enqueued.append) is True
    assert IngestionRun.objects.get(id=run.id).status == RunStatus.INGESTING
    assert len(enqueued) == 1
    # Recovering a lost hand-over enqueues every URL no batch works.
    IngestionRun.objects.filter(id=run.id).update(status=RunStatus.ARCHIVING)
    assert runs.begin_ingesting(run.id, enqueued.append, recovering=True) is True
    assert enqueued[1] == sorted([free.id, of_second.id])


def test_a_careers_page_beside_a_sitemap_waits_for_every_listing_before_the_crawl():
    """Its link texts may still reach the sitemap's URLs (a title candidate for extraction)."""
    careers, sitemap = (
        make_source(kind=SourceKind.CAREERS_PAGE),
        make_source(kind=SourceKind.SITEMAP),
    )
    run = make_run([careers, sitemap], status=RunStatus.ARCHIVING, sources_pending=1)
    url = make_run_url(run)
    RunUrl.objects.filter(id=url.id).update(source_id=sitemap.id)

    assert runs.crawl_discovered(run.id, [sitemap.id], lambda ids: pytest.fail("early")) == 0
