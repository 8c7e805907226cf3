"""The watchdog: lost work found from the ledger (lapsed leases, messages the broker no longer
holds, runs with nothing outstanding) and re-driven once, on a controllable clock."""

from __future__ import annotations

import datetime
import uuid

import pytest
from django.conf import settings as django_settings
from django.utils import timezone

from ingestion import recovery, runs
from ingestion.models import IngestionRun, RunSource, RunStatus, UrlOutcome
from jobpipe.celery import app
from tests.factories import make_run, make_run_url
from tracking import ledger
from tracking.models import FailureKind, PipelineJob, PipelineJobStatus

# Every test runs on the frozen clock, which it moves explicitly.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]


def recording(calls: dict) -> recovery.Redrive:
    """Re-drive callbacks that record each call and, like the real ones, leave a queued
    ledger row for the run."""

    def record(stage: str, task_name: str):
        def enqueue(run_id: int, ids: list[int]) -> None:
            calls.setdefault(stage, []).append((run_id, ids))
            PipelineJob.objects.create(
                task_id=str(uuid.uuid4()), task_name=task_name, run_id=run_id, queue="crawl"
            )

        return enqueue

    return recovery.Redrive(
        discover=record("discover", "ingestion.discover_sources"),
        crawl=record("crawl", "ingestion.crawl_batch"),
    )


def ledger_row(run, task_name: str, args: list, *, status=PipelineJobStatus.RUNNING, **fields):
    return PipelineJob.objects.create(
        task_id=str(uuid.uuid4()),
        task_name=task_name,
        queue="crawl",
        payload={"args": args, "kwargs": {}},
        run=run,
        status=status,
        started_at=timezone.now() if status == PipelineJobStatus.RUNNING else None,
        heartbeat_at=timezone.now() if status == PipelineJobStatus.RUNNING else None,
        **fields,
    )


def nothing_in_broker(queues):
    return ledger.BrokerView(waiting=set(), delivered=set())


def waiting(*task_ids):
    return ledger.BrokerView(waiting=set(task_ids), delivered=set())


def test_a_running_batch_whose_lease_lapsed_is_lost_and_its_unsettled_urls_re_driven(clock):
    run = make_run()
    done, left = make_run_url(run), make_run_url(run)
    runs.settle_locked(run, [_settled(done)])
    row = ledger_row(run, "ingestion.crawl_batch", [run.id, [done.id, left.id]])
    calls: dict = {}

    clock.shift(django_settings.JOBPIPE_TASK_LEASE_SECONDS - 1)
    assert recovery.watch(recording(calls), broker_ids=nothing_in_broker).lost_workers == 0
    clock.shift(2)
    report = recovery.watch(recording(calls), broker_ids=nothing_in_broker)

    row.refresh_from_db()
    assert report.lost_workers == 1
    assert calls["crawl"] == [(run.id, [left.id])]  # the settled URL is not fetched again
    assert (row.status, row.failure_kind) == (PipelineJobStatus.FAILED, FailureKind.LOST)
    assert row.error.startswith("lost: its worker stopped renewing the lease")
    # A second watchdog (another worker) finds nothing left to claim.
    assert recovery.watch(recording(calls), broker_ids=nothing_in_broker).lost_workers == 0
    assert len(calls["crawl"]) == 1


def test_a_renewed_lease_is_left_alone(clock):
    run = make_run()
    row = ledger_row(run, "ingestion.crawl_batch", [run.id, [make_run_url(run).id]])
    clock.shift(django_settings.JOBPIPE_TASK_LEASE_SECONDS + 5)
    PipelineJob.objects.filter(id=row.id).update(heartbeat_at=timezone.now())  # the renewal
    calls: dict = {}
    report = recovery.watch(recording(calls), broker_ids=nothing_in_broker)
    assert report.lost_workers == 0
    assert calls == {}
    assert PipelineJob.objects.get(id=row.id).status == PipelineJobStatus.RUNNING


