"""End-to-end throughput: JobPipe through real Celery workers vs the bare floor, same pages.

    eval "$(scripts/services.sh)"          # PostgreSQL + Redis on 127.0.0.1
    .venv/bin/python -m bench.e2e --pages 5000

1. A page server process renders N seeded job pages (30-80 KB, JSON-LD plus page chrome)
   and serves them with keep-alive, split over --sources sitemaps.
2. Floor: one process per core doing keep-alive fetch + lxml parse + JSON-LD extraction +
   batched upsert (100 rows per statement) into a scratch table; no Celery, no ledger.
3. JobPipe: the sitemaps are registered as sources in a fresh database, Celery workers (and
   one beat) start, a run is started and timed from enqueue to `completed`.
Prints pages/s for both, the ratio, CPU seconds per page by process and peak worker RSS.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import multiprocessing
import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psutil

ROOT = Path(__file__).resolve().parents[1]


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=5000)
    parser.add_argument("--sources", type=int, default=10)
    parser.add_argument(
        "--concurrency",
        type=int,
        default=(os.cpu_count() or 2) + 1,
        help="worker pool size (prefork children); default cores + 1, so one fetch's wait "
        "overlaps the others' parsing",
    )
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--database", default="jobpipe_bench")
    parser.add_argument("--skip-floor", action="store_true")
    parser.add_argument(
        "--preload-jobs",
        type=int,
        default=0,
        help="jobs already in the jobs table (another source's)",
    )
    parser.add_argument(
        "--preload-ledger", type=int, default=0, help="finished rows already in the task ledger"
    )
    args = parser.parse_args(argv)

    # The bench's own page server: on 127.0.0.1 (let through the SSRF guard) and meant to be
    # hammered (no per-domain spacing or concurrency cap; robots.txt still fetched).
    db_url, env = bench_environment(
        args.database,
        JOBPIPE_FETCH_ALLOWED_NETWORKS="127.0.0.1/32",
        JOBPIPE_DOMAIN_RATE="0",
        JOBPIPE_DOMAIN_CONCURRENCY="0",
    )

    if args.preload_jobs or args.preload_ledger:
        preload(db_url, jobs=args.preload_jobs, ledger=args.preload_ledger)
    server, base = start_page_server(args)
    urls = [f"{base}/jobs/{n}.html" for n in range(args.pages)]
    try:
        floor = None if args.skip_floor else run_floor(urls, db_url)
        pipeline = run_pipeline(args, base, env, server)
    finally:
        server.terminate()
        server.wait(timeout=10)
    report(args, floor, pipeline)
    return {"floor": floor, "pipeline": pipeline}


# --- setup -------------------------------------------------------------------------------------


def bench_environment(database: str, **settings: str) -> tuple[str, dict]:
    """A fresh bench database and the environment of its processes, production-like (DEBUG off:
    with DEBUG on, Django keeps every query of a worker) plus `settings`; this process gets the
    same. Returns (database URL, environment for the worker and beat)."""
    base_url, broker = os.environ.get("DATABASE_URL", ""), os.environ.get("CELERY_BROKER_URL")
    if not base_url.startswith("postgres") or not broker:
        sys.exit('bench needs PostgreSQL and Redis: eval "$(scripts/services.sh)" first')
    production = {**PRODUCTION, **settings}
    # The tests' JOBPIPE_TESTING (no politeness, no provider pacing by default) must not leak
    # from the shell into a bench: each bench states the politeness it measures.
    os.environ.pop("JOBPIPE_TESTING", None)
    db_url = fresh_database(base_url, database, production)
    env = {**os.environ, "DATABASE_URL": db_url, "LOG_LEVEL": "WARNING", **production}
    os.environ.update(DATABASE_URL=db_url, DJANGO_SETTINGS_MODULE="jobpipe.settings", **production)
    return db_url, env


# Production-like settings (DEBUG off) with a secret good for a bench only.
PRODUCTION = {"DEBUG": "false", "SECRET_KEY": "bench-only-secret-key"}


def fresh_database(base_url: str, name: str, settings: dict | None = None) -> str:
    import psycopg2

    parts = urlsplit(base_url)
    admin = psycopg2.connect(urlunsplit(parts._replace(path="/postgres")))
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cur.execute(f'CREATE DATABASE "{name}"')
    admin.close()
    url = urlunsplit(parts._replace(path=f"/{name}"))
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "-v", "0"],
        cwd=ROOT,
        env={**os.environ, **(settings or PRODUCTION), "DATABASE_URL": url},
        check=True,
    )
    return url


def start_server(module: str, *argv: object) -> tuple[subprocess.Popen, int]:
    """Run a bench page server (`python -m module argv...`) and read the port it prints."""
    proc = subprocess.Popen(
        [sys.executable, "-m", module, *map(str, argv)], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None
    return proc, int(proc.stdout.readline())


def start_page_server(args) -> tuple[subprocess.Popen, str]:
    proc, port = start_server("bench.server", 0, args.pages, args.sources, args.seed)
    return proc, f"http://127.0.0.1:{port}"


PRELOAD_JOBS = """
INSERT INTO ingestion_source (name, org_name, kind, url, board_token, config, enabled,
                              created_at, updated_at)
