"""Which crawl task works on a URL: a batch whose own URLs run low takes the run's unstarted
ones, the batch they were cut into leaves them alone while the taker lives, and a taker that
died leaves nothing behind."""

from __future__ import annotations

import datetime
import threading
import uuid

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.utils import timezone

from extraction.models import Job
from ingestion import batch, claims, recovery
from ingestion.models import RunStatus, RunUrl
from tests.factories import make_run, make_run_url, make_source
from tests.sitegen import job_page
from tracking import ledger
from tracking.models import PipelineJob, PipelineJobStatus

pytestmark = pytest.mark.django_db


def running(task_id: str, run=None, *, beat_ago: float = 0.0) -> PipelineJob:
    """The ledger row of a crawl task running now, its lease renewed `beat_ago` seconds ago."""
    now = timezone.now()
    return PipelineJob.objects.create(
        task_id=task_id,
        task_name="ingestion.crawl_batch",
        queue="crawl",
        status=PipelineJobStatus.RUNNING,
        run=run,
        started_at=now,
        heartbeat_at=now - datetime.timedelta(seconds=beat_ago),
        payload={"args": [run.id if run else 0, []], "kwargs": {}},
    )


def test_unstarted_urls_are_taken_sources_in_turn_and_their_attempt_spent():
    big, small = make_source(), make_source()
    run = make_run([big, small])
    bigs = [make_run_url_of(run, big.id, f"http://127.0.0.1:9/big/{n}.html") for n in range(4)]
    smalls = [
        make_run_url_of(run, small.id, f"http://127.0.0.1:9/small/{n}.html") for n in range(2)
    ]
    started = bigs[0]
    RunUrl.objects.filter(id=started.id).update(attempts=1, attempt_task="other-task")

    taken = claims.take_unstarted(run.id, "taker", "taker:1", limit=4)

    # Each source's first unstarted URL, then each one's second: a big source never crowds out
    # a small one; the URL another task started is not taken.
    assert taken == [bigs[1].id, smalls[0].id, bigs[2].id, smalls[1].id]
    rows = {u.id: u for u in RunUrl.objects.filter(id__in=taken)}
    assert {(u.attempts, u.attempt_task, u.claimed_by) for u in rows.values()} == {
        (1, "taker", "taker:1")
    }
    assert claims.take_unstarted(run.id, "second", "second:1", limit=10) == [bigs[3].id]
    assert claims.take_unstarted(run.id, "third", "third:1", limit=10) == []


def test_a_take_holds_at_most_a_few_urls_of_a_source():
    """A source with many URLs fills no taker's queue on its own: the next take still finds
    the first URLs of a source recorded meanwhile."""
    run = make_run()
    ids = [make_run_url(run).id for _ in range(10)]

    assert claims.take_unstarted(run.id, "taker", "taker:1", limit=100, per_source=4) == ids[:4]
    assert claims.take_unstarted(run.id, "taker", "taker:1", limit=100, per_source=4) == ids[4:8]


def make_run_url_of(run, source_id: int, url: str) -> RunUrl:
    run_url = make_run_url(run, url)
    RunUrl.objects.filter(id=run_url.id).update(source_id=source_id)
    return RunUrl.objects.get(id=run_url.id)


