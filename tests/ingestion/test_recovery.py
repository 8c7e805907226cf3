"""The stale-run sweeper: detection by heartbeat, compare-and-set claims, re-drive, give-up."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from extraction.models import Job
from ingestion import recovery, runs
from ingestion.maintenance import redrive
from ingestion.models import IngestionRun, RunSource, RunStatus, RunUrl, SourceKind, UrlOutcome
from ingestion.tasks import start_run
from ingestion.write import Result, write_results
from tests.factories import make_run, make_run_url, make_source
from tracking.models import Incident, PipelineJob, PipelineJobStatus

THRESHOLD = datetime.timedelta(minutes=15)


def recording(calls: dict) -> recovery.Redrive:
    """Re-drive callbacks that record each call's ids, by stage."""
    return recovery.Redrive(
        discover=lambda r, ids: calls.setdefault("discover", []).append(ids),
        crawl=lambda r, ids: calls.setdefault("crawl", []).append(ids),
    )


def sweep(**kwargs):
    return recovery.sweep(redrive(), threshold=THRESHOLD, **kwargs)


@pytest.mark.django_db(transaction=True)
def test_it_re_drives_a_run_whose_messages_were_lost_and_the_run_completes(
    make_site, pump, clock, settings
):
    settings.JOBPIPE_CRAWL_BATCH_SIZE = 2
    settings.JOBPIPE_CRAWL_TAKE_UNSTARTED = False  # a batch works its own two URLs only
    site = make_site(jobs=12, missing=1, not_jobs=1)
    source = make_source(kind=SourceKind.CAREERS_PAGE, url=site.url("/jobs/index.html"))
    run = runs.create_run([source], use_storage=True, shadow_mode=False)
    start_run.enqueue(run.id, run_id=run.id)
    pump.drain(limit=4)  # start, discover and two batches ...
    lost = len(pump.queue)
    pump.queue.clear()  # ... then the broker loses every message in flight
    run.refresh_from_db()
    assert run.status == RunStatus.INGESTING
    assert lost > 0

    clock.shift(THRESHOLD.total_seconds() - 1)
    assert sweep().recovered == []  # not stale yet
    clock.shift(2)
    unsettled = RunUrl.objects.filter(run=run).unsettled().count()
    report = sweep()
    pump.drain()

    run.refresh_from_db()
    assert report.recovered == [run.id]
    assert report.redriven_urls == unsettled > 0
    assert run.status == RunStatus.COMPLETED
    assert run.retry_count == 1
    urls = RunUrl.objects.filter(run=run)
    assert urls.count() == run.total_jobs_found == 14
    assert not urls.unsettled().exists()
    assert run.jobs_processed == urls.count()
    assert run.jobs_added == urls.filter(outcome=UrlOutcome.ADDED).count() == Job.objects.count()
    assert Job.objects.count() == 12


@pytest.mark.django_db
def test_a_run_that_keeps_beating_is_never_stale(clock):
    run = make_run()
    for _ in range(6):  # three thresholds, beating every half threshold
        clock.shift(THRESHOLD.total_seconds() / 2)
        runs.touch(run.id)
        assert sweep().recovered == []
    run.refresh_from_db()
    assert (run.status, run.retry_count) == (RunStatus.INGESTING, 0)


@pytest.mark.django_db
def test_a_run_that_finishes_during_the_sweep_stays_completed(clock):
    run = make_run()
    make_run_url(run)
    clock.shift(THRESHOLD.total_seconds() + 1)
    observed = IngestionRun.objects.stale(timezone.now() - THRESHOLD).get()
    IngestionRun.objects.filter(id=run.id).update(status=RunStatus.COMPLETED)

    assert recovery.recover_run(observed, redrive(), now=timezone.now()) is None
    run.refresh_from_db()
    assert (run.status, run.retry_count) == (RunStatus.COMPLETED, 0)


