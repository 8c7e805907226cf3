"""Recovery with real processes: a worker SIGKILLed mid-run, Redis killed and restarted
(with and without its data), PostgreSQL restarted mid-run, every message delivered twice.

No sweeper and no Beat: the workers' own watchdog finds the lost work from the ledger (with
leases of a few seconds here; the defaults take about a minute). In each case the run must
complete with one outcome per URL, one job per job URL, counters equal to the rows, and no
ledger row left queued or running.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections import Counter

import pytest
from django.db.models import Count

from extraction.models import Job
from ingestion import runs
from ingestion.models import IngestionRun, RunUrl, SourceKind
from ingestion.tasks import start_run
from jobpipe.celery import app
from tests.factories import make_source
from tests.integration.workers import (
    FAST_RECOVERY,
    db_query,
    kill_group,
    manage,
    restart_postgres,
    start_worker,
    stop_worker,
    wait_for,
)
from tracking.models import PipelineJob

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def ended(run_id: int) -> bool:
    status = db_query(lambda: IngestionRun.objects.get(id=run_id).status)
    return status is not None and status not in ("pending", "archiving", "ingesting")


def ledger_closed(run_id: int) -> bool:
    return not PipelineJob.objects.unfinished().filter(run_id=run_id).exists()


def assert_exactly_once(run: IngestionRun, *, jobs: int, failed: int, not_jobs: int) -> None:
    run.refresh_from_db()
    assert run.status == "completed", run.error_message
    urls = RunUrl.objects.filter(run=run)
    assert urls.count() == run.total_jobs_found == jobs + failed + not_jobs
    outcomes = Counter(urls.values_list("outcome", flat=True))
    assert outcomes == {"added": jobs, "failed": failed, "not_a_job": not_jobs}
    assert (run.jobs_processed, run.jobs_added, run.jobs_failed, run.jobs_skipped) == (
        urls.count(),
        outcomes["added"],
        outcomes["failed"],
        outcomes["not_a_job"],
    )
    assert Job.objects.count() == jobs
    assert not Job.objects.values("canonical_hash").annotate(n=Count("id")).filter(n__gt=1).exists()
    assert set(urls.values_list("job_id", flat=True).exclude(job_id=None)) == set(
        Job.objects.values_list("id", flat=True)
    )


def test_a_worker_killed_at_30_percent_is_recovered_by_the_sweeper(make_site):
    app.control.purge()
    site = make_site(jobs=480, missing=10, not_jobs=10)
    source = make_source(kind=SourceKind.CAREERS_PAGE, url=site.url("/jobs/index.html"))
    run = runs.create_run([source], use_storage=True, shadow_mode=False)
    # 100 requests/s to the site: the run lasts five seconds, so the kill lands inside it.
    # Batches of 40: by then each running batch has taken URLs of batches still queued
    # (ingestion.claims).
    first = start_worker(
        "doomed", env={"JOBPIPE_DOMAIN_RATE": "100", "JOBPIPE_CRAWL_BATCH_SIZE": "40"}
    )
    try:
        start_run.enqueue(run.id, run_id=run.id)
        wait_for(
            lambda: IngestionRun.objects.get(id=run.id).jobs_processed >= 150,
            what="30% of the run",
            limit=240,
        )
    finally:
        kill_group(first)  # SIGKILL the worker and its pool children, mid-task
    run.refresh_from_db()
    assert run.status == "ingesting"
    assert run.jobs_processed < 500

    killed_at = time.monotonic()
    second = start_worker("rescuer", env=FAST_RECOVERY)
    try:
        wait_for(lambda: ended(run.id), what="the watchdog to re-drive the run", limit=300)
        print(f"worker SIGKILL: completed {time.monotonic() - killed_at:.1f}s after the kill")
        wait_for(lambda: ledger_closed(run.id), what="the ledger to close", limit=60)
    finally:
        stop_worker(second)

    assert_exactly_once(run, jobs=480, failed=10, not_jobs=10)
    lost = PipelineJob.objects.filter(run=run, failure_kind="lost")
    assert lost.exists()  # found by its lapsed lease, not by the 15-minute sweeper
    assert IngestionRun.objects.get(id=run.id).retry_count == 0
    # The killed batches held URLs they took from batches still queued: re-driven with them.
    assert any(
        RunUrl.objects.filter(run=run, claimed_by__startswith=f"{task_id}:").exists()
        for task_id in lost.values_list("task_id", flat=True)
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class PrivateRedis:
    """A redis-server of this test's own, so killing it disturbs nothing else."""

    def __init__(self, tmp_path, *, persistent: bool):
        self.port = free_port()
        self.dir = tmp_path
        self.persistent = persistent
        self.proc = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        persistence = (
            ["--appendonly", "yes", "--appendfsync", "always"]
            if self.persistent
            else ["--appendonly", "no"]
        )
        self.proc = subprocess.Popen(
            [shutil.which("redis-server"), "--bind", "127.0.0.1", "--port", str(self.port)]
            + ["--save", "", "--dir", str(self.dir), *persistence],
            stdout=subprocess.DEVNULL,
        )
        wait_for(self.ping, what="redis to start", limit=20, interval=0.1)

    def ping(self) -> bool:
        import redis

        try:
            return redis.Redis(port=self.port, socket_timeout=0.3).ping()
        except redis.RedisError:
            return False

    def kill(self) -> None:
        self.proc.kill()
        self.proc.wait(timeout=10)