VALUES ('preloaded', 'Preloaded', 'sitemap', 'http://127.0.0.1:9/sitemap.xml', '', '{}', false,
        now(), now());
INSERT INTO jobs (id, canonical_hash, url, title, org_name, location_raw, description_snippet,
                  apply_url, fetched_at, raw_metadata, provenance, content_hash, status,
                  created_at, updated_at, source_id)
SELECT gen_random_uuid(), md5('preloaded-' || n), 'http://127.0.0.1:9/jobs/' || n || '.html',
       'Preloaded job ' || n, 'Preloaded', 'Berlin', repeat('Description. ', 100),
       'http://127.0.0.1:9/jobs/' || n || '/apply', now(), '{}', '{}', md5(n::text), 'active',
       now(), now(), (SELECT id FROM ingestion_source WHERE name = 'preloaded')
FROM generate_series(1, %(jobs)s) AS n;
"""
PRELOAD_LEDGER = """
INSERT INTO pipeline_jobs (id, task_id, task_name, realm, queue, status, payload, error, attempt,
                           created_at, started_at, finished_at)
SELECT gen_random_uuid(), 'preloaded-' || n,
       (ARRAY['ingestion.crawl_batch', 'ingestion.discover_sources',
              'ingestion.start_run'])[n %% 3 + 1],
       'ingestion', 'crawl', 'finished', '{"args": []}', '', 1,
       now() - interval '2 days', now() - interval '2 days', now() - interval '2 days'
