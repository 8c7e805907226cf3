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