@pytest.mark.skipif(shutil.which("redis-server") is None, reason="needs redis-server")
@pytest.mark.parametrize("persistent", [False, True], ids=["no-persistence", "aof"])
def test_redis_killed_and_restarted_mid_run_loses_nothing(make_site, tmp_path, persistent):
    broker = PrivateRedis(tmp_path, persistent=persistent)
    broker.start()
    site = make_site(jobs=180, missing=10, not_jobs=10)
    source = make_source(kind=SourceKind.CAREERS_PAGE, url=site.url("/jobs/index.html"))
    run = runs.create_run([source], use_storage=True, shadow_mode=False)
    worker = start_worker("redis-survivor", broker_url=broker.url, env=FAST_RECOVERY)
    try:
        started = manage("shell", "-c", start_snippet(run.id), broker_url=broker.url)
        assert started.returncode == 0, started.stderr
        wait_for(
            lambda: IngestionRun.objects.get(id=run.id).jobs_processed >= 40,
            what="the run to get going",
            limit=240,
        )
        broker.kill()
        restarted_at = time.monotonic()
        broker.start()  # same port; without persistence every queued message is gone
        # No Beat, no sweeper: the worker reconnects and its watchdog re-drives what was lost.
        wait_for(lambda: ended(run.id), what="the run to complete", limit=300)
        print(f"Redis restart: completed {time.monotonic() - restarted_at:.1f}s after")
        wait_for(lambda: ledger_closed(run.id), what="the ledger to close", limit=60)
        assert worker.poll() is None  # the same worker consumed again, no manual restart
    finally:
        stop_worker(worker)
        broker.kill()

    assert_exactly_once(run, jobs=180, failed=10, not_jobs=10)


@pytest.mark.skipif(shutil.which("redis-server") is None, reason="needs redis-server")
def test_queued_messages_lost_with_redis_are_re_driven_without_beat(make_site, tmp_path):
    """Redis without persistence restarts while the queue holds most of the run's batches and
    no worker is running: every queued message is gone, only the ledger knows of them."""
    broker = PrivateRedis(tmp_path, persistent=False)
    broker.start()
    site = make_site(jobs=180, missing=10, not_jobs=10)
    source = make_source(kind=SourceKind.CAREERS_PAGE, url=site.url("/jobs/index.html"))
    run = runs.create_run([source], use_storage=True, shadow_mode=False)
    small = {
        **FAST_RECOVERY,
        "JOBPIPE_CRAWL_BATCH_SIZE": "10",
        "JOBPIPE_CRAWL_THREADS": "1",
        "JOBPIPE_CRAWL_TAKE_UNSTARTED": "0",  # the queued batches hold their own URLs
    }
    worker = start_worker("first", broker_url=broker.url, concurrency=1, env=small)
    try:
        started = manage("shell", "-c", start_snippet(run.id), broker_url=broker.url)
        assert started.returncode == 0, started.stderr
        wait_for(
            lambda: IngestionRun.objects.get(id=run.id).jobs_processed >= 20,
            what="the run to get going",
            limit=240,
        )
        stop_worker(worker)  # warm shutdown: its unfinished messages go back to the queue
        broker.kill()
        broker.start()  # ... and are gone
        queued = PipelineJob.objects.filter(run=run, status="queued").count()
        assert queued > 0
        restarted_at = time.monotonic()
        worker = start_worker("second", broker_url=broker.url, concurrency=1, env=small)
        wait_for(lambda: ended(run.id), what="the watchdog to re-drive", limit=300)
        print(f"lost messages: completed {time.monotonic() - restarted_at:.1f}s after restart")
        wait_for(lambda: ledger_closed(run.id), what="the ledger to close", limit=60)
    finally:
        stop_worker(worker)
        broker.kill()

    assert_exactly_once(run, jobs=180, failed=10, not_jobs=10)
    assert PipelineJob.objects.filter(run=run, failure_kind="lost").count() >= 1