FROM generate_series(1, %(ledger)s) AS n;
"""


def preload(db_url: str, *, jobs: int, ledger: int) -> None:
    import psycopg2

    started = time.perf_counter()
    with psycopg2.connect(db_url) as conn, conn.cursor() as cur:
        if jobs:
            cur.execute(PRELOAD_JOBS, {"jobs": jobs})
        if ledger:
            cur.execute(PRELOAD_LEDGER, {"ledger": ledger})
    conn = psycopg2.connect(db_url)
    conn.autocommit = True
    conn.cursor().execute("VACUUM ANALYZE")
    conn.close()
    print(
        f"preloaded {jobs} jobs and {ledger} ledger rows in {time.perf_counter() - started:.1f} s",
        flush=True,
    )


# --- the floor ---------------------------------------------------------------------------------

FLOOR_TABLE = """
CREATE TABLE IF NOT EXISTS bench_floor (
    canonical_hash char(32) PRIMARY KEY, url text, title text, org_name text,
    location_raw text, apply_url text, fetched_at timestamptz, raw_metadata jsonb
)"""


def _floor_worker(share: list[str], db_url: str) -> int:
    import json

    import psycopg2
    import requests
    from psycopg2.extras import execute_values

    from extraction.extract import extract_job
    from extraction.normalize import canonical_hash

    session = requests.Session()
    conn = psycopg2.connect(db_url)
    batch: list[tuple] = []
    done = 0

    def flush() -> None:
        with conn.cursor() as cur:
            execute_values(
                cur,
                "INSERT INTO bench_floor VALUES %s ON CONFLICT (canonical_hash) DO UPDATE SET "
                "title = EXCLUDED.title, fetched_at = EXCLUDED.fetched_at, "
                "raw_metadata = EXCLUDED.raw_metadata",
                batch,
            )
        conn.commit()
        batch.clear()

    for url in share:
        response = session.get(url, timeout=30)
        now = datetime.datetime.now(datetime.UTC)
        extraction = extract_job(response.content, url, fetched_at=now)
        job = extraction.job
        if extraction.is_job and job and job.title and job.apply_url:
            batch.append(
                (
                    canonical_hash(job.title, job.apply_url),
                    url,
                    job.title,
                    job.employer,
                    job.location,
                    job.apply_url,
                    now,
                    json.dumps(job.to_json()),
                )
            )
        done += 1
        if len(batch) >= 100:
            flush()
    if batch:
        flush()
    conn.close()
    return done


def run_floor(urls: list[str], db_url: str) -> dict:
    import psycopg2

    with psycopg2.connect(db_url) as conn, conn.cursor() as cur:
        cur.execute(FLOOR_TABLE)
        cur.execute("TRUNCATE bench_floor")
    cores = os.cpu_count() or 2
    shares = [urls[i::cores] for i in range(cores)]
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(cores) as pool:
        pool.apply(int, ("1",))  # processes up before the clock starts
        started = time.perf_counter()
        done = sum(pool.starmap(_floor_worker, [(share, db_url) for share in shares]))
        elapsed = time.perf_counter() - started
    return {"pages": done, "seconds": elapsed, "pages_per_s": done / elapsed}


# --- JobPipe -----------------------------------------------------------------------------------


def run_pipeline(
    args,
    base: str,
    env: dict,
    server: subprocess.Popen,
    sitemaps: list[str] | None = None,
    sources: list | None = None,
) -> dict:
    """One run over the sitemap sources (`sitemaps`, else the page server's --sources), timed
    from enqueue to the run's end, on a real worker and beat."""
    import django

    django.setup()
    from django.db.models import Sum

    from ingestion import runs
    from ingestion.models import IngestionRun, RunUrl, Source, SourceKind
    from ingestion.tasks import start_run
    from jobpipe.celery import app
    from tracking.models import PipelineJob

    app.control.purge()
    sitemaps = sitemaps or [f"{base}/s{k}/sitemap.xml" for k in range(args.sources)]
    sources = sources or [
        Source.objects.create(
            name=f"bench-{k}", org_name=f"Employer {k}", kind=SourceKind.SITEMAP, url=url
        )
        for k, url in enumerate(sitemaps)
    ]
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "jobpipe",
            "worker",
            "-Q",
            "default,crawl",
            "-c",
            str(args.concurrency),
            "-P",
            "prefork",
            "-n",
            f"bench-{os.getpid()}@%h",
            "--without-gossip",
            "--without-mingle",
            "-l",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    beat = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "jobpipe",
            "beat",
            "-l",
            "warning",
            "-s",
            "/tmp/jobpipe-bench-beat",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        while not app.control.ping(timeout=0.5):
            if time.monotonic() > deadline:
                sys.exit("the bench worker did not start")
        groups = {"worker": [worker.pid], "beat": [beat.pid], "page server": [server.pid]}
        before = cpu_by_group(groups)
        peak = RssSampler(worker.pid)
        peak.start()
        run = runs.create_run(sources, use_storage=True, shadow_mode=False)
        started = time.perf_counter()
        start_run.enqueue(run.id, run_id=run.id)
        while True:
            run.refresh_from_db()
            if run.status in ("completed", "completed_with_errors", "failed", "cancelled"):
                break
            time.sleep(0.1)
        elapsed = time.perf_counter() - started
        after = cpu_by_group(groups)
        peak.stop()
    finally:
        for proc in (worker, beat):
            proc.terminate()
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, 9)
    run = IngestionRun.objects.get(id=run.id)
    cpu = {name: after.get(name, 0) - before.get(name, 0) for name in after}
    crawls = PipelineJob.objects.filter(run_id=run.id, task_name="ingestion.crawl_batch")
    return {
        "run_id": run.id,
        "sources": sources,
        "crawl_tasks": crawls.count(),
        "empty_tasks": crawls.filter(result__settled=0).count(),
        # ... of which handed nothing on either: running batches had taken their URLs
        "taken_over": crawls.filter(result__settled=0, result__retry=[], result__carry_over=[])
        .exclude(result__taken__gt=0)
        .count(),
        "attempts": RunUrl.objects.filter(run_id=run.id).aggregate(n=Sum("attempts"))["n"] or 0,
        "status": run.status,
        "pages": run.jobs_processed,
        "added": run.jobs_added,
        "failed": run.jobs_failed,
        "seconds": elapsed,
        "pages_per_s": run.jobs_processed / elapsed,
        "cpu": cpu,
        "peak_worker_rss_mb": peak.peak / 2**20,
        "rss_warm_end_mb": peak.growth_after_warmup(),
    }


