"""The PipelineJob ledger: queued before publish, then running, finished or failed."""

from __future__ import annotations

import pytest
from celery.exceptions import Retry

from tracking.decorators import TrackedTask, tracked_task
from tracking.models import PipelineJob

pytestmark = pytest.mark.django_db(transaction=True)


@tracked_task(name="tests.echo", realm="tests")
def echo(self, value):
    if value == "boom":
        raise ValueError("exploded")
    if value == "again" and self.request.retries == 0:
        raise self.retry(countdown=5)
    return {"echo": value}


def test_it_records_queued_before_publishing_and_publishes_on_commit(monkeypatch):
    published: list[tuple] = []

    def fake_publish(self, args=None, kwargs=None, task_id=None, **options):
        # The ledger row must already be committed when the message goes out.
        published.append((PipelineJob.objects.get(task_id=task_id).status, args, options["queue"]))

    monkeypatch.setattr(TrackedTask, "apply_async", fake_publish)
    from django.db import transaction

    with transaction.atomic():
        task_id = echo.enqueue("hi", run_id=None)
        assert published == []

    assert published == [("queued", ["hi"], "default")]
    row = PipelineJob.objects.get(task_id=task_id)
    assert (row.task_name, row.realm, row.payload) == (
        "tests.echo",
        "tests",
        {"args": ["hi"], "kwargs": {}},
    )


def test_it_publishes_nothing_when_the_caller_rolls_back(monkeypatch):
    published = []
    monkeypatch.setattr(TrackedTask, "apply_async", lambda self, *a, **k: published.append(a))
    from django.db import transaction

    def enqueue_then_fail():
        with transaction.atomic():
            echo.enqueue("hi")
            raise RuntimeError("caller failed")

    with pytest.raises(RuntimeError):
        enqueue_then_fail()

    assert published == []
    assert PipelineJob.objects.count() == 0


def test_it_moves_a_run_to_finished_with_its_result(pump):
    task_id = echo.enqueue("hi")
    pump.drain()

    row = PipelineJob.objects.get(task_id=task_id)
    assert (row.status, row.result, row.attempt, row.error) == ("finished", {"echo": "hi"}, 1, "")
    assert row.started_at is not None and row.finished_at >= row.started_at


def test_it_records_the_error_of_a_failed_task(pump):
    task_id = echo.enqueue("boom")
    with pytest.raises(ValueError, match="exploded"):
        pump.drain()

    row = PipelineJob.objects.get(task_id=task_id)
    assert (row.status, row.error) == ("failed", "ValueError: exploded")


def test_it_counts_every_delivery_as_an_attempt(pump):
    pump.copies = 2
    task_id = echo.enqueue("hi")
    pump.drain()

    row = PipelineJob.objects.get(task_id=task_id)
    assert (row.status, row.attempt) == ("finished", 2)


def test_it_records_tasks_published_outside_enqueue():
    result = echo.apply(("direct",), task_id="outside-1")

    assert result.get() == {"echo": "direct"}
    row = PipelineJob.objects.get(task_id="outside-1")
    assert (row.status, row.payload["args"], row.attempt) == ("finished", ["direct"], 1)


def test_it_puts_a_retrying_task_back_to_queued_until_the_retry_runs(pump):
    """A worker-side retry re-publishes the same task id; the ledger shows it queued again."""
    task_id = echo.enqueue("again")
    pump.queue.clear()  # deliver by hand below, as a worker would, not eagerly
    echo.push_request(
        id=task_id, retries=0, is_eager=False, called_directly=False, args=["again"], kwargs={}
    )
    try:
        with pytest.raises(Retry):
            echo("again")
    finally:
        echo.pop_request()

    assert PipelineJob.objects.get(task_id=task_id).status == "queued"
    assert [(args, tid) for _, args, tid in pump.queue] == [(("again",), task_id)]


OUTAGES = {"left": 0}


@tracked_task(name="tests.needs_the_database")
def needs_the_database(self):
    """Fails with a lost database connection while OUTAGES["left"] > 0."""
    from django.db import OperationalError

    if OUTAGES["left"] > 0:
        OUTAGES["left"] -= 1
        raise OperationalError("server closed the connection unexpectedly")
    return {"ok": True}


def deliver(task, task_id: str, retries: int):
    """Run the task as a worker does (not eagerly): its retries go to the broker (the pump)."""
    task.push_request(id=task_id, retries=retries, is_eager=False, called_directly=False)
    try:
        return task()
    finally:
        task.pop_request()


def test_a_database_outage_retries_the_task_instead_of_failing_it(pump):
    task_id = needs_the_database.enqueue()
    pump.queue.clear()
    OUTAGES["left"] = 2
    for retries in range(2):
        with pytest.raises(Retry) as retry:
            deliver(needs_the_database, task_id, retries)
        assert 2 ** (retries + 1) <= retry.value.when < 2 ** (retries + 1) + 1  # backoff
        assert PipelineJob.objects.get(task_id=task_id).status == "queued"  # not failed
        assert [tid for _, _, tid in pump.queue] == [task_id]  # re-published, same id
        pump.queue.clear()
    assert deliver(needs_the_database, task_id, 2) == {"ok": True}
    row = PipelineJob.objects.get(task_id=task_id)
    assert (row.status, row.result, row.failure_kind) == ("finished", {"ok": True}, "")
    assert row.attempt == 3  # one ledger row through both retries


def test_an_outage_past_the_retries_fails_as_infrastructure_not_as_the_task(pump, settings):
    from django.db import OperationalError

    settings.JOBPIPE_INFRA_RETRIES = 1
    task_id = needs_the_database.enqueue()
    OUTAGES["left"] = 5
    with pytest.raises(OperationalError):
        deliver(needs_the_database, task_id, 1)
    row = PipelineJob.objects.get(task_id=task_id)
    assert (row.status, row.failure_kind) == ("failed", "infrastructure")
    assert row.error.startswith("OperationalError: server closed the connection")


def test_backoff_doubles_and_is_capped():
    from tracking.decorators import infra_backoff

    assert 2 <= infra_backoff(0) < 3
    assert 8 <= infra_backoff(2) < 9
    assert 60 <= infra_backoff(20) < 61


def test_a_running_tasks_lease_is_renewed_while_it_runs(settings):
    import threading

    from django.utils import timezone

    from tracking.decorators import Lease

    settings.JOBPIPE_TASK_LEASE_SECONDS = 0.2  # renewed every 50 ms
    row = PipelineJob.objects.create(
        task_id="leased", task_name="x", status="running", heartbeat_at=timezone.now()
    )
    first = row.heartbeat_at
    lease = Lease.start("leased")
    renewed = threading.Event()

    def check():  # polls a real thread's writes; not a timed assertion
        for _ in range(100):
            if PipelineJob.objects.get(id=row.id).heartbeat_at > first:
                renewed.set()
                return
            threading.Event().wait(0.05)

    check()
    lease.stop()
    assert renewed.is_set()
    assert not lease.thread.is_alive()