def test_postgres_restarted_mid_run_loses_nothing_and_fails_no_batch(make_site):
    app.control.purge()
    site = make_site(jobs=280, missing=10, not_jobs=10)
    source = make_source(kind=SourceKind.CAREERS_PAGE, url=site.url("/jobs/index.html"))
    run = runs.create_run([source], use_storage=True, shadow_mode=False)
    worker = start_worker("pg-survivor", env={**FAST_RECOVERY, "JOBPIPE_CRAWL_THREADS": "2"})
    try:
        start_run.enqueue(run.id, run_id=run.id)
        wait_for(
            lambda: IngestionRun.objects.get(id=run.id).jobs_processed >= 40,
            what="the run to get going",
            limit=240,
        )
        restart_postgres(down_seconds=5)
        restarted_at = time.monotonic()
        wait_for(lambda: ended(run.id), what="the run to complete", limit=300)
        print(f"PostgreSQL restart: completed {time.monotonic() - restarted_at:.1f}s after")
        wait_for(lambda: ledger_closed(run.id), what="the ledger to close", limit=60)
    finally:
        stop_worker(worker)

    assert_exactly_once(run, jobs=280, failed=10, not_jobs=10)
    # The batches cut off by the outage retried; none failed as a task error (which the
    # insert-failure alarm would count).
    crawls = PipelineJob.objects.filter(run=run, task_name="ingestion.crawl_batch")
    assert not crawls.filter(status="failed", failure_kind="").exists()


def test_every_message_delivered_twice_spends_no_extra_attempt(make_site):
    app.control.purge()
    site = make_site(jobs=150, missing=10, not_jobs=10)
    source = make_source(kind=SourceKind.CAREERS_PAGE, url=site.url("/jobs/index.html"))
    run = runs.create_run([source], use_storage=True, shadow_mode=False)
    worker = start_worker("twice", env={"JOBPIPE_CRAWL_THREADS": "2"})
    sent: set[str] = set()

    def deliver_again() -> bool:
        """Publish a second copy of every task so far, with the same id, as a broker that
        redelivers does; True once the run has ended."""
        for row in PipelineJob.objects.filter(run=run).exclude(task_id__in=sent):
            app.send_task(
                row.task_name, args=row.payload["args"], task_id=row.task_id, queue=row.queue
            )
            sent.add(row.task_id)
        return ended(run.id)

    try:
        start_run.enqueue(run.id, run_id=run.id)
        wait_for(deliver_again, what="the run to complete", limit=300, interval=0.3)
        wait_for(lambda: ledger_closed(run.id), what="the ledger to close", limit=60)
    finally:
        stop_worker(worker)

    assert len(sent) > 3
    assert_exactly_once(run, jobs=150, failed=10, not_jobs=10)
    # Each page answered at once: one attempt each, however many copies of its batch ran.
    assert set(RunUrl.objects.filter(run=run).values_list("attempts", flat=True)) == {1}


def start_snippet(run_id: int) -> str:
    return f"from ingestion.tasks import start_run; start_run.enqueue({run_id}, run_id={run_id})"
