"""Recovery with real processes: a worker SIGKILLed mid-run, Redis killed and restarted.

The sweeper runs with a threshold of a few seconds (the production default is 15 minutes);
in each case the run must complete with one outcome per URL, one job per job URL, and
counters equal to the rows.
"""

from __future__ import annotations

import datetime
import shutil
import socket
import subprocess
from collections import Counter

import pytest
from django.db.models import Count

from extraction.models import Job
from ingestion import recovery, runs
from ingestion.maintenance import redrive
from ingestion.models import IngestionRun, RunUrl, SourceKind
from ingestion.tasks import start_run
from jobpipe.celery import app
from tests.factories import make_source
from tests.integration.workers import kill_group, manage, start_worker, stop_worker, wait_for

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]
THRESHOLD = datetime.timedelta(seconds=3)


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
    # One thread per batch: a batch lasts long enough that the kill lands inside one (with
    # the default threads a local batch of 100 can end before the poll sees 30 %).
    first = start_worker("doomed", env={"JOBPIPE_CRAWL_THREADS": "1"})
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

    second = start_worker("rescuer")
    try:

        def swept_and_done() -> bool:
            recovery.sweep(redrive(), threshold=THRESHOLD)
            return IngestionRun.objects.get(id=run.id).status != "ingesting"

        wait_for(swept_and_done, what="the sweeper to re-drive the run", limit=300, interval=1)
    finally:
        stop_worker(second)

    assert_exactly_once(run, jobs=480, failed=10, not_jobs=10)
    assert IngestionRun.objects.get(id=run.id).retry_count >= 1


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
    worker = start_worker("redis-survivor", broker_url=broker.url)
    try:
        started = manage("shell", "-c", start_snippet(run.id), broker_url=broker.url)
        assert started.returncode == 0, started.stderr
        wait_for(
            lambda: IngestionRun.objects.get(id=run.id).jobs_processed >= 40,
            what="the run to get going",
            limit=240,
        )
        broker.kill()
        broker.start()  # same port; without persistence every queued message is gone

        def swept_and_done() -> bool:
            swept = manage("sweep_stale", "--threshold", "3", broker_url=broker.url)
            assert swept.returncode == 0, swept.stderr
            return IngestionRun.objects.get(id=run.id).status != "ingesting"

        wait_for(swept_and_done, what="the run to complete", limit=300, interval=1)
        assert worker.poll() is None  # the same worker consumed again, no manual restart
    finally:
        stop_worker(worker)
        broker.kill()

    assert_exactly_once(run, jobs=180, failed=10, not_jobs=10)


def start_snippet(run_id: int) -> str:
    return f"from ingestion.tasks import start_run; start_run.enqueue({run_id}, run_id={run_id})"