def test_a_lost_task_of_an_ended_run_is_closed_and_nothing_re_driven(clock):
    run = make_run(status=RunStatus.CANCELLED)
    row = ledger_row(run, "ingestion.crawl_batch", [run.id, [make_run_url(run).id]])
    clock.shift(django_settings.JOBPIPE_TASK_LEASE_SECONDS + 1)
    calls: dict = {}
    assert recovery.watch(recording(calls), broker_ids=nothing_in_broker).lost_workers == 1
    assert calls == {}
    assert PipelineJob.objects.get(id=row.id).failure_kind == FailureKind.LOST


def test_a_lost_discovery_re_drives_its_pending_sources_only(clock):
    run = make_run(status=RunStatus.ARCHIVING)
    source_ids = list(RunSource.objects.filter(run=run).values_list("id", flat=True))
    ledger_row(run, "ingestion.discover_sources", [source_ids])
    clock.shift(django_settings.JOBPIPE_TASK_LEASE_SECONDS + 1)
    calls: dict = {}
    recovery.watch(recording(calls), broker_ids=nothing_in_broker)
    assert calls == {"discover": [(run.id, source_ids)]}


def test_a_queued_task_the_broker_does_not_hold_is_lost_and_re_driven(clock):
    run = make_run()
    url = make_run_url(run)
    row = ledger_row(
        run, "ingestion.crawl_batch", [run.id, [url.id]], status=PipelineJobStatus.QUEUED
    )
    kept = ledger_row(
        run, "ingestion.crawl_batch", [run.id, [url.id]], status=PipelineJobStatus.QUEUED
    )
    reads = []

    def broker(queues):
        reads.append(queues)
        return waiting(kept.task_id)

    calls: dict = {}
    clock.shift(django_settings.JOBPIPE_LOST_MESSAGE_SECONDS - 1)
    assert recovery.watch(recording(calls), broker_ids=broker).lost_messages == 0
    assert reads == []  # nothing old enough: the broker is not even read
    clock.shift(2)
    report = recovery.watch(recording(calls), broker_ids=broker)

    assert report.lost_messages == 1
    assert reads == [["crawl"], ["crawl"]]  # read twice before calling anything lost
    assert calls["crawl"] == [(run.id, [url.id])]
    assert PipelineJob.objects.get(id=row.id).failure_kind == FailureKind.LOST
    assert PipelineJob.objects.get(id=kept.id).status == PipelineJobStatus.QUEUED


def test_a_message_seen_on_the_second_read_is_not_lost(clock):
    run = make_run()
    row = ledger_row(
        run,
        "ingestion.crawl_batch",
        [run.id, [make_run_url(run).id]],
        status=PipelineJobStatus.QUEUED,
    )
    answers = iter([waiting(), waiting(row.task_id)])  # between the queue and unacked
    clock.shift(django_settings.JOBPIPE_LOST_MESSAGE_SECONDS + 1)
    report = recovery.watch(recording({}), broker_ids=lambda queues: next(answers))
    assert report.lost_messages == 0
    assert PipelineJob.objects.get(id=row.id).status == PipelineJobStatus.QUEUED


def test_an_unreadable_broker_calls_nothing_lost(clock):
    run = make_run()
    ledger_row(
        run,
        "ingestion.crawl_batch",
        [run.id, [make_run_url(run).id]],
        status=PipelineJobStatus.QUEUED,
    )
    clock.shift(django_settings.JOBPIPE_LOST_MESSAGE_SECONDS + 1)
    assert recovery.watch(recording({}), broker_ids=lambda queues: None).lost_messages == 0


def test_a_run_with_nothing_outstanding_and_no_progress_is_re_driven(clock):
    run = make_run()
    url = make_run_url(run)
    busy = make_run()
    make_run_url(busy)
    ledger_row(busy, "ingestion.crawl_batch", [busy.id, []])  # still working
    calls: dict = {}
    clock.shift(django_settings.JOBPIPE_TASK_LEASE_SECONDS - 1)
    assert recovery.watch(recording(calls), broker_ids=nothing_in_broker).stalled_runs == []
    clock.shift(2)
    PipelineJob.objects.filter(run=busy).update(heartbeat_at=timezone.now())
    report = recovery.watch(recording(calls), broker_ids=nothing_in_broker)
    assert report.stalled_runs == [run.id]
    assert calls["crawl"] == [(run.id, [url.id])]
    assert IngestionRun.objects.get(id=run.id).retry_count == 1  # counts toward giving up


