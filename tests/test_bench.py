"""The benchmarks still run (at a tiny N): CI proves they work, it does not time them."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from bench.api_latency import API_PATHS, DASHBOARD_PAGES

ROOT = Path(__file__).resolve().parents[1]


def bench_env() -> dict:
    db = settings.DATABASES["default"]
    return {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/postgres",
        # A broker database of its own: the bench purges its queues.
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL.rsplit("/", 1)[0] + "/3",
    }


def run_bench(*args: str) -> str:
    result = subprocess.run(
        [sys.executable, "-m", *args],
        cwd=ROOT,
        env=bench_env(),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def test_the_extraction_speed_bench_runs():
    out = run_bench("bench.extract_speed", "--pages", "5", "--rounds", "1")

    assert "floor (lxml parse + JSON-LD xpath + json.loads):" in out
    assert "full extractor:" in out and "ratio:" in out


def test_the_extraction_accuracy_bench_prints_every_strategy():
    out = run_bench("bench.extraction_accuracy")

    for strategy in ("jsonld", "microdata", "rdfa", "heuristic", "not_a_job", "ats"):
        assert re.search(rf"^{strategy} +\d+\.\d%", out, re.M), out


@pytest.mark.integration
def test_the_archive_bench_runs():
    out = run_bench(
        "bench.archive", "--jobs", "500", "--withdrawn", "50", "--database", "jobpipe_bench_ci"
    )

    assert "archive: 500 active jobs, 50 withdrawn, archived 50 in" in out


@pytest.mark.integration
def test_the_api_latency_bench_runs():
    out = run_bench(
        "bench.api_latency",
        "--jobs",
        "300",
        "--ledger",
        "1000",
        "--requests",
        "3",
        "--database",
        "jobpipe_bench_ci",
    )

    assert "api and dashboard latency over 3 requests each, 300 jobs, 1000 ledger rows" in out
    figures = re.findall(r"^  p50 +[\d.]+ ms  p95 +[\d.]+ ms  (\S+)$", out, re.M)
    measured = [re.sub(r"/[0-9a-f-]{32,36}$|/\d+$", "/{id}", path) for path in figures]
    expected = [re.sub(r"\{\w+\}", "{id}", path) for path in (*API_PATHS, *DASHBOARD_PAGES)]
    assert sorted(measured) == sorted(expected), out


@pytest.mark.integration
def test_the_end_to_end_bench_runs_and_prints_its_figures():
    env = bench_env()
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.e2e",
            "--pages",
            "40",
            "--sources",
            "2",
            "--database",
            "jobpipe_bench_ci",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )

    assert result.returncode == 0, result.stderr[-3000:]
    out = result.stdout
    assert "jobpipe: 40 pages in" in out
    assert "(run completed, 40 added, 0 failed)" in out
    assert "floor:   40 pages in" in out
    assert "of the floor" in out
    assert "cpu ms/page: worker" in out
    assert "peak worker RSS:" in out


@pytest.mark.integration
def test_the_many_hosts_bench_runs_and_prints_its_figures():
    out = run_bench(
        "bench.manyhosts",
        "--hosts",
        "3",
        "--pages",
        "4",
        "--latency-ms",
        "20",
        "--skip-peer",
        "--database",
        "jobpipe_bench_ci",
    )

    assert "many hosts: 3 hosts x 4 pages, 20 ms per response" in out
    assert "(run completed, 12 added, 0 failed)" in out
    assert re.search(r"^floor: +12 pages in", out, re.M), out
    assert "polite limit: 15 pages/s (3 hosts x 5/s)" in out
    assert re.search(r"^jobpipe / min\(polite limit, floor\): \d+\.\d\d$", out, re.M), out


@pytest.mark.integration
def test_the_recrawl_bench_settles_unchanged_pages_by_their_lastmod():
    out = run_bench(
        "bench.recrawl",
        "--pages",
        "200",
        "--validators",
        "lastmod",
        "--database",
        "jobpipe_bench_ci",
    )

    assert "second run settled:" in out
    assert "unchanged/lastmod 190" in out and "updated/- 10" in out  # 1 in 20 changed
    assert "10 requests returned a body" in out


@pytest.mark.integration
def test_the_ats_details_bench_reads_only_listing_pages_and_changed_details():
    out = run_bench("bench.ats_details", "--jobs", "60", "--database", "jobpipe_bench_ci")

    assert "first run:" in out and "63 requests (3 listing, 60 details)" in out
    assert "6 requests (3 listing, 3 details)" in out  # 1 in 20 changed: jobs 0, 20, 40
    assert "second run settled: " in out
    assert "unchanged/listing 57" in out and "updated/- 3" in out