def _tree(pid: int) -> list[psutil.Process]:
    try:
        proc = psutil.Process(pid)
        return [proc, *proc.children(recursive=True)]
    except psutil.NoSuchProcess:
        return []


def _cpu(procs) -> float:
    total = 0.0
    for proc in procs:
        try:
            t = proc.cpu_times()
            total += t.user + t.system + t.children_user + t.children_system
        except psutil.NoSuchProcess:
            pass
    return total


def cpu_by_group(groups: dict[str, list[int]]) -> dict[str, float]:
    result = {name: _cpu(p for pid in pids for p in _tree(pid)) for name, pids in groups.items()}
    by_name: dict[str, list[psutil.Process]] = {"postgres": [], "redis": []}
    for proc in psutil.process_iter(["name"]):
        name = proc.info["name"] or ""
        if name.startswith("postgres"):
            by_name["postgres"].append(proc)
        elif name.startswith("redis-server"):
            by_name["redis"].append(proc)
    result.update({name: _cpu(procs) for name, procs in by_name.items()})
    result["bench driver"] = _cpu([psutil.Process()])
    return result


class RssSampler(threading.Thread):
    """Peak resident memory of the worker and its pool children, sampled every 0.2 s."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid, self.peak, self._stop_event = pid, 0, threading.Event()
        self.samples: list[int] = []

    def run(self) -> None:
        while not self._stop_event.wait(0.2):
            rss = 0
            for proc in _tree(self.pid):
                with contextlib.suppress(psutil.NoSuchProcess):
                    rss += proc.memory_info().rss
            self.peak = max(self.peak, rss)
            self.samples.append(rss)

    def growth_after_warmup(self) -> tuple[float, float]:
        """(RSS at a quarter of the run, RSS at the end) in MB."""
        if not self.samples:
            return 0.0, 0.0
        return self.samples[len(self.samples) // 4] / 2**20, self.samples[-1] / 2**20

    def stop(self) -> None:
        self._stop_event.set()
        self.join()


# --- report ------------------------------------------------------------------------------------


def report(args, floor: dict | None, pipeline: dict) -> None:
    cpu_model = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        "unknown CPU",
    )
    print(f"machine: {os.cpu_count()} cores, {cpu_model}")
    print(
        f"pages: {args.pages} over {args.sources} sitemap sources, worker -c {args.concurrency}, "
        f"preloaded {args.preload_jobs} jobs / {args.preload_ledger} ledger rows"
    )
    if floor:
        print(
            f"floor:   {floor['pages']} pages in {floor['seconds']:.1f} s = "
            f"{floor['pages_per_s']:.0f} pages/s"
        )
    print(
        f"jobpipe: {pipeline['pages']} pages in {pipeline['seconds']:.1f} s = "
        f"{pipeline['pages_per_s']:.0f} pages/s (run {pipeline['status']}, "
        f"{pipeline['added']} added, {pipeline['failed']} failed)"
    )
    if floor:
        print(f"ratio:   {pipeline['pages_per_s'] / floor['pages_per_s']:.2f} of the floor")
    pages = max(pipeline["pages"], 1)
    split = ", ".join(
        f"{name} {seconds / pages * 1000:.2f}" for name, seconds in pipeline["cpu"].items()
    )
    print(f"cpu ms/page: {split}")
    warm, end = pipeline["rss_warm_end_mb"]
    growth = (end - warm) / warm * 100 if warm else 0.0
    print(
        f"peak worker RSS: {pipeline['peak_worker_rss_mb']:.0f} MB; after warm-up {warm:.0f} MB, "
        f"at the end {end:.0f} MB ({growth:+.1f}%)"
    )


if __name__ == "__main__":
    main()