def test_broker_task_ids_reads_waiting_messages_from_real_redis():
    if not django_settings.CELERY_BROKER_URL:
        pytest.skip("needs the Redis broker")
    queue = f"jobpipe-test-{uuid.uuid4().hex[:8]}"
    task_id = str(uuid.uuid4())
    app.send_task("ingestion.crawl_batch", args=[0, []], task_id=task_id, queue=queue)
    try:
        found = ledger.broker_task_ids([queue])
        assert found is not None
        assert task_id in found.waiting
        assert not found.holds(str(uuid.uuid4()))
    finally:
        with app.connection_for_write() as conn:
            conn.default_channel.client.delete(queue)


def test_broker_task_ids_is_none_when_redis_is_unreachable(settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    assert ledger.broker_task_ids(["crawl"]) is None


def test_a_completed_run_closes_its_queued_rows_at_once():
    run = make_run()
    url = make_run_url(run)
    queued = ledger_row(
        run, "ingestion.crawl_batch", [run.id, [url.id]], status=PipelineJobStatus.QUEUED
    )
    runs.settle_locked(run, [_settled(url)])
    assert IngestionRun.objects.get(id=run.id).status == RunStatus.COMPLETED
    queued.refresh_from_db()
    assert queued.status == PipelineJobStatus.FINISHED
    assert queued.result == {"closed": f"run {run.id} ended (completed) before this task ran"}


def _settled(run_url):
    run_url.outcome = UrlOutcome.NOT_A_JOB
    return run_url


def test_the_lease_cutoff_uses_the_setting(settings, clock):
    settings.JOBPIPE_TASK_LEASE_SECONDS = 10
    run = make_run()
    ledger_row(run, "maintenance.prune_ledger", [])
    clock.shift(11)
    assert [r.task_name for r in ledger.expired_leases(timezone.now())] == [
        "maintenance.prune_ledger"
    ]
    assert ledger.expired_leases(timezone.now() - datetime.timedelta(seconds=2)) == []


def test_a_task_delivered_to_a_worker_that_no_live_worker_holds_is_lost(clock):
    """Reserved by a worker that was killed: Redis keeps it as unacknowledged for an hour."""
    run = make_run()
    url = make_run_url(run)
    orphan, held = (
        ledger_row(
            run, "ingestion.crawl_batch", [run.id, [url.id]], status=PipelineJobStatus.QUEUED
        )
        for _ in range(2)
    )
    view = ledger.BrokerView(waiting=set(), delivered={orphan.task_id, held.task_id})
    clock.shift(django_settings.JOBPIPE_LOST_MESSAGE_SECONDS + 1)
    calls: dict = {}

    assert (
        recovery.watch(
            recording(calls), broker_ids=lambda q: view, held_by_workers=lambda: None
        ).lost_messages
        == 0
    )  # no worker answered: nothing can be called orphaned
    report = recovery.watch(
        recording(calls), broker_ids=lambda q: view, held_by_workers=lambda: {held.task_id}
    )

    assert report.lost_messages == 1
    assert PipelineJob.objects.get(id=orphan.id).failure_kind == FailureKind.LOST
    assert PipelineJob.objects.get(id=held.id).status == PipelineJobStatus.QUEUED
    assert calls["crawl"] == [(run.id, [url.id])]


def test_a_lost_discovery_whose_sources_were_recorded_re_drives_their_crawl(clock):
    """The task recorded its sources and died before it enqueued their crawl; the run moved on
    to ingesting when the last source settled elsewhere."""
    run = make_run(status=RunStatus.INGESTING)
    source_ids = list(RunSource.objects.filter(run=run).values_list("id", flat=True))
    RunSource.objects.filter(run=run).update(status=RunSource.Status.DISCOVERED)
    url = make_run_url(run)
    ledger_row(run, "ingestion.discover_sources", [source_ids])
    clock.shift(django_settings.JOBPIPE_TASK_LEASE_SECONDS + 1)
    calls: dict = {}

    recovery.watch(recording(calls), broker_ids=nothing_in_broker)

    assert calls == {"crawl": [(run.id, [url.id])]}
