"""API latency at scale: p50/p95 of the JSON API, /health and /metrics through gunicorn,
with 100,000 jobs and 1,000,000 ledger rows in the database.

    eval "$(scripts/services.sh)"
    .venv/bin/python -m bench.api_latency --jobs 100000 --ledger 1000000 --requests 200
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import time

import requests

from bench.e2e import ROOT, fresh_database, preload

KEY = "bench-internal-key"
# What is measured: the JSON API, health and metrics with the internal key ...
API_PATHS = (
    "/_internal/jobs?limit=100",
    "/_internal/jobs?limit=10&offset=50000",
    "/_internal/jobs/{job_id}",
    "/api/ingest/history?limit=10",
    "/api/ingest/runs/1/progress",
    "/pipeline/status/{ledger_id}",
    "/pipeline/jobs/recent?limit=50&status=finished",
    "/pipeline/jobs/recent?limit=50&realm=ingestion&queue=crawl",
    "/health",
    "/metrics",
)
# ... and the dashboard's pages, logged in.
DASHBOARD_PAGES = (
    "/dashboard/",
    "/dashboard/runs/",
    "/dashboard/runs/1/",
    "/dashboard/runs/1/urls",
    "/dashboard/jobs/",
    "/dashboard/jobs/?q=job+99&table=production",
    "/dashboard/jobs/compare",
)


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--jobs", type=int, default=100_000)
    parser.add_argument("--ledger", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--port", type=int, default=0, help="0: a free port")
    parser.add_argument("--database", default="jobpipe_bench_api")
    args = parser.parse_args(argv)
    base_url = os.environ.get("DATABASE_URL", "")
    if not base_url.startswith("postgres"):
        sys.exit('bench needs PostgreSQL: eval "$(scripts/services.sh)" first')
    if not args.port:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            args.port = sock.getsockname()[1]
    db_url = fresh_database(base_url, args.database)
    preload(db_url, jobs=args.jobs, ledger=args.ledger)
    seed_runs(db_url)
    env = {
        **os.environ,
        "DATABASE_URL": db_url,
        "DEBUG": "false",
        "SECURE_SSL_REDIRECT": "false",  # plain HTTP on 127.0.0.1
        "SECRET_KEY": "bench-only-secret-key",
        "INTERNAL_API_KEY": KEY,
        "LOG_LEVEL": "WARNING",
    }
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "jobpipe.wsgi",
            "-w",
            "2",
            "-b",
            f"127.0.0.1:{args.port}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    base = f"http://127.0.0.1:{args.port}"
    session = requests.Session()
    session.headers["X-Internal-Api-Key"] = KEY
    try:
        wait_until_up(session, base)
        job_id = session.get(f"{base}/_internal/jobs?limit=1").json()["data"]["items"][0]["id"]
        ledger_id = session.get(f"{base}/pipeline/jobs/recent?limit=1").json()["data"]["jobs"][0][
            "id"
        ]
        paths = [path.format(job_id=job_id, ledger_id=ledger_id) for path in API_PATHS]
        results = {path: measure(session, base + path, args.requests) for path in paths}
        browser = logged_in(base, env)
        results.update(
            {path: measure(browser, base + path, args.requests) for path in DASHBOARD_PAGES}
        )
    finally:
        server.terminate()
        server.wait(timeout=30)
    print(
        f"api and dashboard latency over {args.requests} requests each, {args.jobs} jobs, "
        f"{args.ledger} ledger rows, gunicorn -w 2:"
    )
    for path, (p50, p95) in results.items():
        print(f"  p50 {p50:6.1f} ms  p95 {p95:6.1f} ms  {path}")
    return results


def seed_runs(db_url: str) -> None:
    import psycopg2

    with psycopg2.connect(db_url) as conn, conn.cursor() as cur:
        cur.execute(
            """
            INSERT INTO ingestion_ingestionrun (status, current_stage, total_jobs_found,
                jobs_processed, jobs_added, jobs_updated, jobs_skipped, jobs_failed, jobs_archived,
                sources, options, sources_pending, created_at, started_at, completed_at,
                last_heartbeat, retry_count, error_message)
            SELECT 'completed', 'completed', 100, 100, 90, 5, 3, 2, 1, '[]', '{}', 0,
                   now() - n * interval '1 hour', now() - n * interval '1 hour',
                   now() - n * interval '1 hour' + interval '5 minutes', now(), 0, ''
            FROM generate_series(1, 500) AS n
            """
        )


def logged_in(base: str, env: dict) -> requests.Session:
    """A session logged in through the admin's login form, as an operator's browser."""
    subprocess.run(
        [
            sys.executable,
            "manage.py",
            "createsuperuser",
            "--noinput",
            "--username",
            "bench",
            "--email",
            "bench@example.com",
        ],
        cwd=ROOT,
        env={**env, "DJANGO_SUPERUSER_PASSWORD": "bench-password"},
        check=True,
        capture_output=True,
    )
    browser = requests.Session()
    browser.get(f"{base}/admin/login/")
    response = browser.post(
        f"{base}/admin/login/",
        data={
            "username": "bench",
            "password": "bench-password",
            "next": "/dashboard/",
            "csrfmiddlewaretoken": browser.cookies["csrftoken"],
        },
        headers={"Referer": f"{base}/admin/login/"},
    )
    if not response.url.endswith("/dashboard/"):
        sys.exit(f"could not log in to the dashboard: ended at {response.url}")
    return browser


def wait_until_up(session: requests.Session, base: str) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            session.get(f"{base}/health", timeout=5)
        except (requests.ConnectionError, requests.Timeout):
            # Not listening yet, or a cold worker on a busy machine answering late: try again.
            time.sleep(0.2)
        else:
            return
    sys.exit("gunicorn did not start")


def measure(session: requests.Session, url: str, n: int) -> tuple[float, float]:
    timings = []
    for _ in range(n):
        started = time.perf_counter()
        response = session.get(url, timeout=10)
        timings.append((time.perf_counter() - started) * 1000)
        if response.status_code >= 500 and not url.endswith("/health"):
            sys.exit(f"{url} answered {response.status_code}")
    timings.sort()
    return statistics.median(timings), timings[int(0.95 * (len(timings) - 1))]


if __name__ == "__main__":
    main()