@pytest.mark.django_db(transaction=True)
def test_two_takers_at_once_never_get_the_same_url():
    run = make_run()
    ids = {make_run_url(run).id for _ in range(60)}
    barrier = threading.Barrier(2)
    got: dict[str, list[int]] = {}

    def take(name: str) -> None:
        try:
            barrier.wait()
            got[name] = claims.take_unstarted(run.id, name, f"{name}:1", limit=60, per_source=60)
        finally:
            connection.close()

    threads = [threading.Thread(target=take, args=(name,)) for name in ("a", "b")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert not set(got["a"]) & set(got["b"])
    assert set(got["a"]) | set(got["b"]) == ids
    assert {u.attempts for u in RunUrl.objects.filter(run=run)} == {1}


def test_a_batch_leaves_alone_what_a_live_claim_holds_and_works_what_a_dead_one_left():
    run = make_run()
    alive, dead, free = make_run_url(run), make_run_url(run), make_run_url(run)
    live = claims.Claim("live-taker")
    live.hold()
    RunUrl.objects.filter(id=alive.id).update(attempts=1, claimed_by=live.id)
    RunUrl.objects.filter(id=dead.id).update(attempts=1, claimed_by="dead-taker:0")  # key gone

    spent, elsewhere = claims.spend_attempts([alive.id, dead.id, free.id], "own", "own:1")

    assert elsewhere == {alive.id}
    assert spent == {dead.id, free.id}
    attempts = dict(RunUrl.objects.filter(run=run).values_list("id", "attempts"))
    assert attempts == {alive.id: 1, dead.id: 2, free.id: 1}
    live.drop()
    assert claims.live_claims({live.id}) == set()


def test_a_handed_on_url_loses_its_claim_so_its_retry_batch_works_it():
    run = make_run()
    url = make_run_url(run)
    with claims.held("taker") as taker:
        assert claims.take_unstarted(run.id, "taker", taker.id, limit=5) == [url.id]

        claims.release([url.id], taker.id)  # a retry batch gets it while the taker still runs

        spent, elsewhere = claims.spend_attempts([url.id], "retry-batch", "retry-batch:1")
    assert (spent, elsewhere) == ({url.id}, set())
    assert RunUrl.objects.get(id=url.id).attempts == 2


def test_a_batch_that_runs_out_takes_the_runs_unstarted_urls_and_their_batch_then_does_nothing(
    http, settings
):
    settings.JOBPIPE_CRAWL_BATCH_SIZE = 4
    run = make_run()
    urls = [make_run_url(run, http.route(f"/jobs/{n}.html", body=job_page(n))) for n in range(10)]
    own, queued = [u.id for u in urls[:2]], [u.id for u in urls[2:]]

    first = batch.crawl_batch(run.id, own, task_id="first-batch")

    assert (first.settled, first.taken) == (10, 8)
    assert Job.objects.count() == 10
    later = batch.crawl_batch(run.id, queued, task_id="queued-batch")  # its message comes
    assert (later.settled, later.noop) == (0, 8)
    pages = {path: n for path, n in http.hits.items() if path.startswith("/jobs/")}
    assert pages == {f"/jobs/{n}.html": 1 for n in range(10)}  # every page fetched once
    run.refresh_from_db()
    assert (run.jobs_processed, run.status) == (10, RunStatus.COMPLETED)


def test_without_a_task_id_or_with_taking_off_a_batch_works_only_its_own_urls(http, settings):
    run = make_run()
    urls = [make_run_url(run, http.route(f"/jobs/{n}.html", body=job_page(n))) for n in range(4)]

    assert batch.crawl_batch(run.id, [urls[0].id]).taken == 0
    settings.JOBPIPE_CRAWL_TAKE_UNSTARTED = False
    assert batch.crawl_batch(run.id, [urls[1].id], task_id="t").taken == 0
    assert RunUrl.objects.filter(run=run, outcome="").count() == 2


def test_the_watchdog_re_drives_what_a_lost_taker_had_taken(clock):
    run = make_run()
    own, taken, other = make_run_url(run), make_run_url(run), make_run_url(run)
    row = running(str(uuid.uuid4()), run)
    PipelineJob.objects.filter(id=row.id).update(payload={"args": [run.id, [own.id]]})
    RunUrl.objects.filter(id=taken.id).update(attempts=1, claimed_by=f"{row.task_id}:1a2b")
    calls: list = []
    redrive = recovery.Redrive(
        discover=lambda run_id, ids: None, crawl=lambda run_id, ids: calls.append(ids)
    )
    clock.shift(django_settings.JOBPIPE_TASK_LEASE_SECONDS + 1)

    report = recovery.watch(
        redrive, broker_ids=lambda queues: ledger.BrokerView(waiting=set(), delivered=set())
    )

    assert report.lost_workers == 1
    assert calls == [[own.id, taken.id]]  # not `other`: its own batch is still to come
    assert other.id not in calls[0]


def test_a_batch_delivered_twice_at_once_fetches_its_urls_once():
    """Two copies of one message (the same task id) run side by side: the second leaves alone
    what the first holds; once the first is gone, a copy works them without a new attempt."""
    run = make_run()
    ids = [make_run_url(run).id for _ in range(3)]
    first = claims.Claim("task")
    first.hold()

    assert claims.spend_attempts(ids, "task", first.id) == (set(ids), set())
    assert claims.spend_attempts(ids, "task", "task:second") == (set(), set(ids))
    assert claims.spend_attempts(ids, "other-batch", "other-batch:1") == (set(), set(ids))
    first.drop()
    assert claims.spend_attempts(ids, "task", "task:third") == (set(), set())
    assert {u.attempts for u in RunUrl.objects.filter(id__in=ids)} == {1}
    assert {u.claimed_by for u in RunUrl.objects.filter(id__in=ids)} == {"task:third"}


def test_a_stopped_run_re_driven_whole_forgets_every_claim_even_one_whose_key_lives():
    """The watchdog re-drives a run with nothing queued or running: a claim left behind (its
    worker killed before the key expired) must not keep the re-driven batches off its URLs."""
    run = make_run()
    left = make_run_url(run)
    ghost = claims.Claim("killed")
    ghost.hold()  # the key outlives its worker for a lease
    RunUrl.objects.filter(id=left.id).update(attempts=1, claimed_by=ghost.id)
    calls: list = []
    redrive = recovery.Redrive(
        discover=lambda run_id, ids: None, crawl=lambda run_id, ids: calls.append(ids)
    )

    assert recovery._redrive_crawl(run.id, redrive) == 1

    assert calls == [[left.id]]
    assert claims.spend_attempts([left.id], "rescuer", "rescuer:1") == ({left.id}, set())
    ghost.drop()


def test_a_url_settled_between_the_read_and_the_spend_is_neither_counted_nor_fetched():
    """A later batch read its URLs while the batch that had taken them was writing them."""
    run = make_run()
    done, left = make_run_url(run), make_run_url(run)
    RunUrl.objects.filter(id=done.id).update(
        attempts=1, attempt_task="taker", claimed_by="taker:1", outcome="added"
    )

    assert claims.spend_attempts([done.id, left.id], "late", "late:1") == ({left.id}, {done.id})
    assert RunUrl.objects.get(id=done.id).attempts == 1
