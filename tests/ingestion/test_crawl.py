"""Crawl stage: fetch + extract one URL, settle what has no job, hand jobs to insert once."""

from __future__ import annotations

import pytest

from ingestion import crawl
from ingestion.models import IngestionRun, RunStatus, RunUrl
from tests.factories import make_run, make_run_url
from tests.sitegen import NOT_A_JOB, job_page

pytestmark = pytest.mark.django_db


def crawl_once(run_url, *, final_attempt=True):
    handed: list[tuple[int, int]] = []
    summary = crawl.crawl_url(
        run_url.id, final_attempt=final_attempt, enqueue_insert=lambda *a: handed.append(a)
    )
    return summary, handed


def test_it_extracts_a_job_page_and_hands_it_to_insert_once(http):
    run = make_run()
    run_url = make_run_url(run, http.route("/jobs/1.html", body=job_page(1)))

    summary, handed = crawl_once(run_url)
    again, handed_again = crawl_once(run_url)

    assert summary.state == "extracted"
    assert handed == [(run_url.id, run.id)]
    assert (again.state, handed_again) == ("noop", [])
    run_url.refresh_from_db()
    assert run_url.stage == "extracted"
    assert run_url.extracted["title"] == "Data Analyst 1"
    assert run_url.http_status == 200 and run_url.attempts == 1
    assert http.hits["/jobs/1.html"] == 1


def test_it_settles_a_page_without_a_job_as_not_a_job(http):
    run = make_run()
    run_url = make_run_url(run, http.route("/culture.html", body=NOT_A_JOB))

    summary, handed = crawl_once(run_url)

    assert (summary.state, summary.outcome, handed) == ("settled", "not_a_job", [])
    run.refresh_from_db()
    assert (run.jobs_processed, run.jobs_skipped, run.status) == (1, 1, RunStatus.COMPLETED)
    assert RunUrl.objects.get(id=run_url.id).error_message != ""


def test_it_settles_a_404_as_failed_with_its_status(http):
    run = make_run()
    run_url = make_run_url(run, http.base + "/gone.html")

    summary, _ = crawl_once(run_url)

    assert (summary.state, summary.outcome) == ("settled", "failed")
    run_url.refresh_from_db()
    assert (run_url.http_status, run_url.error_class) == (404, "gone")
    assert IngestionRun.objects.get(id=run.id).jobs_failed == 1


def test_it_asks_for_a_retry_on_a_transient_error_until_the_final_attempt(http, clock):
    run = make_run()
    run_url = make_run_url(run, http.route("/busy", status=503, Retry_After="3"))

    first, _ = crawl_once(run_url, final_attempt=False)
    assert (first.state, first.retry_after) == ("retry", 3.0)
    assert RunUrl.objects.get(id=run_url.id).outcome == ""

    clock.shift(4)  # past the Retry-After pause of the host
    last, _ = crawl_once(run_url, final_attempt=True)
    assert (last.state, last.outcome) == ("settled", "failed")
    run_url.refresh_from_db()
    assert (run_url.error_class, run_url.attempts) == ("http_5xx", 2)


def test_it_does_nothing_for_a_cancelled_run(http):
    run = make_run(status=RunStatus.CANCELLED)
    run_url = make_run_url(run, http.route("/jobs/2.html", body=job_page(2)))

    summary, handed = crawl_once(run_url)

    assert (summary.state, handed) == ("noop", [])
    assert "/jobs/2.html" not in http.hits