@pytest.mark.django_db
def test_two_sweepers_recover_a_run_once(clock):
    run = make_run()
    url = make_run_url(run)
    clock.shift(THRESHOLD.total_seconds() + 1)
    observed = IngestionRun.objects.stale(timezone.now() - THRESHOLD).get()
    calls = {}
    counting = recording(calls)

    first = recovery.recover_run(observed, counting, now=timezone.now())
    second = recovery.recover_run(observed, counting, now=timezone.now())

    assert (first, second) == (1, None)
    assert calls == {"crawl": [[url.id]]}
    assert IngestionRun.objects.get(id=run.id).retry_count == 1


@pytest.mark.django_db
def test_it_re_drives_each_unsettled_url_at_the_stage_it_reached(clock):
    from tests.factories import extracted_job

    run = make_run()
    waiting_crawl = make_run_url(run)
    waiting_insert = make_run_url(run, job=extracted_job())
    done = make_run_url(run)
    write_results(run.id, {done.id: Result(UrlOutcome.FAILED)})
    calls = {}
    recorder = recording(calls)
    clock.shift(THRESHOLD.total_seconds() + 1)

    report = recovery.sweep(recorder, threshold=THRESHOLD)

    assert report.redriven_urls == 2
    # One crawl batch takes both: it fetches the first and only inserts the second.
    assert calls == {"crawl": [[waiting_crawl.id, waiting_insert.id]]}


@pytest.mark.django_db
def test_it_re_drives_discovery_of_a_stale_archiving_run(clock):
    run = make_run(status=RunStatus.ARCHIVING)
    pending = RunSource.objects.get(run=run)
    calls = {}
    recorder = recording(calls)
    clock.shift(THRESHOLD.total_seconds() + 1)

    recovery.sweep(recorder, threshold=THRESHOLD)

    assert calls == {"discover": [[pending.id]]}


@pytest.mark.django_db
def test_it_fails_a_run_out_of_retries_revokes_its_tasks_and_opens_one_incident(clock, settings):
    settings.JOBPIPE_STALE_MAX_RETRIES = 3
    run = make_run(retry_count=3)
    make_run_url(run)
    queued = PipelineJob.objects.create(task_id="lost-1", task_name="ingestion.crawl_url", run=run)
    clock.shift(THRESHOLD.total_seconds() + 1)

    report = sweep()

    run.refresh_from_db()
    queued.refresh_from_db()
    assert report.failed == [run.id]
    assert run.status == RunStatus.FAILED
    assert "recovered 3 times without finishing" in run.error_message
    assert queued.status == PipelineJobStatus.FAILED
    incident = Incident.objects.open().get()
    assert (incident.kind, incident.severity, incident.run_id) == (
        f"run_failed:{run.id}",
        "critical",
        run.id,
    )
    assert incident.metrics["unsettled_urls"] == 1
    clock.shift(THRESHOLD.total_seconds() + 1)
    assert sweep().failed == []  # a failed run is terminal: never touched again


@pytest.mark.django_db
def test_it_closes_ledger_rows_that_can_never_finish(clock, settings):
    active, ended = make_run(), make_run(status=RunStatus.COMPLETED)
    now = timezone.now()
    long_ago = now - datetime.timedelta(
        seconds=settings.CELERY_TASK_TIME_LIMIT + settings.JOBPIPE_STALE_RUN_SECONDS + 1
    )
    wedged = PipelineJob.objects.create(
        task_id="wedged", task_name="t", run=active, status="running", started_at=long_ago
    )
    busy = PipelineJob.objects.create(
        task_id="busy", task_name="t", run=active, status="running", started_at=now
    )
    waiting = PipelineJob.objects.create(task_id="waiting", task_name="t", run=active)
    orphan = PipelineJob.objects.create(task_id="orphan", task_name="t", run=ended)

    assert recovery.close_stale_tasks(now=now) == 2

    statuses = dict(PipelineJob.objects.values_list("task_id", "status"))
    assert statuses == {
        wedged.task_id: "failed",
        busy.task_id: "running",
        waiting.task_id: "queued",
        orphan.task_id: "failed",
    }
