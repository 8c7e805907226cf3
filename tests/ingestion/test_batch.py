"""Batched crawl: fetch + extract + insert per URL, one transaction per batch, exactly once."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from extraction.models import Job
from ingestion import batch, crawler
from ingestion.models import IngestionRun, RunStatus, RunUrl
from tests.factories import extracted_job, make_run, make_run_url
from tests.sitegen import NOT_A_JOB, job_page

pytestmark = pytest.mark.django_db


def test_it_settles_each_url_of_a_batch_with_its_own_outcome(http):
    run = make_run()
    job = make_run_url(run, http.route("/jobs/1.html", body=job_page(1)))
    culture = make_run_url(run, http.route("/culture.html", body=NOT_A_JOB))
    gone = make_run_url(run, http.base + "/jobs/2.html")  # no route: 404
    ready = make_run_url(run, job=extracted_job(7))  # an ATS record: insert only

    summary = batch.crawl_batch(run.id, [job.id, culture.id, gone.id, ready.id])

    assert summary.settled == 4
    assert summary.outcomes == {"added": 2, "not_a_job": 1, "failed": 1}
    rows = {u.id: u for u in RunUrl.objects.filter(run=run)}
    assert (rows[job.id].outcome, rows[job.id].http_status) == ("added", 200)
    assert rows[job.id].extracted is None  # handed over in memory; the job row holds it
    assert str(rows[job.id].job_id) == str(Job.objects.get(title="Data Analyst 1").id)
    assert Job.objects.get(title="Data Analyst 1").raw_metadata["classifier_score"] == 0.95
    assert (rows[gone.id].outcome, rows[gone.id].error_class) == ("failed", "gone")
    assert rows[culture.id].outcome == "not_a_job"
    assert rows[ready.id].outcome == "added"
    run.refresh_from_db()
    assert (run.jobs_processed, run.jobs_added, run.jobs_failed, run.jobs_skipped) == (4, 2, 1, 1)
    assert run.status == RunStatus.COMPLETED


def test_a_batch_out_of_time_hands_its_remaining_urls_over_without_spending_attempts(
    http, settings
):
    settings.JOBPIPE_CRAWL_BATCH_BUDGET = 10
    run = make_run()
    urls = [make_run_url(run, http.route(f"/jobs/{n}.html", body=job_page(n))) for n in range(5)]
    now = [0.0]

    def clock() -> float:  # every reading is 4 s later: the budget runs out after two fetches
        now[0] += 4
        return now[0]

    summary = batch.crawl_batch(run.id, [u.id for u in urls], clock=clock)

    assert summary.settled == 2
    assert summary.carry_over == [urls[2].id, urls[3].id, urls[4].id]
    left = RunUrl.objects.filter(id__in=summary.carry_over)
    assert {(u.outcome, u.attempts) for u in left} == {("", 0)}
    assert http.hits.get("/jobs/4.html", 0) == 0
    rest = batch.crawl_batch(run.id, summary.carry_over)
    assert (rest.settled, rest.carry_over) == (3, [])
    run.refresh_from_db()
    assert (run.jobs_processed, run.jobs_added, run.status) == (5, 5, RunStatus.COMPLETED)


@pytest.mark.parametrize(
    ("urls", "maximum", "size"),
    [(5000, 100, 100), (500, 100, 100), (200, 100, 50), (30, 100, 10), (3, 100, 10), (9, 2, 2)],
)
def test_batches_are_large_for_long_lists_and_still_shared_for_short_ones(urls, maximum, size):
    assert batch.batch_size(urls, maximum) == size


def test_a_second_delivery_of_a_batch_changes_nothing(http):
    run = make_run()
    urls = [make_run_url(run, http.route(f"/jobs/{n}.html", body=job_page(n))) for n in range(3)]
    ids = [u.id for u in urls]

    first = batch.crawl_batch(run.id, ids)
    second = batch.crawl_batch(run.id, ids)

    assert (first.settled, second.settled, second.noop) == (3, 0, 3)
    run.refresh_from_db()
    assert (run.jobs_processed, run.jobs_added) == (3, 3)
    assert Job.objects.count() == 3
    assert http.hits["/jobs/0.html"] == 1


def test_transient_failures_are_retried_inside_the_batch_until_their_last_attempt(
    http, monkeypatch
):
    monkeypatch.setattr(crawler, "backoff", lambda retries: 0.01)
    run = make_run()
    down = make_run_url(run, http.route("/down", status=503))
    fine = make_run_url(run, http.route("/jobs/1.html", body=job_page(1)))

    summary = batch.crawl_batch(run.id, [down.id, fine.id], max_attempts=3, task_id="t-1")

    down.refresh_from_db()
    assert summary.retry == []  # no retry batch: the failing page's attempts ran in this one
    assert (down.outcome, down.http_status, down.attempts) == ("failed", 503, 3)
    assert http.hits["/down"] == 3
    assert RunUrl.objects.get(id=fine.id).attempts == 1
    assert IngestionRun.objects.get(id=run.id).jobs_processed == 2


def test_a_page_that_recovers_on_its_retry_in_the_batch_is_added(http, monkeypatch):
    monkeypatch.setattr(crawler, "backoff", lambda retries: 0.01)
    run = make_run()
    url = make_run_url(run, http.route("/jobs/1.html", body=job_page(1)))
    answers = iter([503, 200])

    def flaky(path: str) -> None:  # the page's first answer is a 503, then the page
        if path == "/jobs/1.html":
            http.routes[path] = (next(answers, 200), {}, http.routes[path][2])

    http.on_request = flaky
    batch.crawl_batch(run.id, [url.id], max_attempts=3)
    url.refresh_from_db()
    assert (url.outcome, url.attempts) == ("added", 2)


def test_a_pause_longer_than_the_in_batch_wait_goes_to_a_retry_batch(
    http, clock, settings, monkeypatch
):
    monkeypatch.setattr(crawler, "IN_BATCH_WAIT", 1.0)  # the 503's Retry-After: 3 is longer
    # One request at a time to the host, so the second starts after the 503 (requests already
    # in flight when a Retry-After arrives cannot be called back).
    settings.JOBPIPE_DOMAIN_CONCURRENCY = 1
    run = make_run()
    busy = make_run_url(run, http.route("/busy", status=503, Retry_After="3"))
    fine = make_run_url(run, http.route("/jobs/1.html", body=job_page(1)))

    first = batch.crawl_batch(run.id, [busy.id, fine.id], max_attempts=2)
    # The 503's Retry-After pauses the whole host, so the second URL waits too.
    assert (first.retry, first.retry_after, first.retry_attempt) == ([busy.id, fine.id], 3.0, 1)
    assert first.settled == 0
    assert RunUrl.objects.get(id=busy.id).outcome == ""

    clock.shift(4)
    last = batch.crawl_batch(run.id, first.retry, max_attempts=2)

    busy.refresh_from_db()
    assert (busy.outcome, busy.http_status, busy.attempts) == ("failed", 503, 2)
    # busy's last 503 paused the host again: fine waits once more, and a pause never spends
    # one of its attempts.
    assert last.retry == [fine.id]
    assert RunUrl.objects.get(id=fine.id).attempts == 0

    clock.shift(4)
    batch.crawl_batch(run.id, last.retry, max_attempts=2)

    assert RunUrl.objects.get(id=fine.id).outcome == "added"
    assert IngestionRun.objects.get(id=run.id).jobs_failed == 1


def test_it_does_nothing_for_a_cancelled_run(http):
    run = make_run(status=RunStatus.CANCELLED)
    url = make_run_url(run, http.route("/jobs/1.html", body=job_page(1)))

    summary = batch.crawl_batch(run.id, [url.id])

    assert (summary.settled, summary.noop) == (0, 1)
    assert http.hits == {}


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_deliveries_settle_each_url_once(http):
    run = make_run()
    ids = [make_run_url(run, http.route(f"/jobs/{n}.html", body=job_page(n))).id for n in range(8)]
    barrier = threading.Barrier(2)
    settled = []

    def deliver():
        try:
            barrier.wait()
            settled.append(batch.crawl_batch(run.id, ids).settled)
        finally:
            connection.close()

    threads = [threading.Thread(target=deliver) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert sorted(settled)[1] + sorted(settled)[0] == 8
    run.refresh_from_db()
    assert (run.jobs_processed, run.jobs_added, run.status) == (8, 8, RunStatus.COMPLETED)
    assert Job.objects.count() == 8


def test_a_batch_has_requests_to_several_hosts_in_flight_at_once():
    """Four hosts, each holding its answer until all four requests have arrived: a batch that
    fetched one URL after another would break the barrier and fail every URL."""
    from tests.httpserver import ScriptedServer

    arrived = threading.Barrier(4, timeout=20)
    servers = [ScriptedServer(host=f"127.0.0.{n}") for n in range(2, 6)]
    try:
        run = make_run()
        urls = []
        for n, server in enumerate(servers):
            server.on_request = lambda _path: arrived.wait()
            urls.append(make_run_url(run, server.route(f"/jobs/{n}.html", body=job_page(n))))

        summary = batch.crawl_batch(run.id, [u.id for u in urls])
    finally:
        for server in servers:
            server.close()

    assert (summary.settled, summary.outcomes, summary.retry) == (4, {"added": 4}, [])


def test_a_batch_keeps_to_a_hosts_concurrency_limit_without_deferring(http, settings):
    """More threads than the host may take: the surplus waits its turn inside the batch instead
    of being refused (domain_busy) and sent back as a retry batch."""
    settings.JOBPIPE_DOMAIN_CONCURRENCY = 2
    settings.JOBPIPE_CRAWL_THREADS = 8
    lock, in_flight, most = threading.Lock(), [0], [0]
    both_in = threading.Barrier(2, timeout=20)

    def hold(_path: str) -> None:
        with lock:
            in_flight[0] += 1
            most[0] = max(most[0], in_flight[0])
        both_in.wait()  # two at a time, always: the limit is reached and held
        with lock:
            in_flight[0] -= 1

    http.on_request = hold
    run = make_run()
    urls = [make_run_url(run, http.route(f"/jobs/{n}.html", body=job_page(n))) for n in range(6)]

    summary = batch.crawl_batch(run.id, [u.id for u in urls])

    assert (summary.settled, summary.retry, most[0]) == (6, [], 2)
    assert {u.attempts for u in RunUrl.objects.filter(run=run)} == {1}


def test_hosts_take_turns_in_a_batch_and_across_batches():
    class U:
        def __init__(self, url: str) -> None:
            self.url = url

    big = [U(f"https://big.example/jobs/{n}") for n in range(4)]
    small = [U("https://Small.example/jobs/1"), U("https://small.example/jobs/2")]
    other = [U("https://other.example/jobs/1")]

    ordered = batch.interleave_by_host([*big, *small, *other])

    assert ordered == [big[0], small[0], other[0], big[1], small[1], big[2], big[3]]


def test_a_host_busy_elsewhere_waits_in_the_batch_while_other_hosts_go(settings):
    """Another process holds host A's only in-flight slot: A's URL steps aside (no retry batch,
    no attempt spent), B's goes, and A's is fetched once the slot is free."""
    from ingestion.shared_state import store
    from tests.httpserver import ScriptedServer

    settings.JOBPIPE_DOMAIN_CONCURRENCY = 1
    a, b = ScriptedServer(host="127.0.0.2"), ScriptedServer(host="127.0.0.3")
    try:
        run = make_run()
        first = make_run_url(run, a.route("/jobs/1.html", body=job_page(1)))
        second = make_run_url(run, b.route("/jobs/2.html", body=job_page(2)))
        store().incr("jp:busy:127.0.0.2", ttl=60)  # the other process's request to A
        b.on_request = (  # ... ends while B's page is asked for
            lambda path: store().decr("jp:busy:127.0.0.2") if path == "/jobs/2.html" else None
        )

        summary = batch.crawl_batch(run.id, [first.id, second.id])
    finally:
        a.close()
        b.close()

    assert (summary.settled, summary.retry, summary.outcomes) == (2, [], {"added": 2})
    assert (a.hits["/jobs/1.html"], b.hits["/jobs/2.html"]) == (1, 1)
    assert {u.attempts for u in RunUrl.objects.filter(run=run)} == {1}


def test_the_same_task_delivered_twice_spends_one_attempt(http, clock, monkeypatch):
    monkeypatch.setattr(crawler, "IN_BATCH_WAIT", 0.0)  # every retry in a new batch
    run = make_run()
    down = make_run_url(run, http.route("/down", status=500))
    for _delivery in range(2):  # Redis redelivers the unacknowledged message
        again = batch.crawl_batch(run.id, [down.id], max_attempts=3, task_id="task-1")
        assert again.retry == [down.id]
        clock.shift(60)  # past the breaker's pause
    assert RunUrl.objects.get(id=down.id).attempts == 1
    assert http.hits["/down"] == 2  # both deliveries fetched: the page was tried twice ...
    batch.crawl_batch(run.id, [down.id], max_attempts=3, task_id="task-2")
    assert RunUrl.objects.get(id=down.id).attempts == 2  # ... but a new task spends a new one


def test_with_redis_unreachable_no_request_is_sent_and_no_attempt_spent(
    http, settings, monkeypatch
):
    monkeypatch.setattr(crawler, "IN_BATCH_WAIT", 0.0)  # hand the URL back at once
    run = make_run()
    url = make_run_url(run, http.route("/jobs/1.html", body=job_page(1)))
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens there

    summary = batch.crawl_batch(run.id, [url.id], task_id="task-1")

    url.refresh_from_db()
    assert summary.retry == summary.deferred == [url.id]
    assert (url.outcome, url.attempts) == ("", 0)
    assert http.hits == {}  # politeness could not be checked, so nothing was sent
