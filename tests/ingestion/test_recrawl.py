"""Incremental re-crawl: a second run over unchanged pages settles them `unchanged` from a
304 or an identical body, without extracting; a change, an archived job or a page due for
re-verification is extracted in full."""

from __future__ import annotations

import pytest

from extraction.models import Job, JobStatus
from ingestion import batch
from ingestion.models import PageState, RunUrl
from tests.factories import make_run, make_run_url, make_source
from tests.sitegen import job_page

pytestmark = pytest.mark.django_db


def crawl(source, urls: list[str]):
    """One run over `urls` of `source`, crawled in one batch; returns its RunUrls."""
    run = make_run([source])
    run_urls = [make_run_url(run, url) for url in urls]
    batch.crawl_batch(run.id, [u.id for u in run_urls])
    return [RunUrl.objects.get(id=u.id) for u in run_urls]


def conditional(http, path: str) -> list[str | None]:
    return [headers.get("If-None-Match") for p, headers in http.requests if p == path]


def test_a_304_settles_the_page_unchanged_with_its_job_and_no_extraction(http):
    source = make_source()
    url = http.route("/jobs/1.html", body=job_page(1), ETag='"v1"')
    (first,) = crawl(source, [url])
    state = PageState.objects.get(url=url)
    assert (first.outcome, first.unchanged_by, state.etag) == ("added", "", '"v1"')

    (second,) = crawl(source, [url])

    assert (second.outcome, second.unchanged_by, second.http_status) == (
        "unchanged",
        "not_modified",
        304,
    )
    assert second.job_id == first.job_id
    assert conditional(http, "/jobs/1.html") == [None, '"v1"']  # the second GET was conditional
    assert Job.objects.count() == 1


def test_an_identical_body_without_validators_is_unchanged_by_its_hash(http):
    source = make_source()
    url = http.route("/jobs/1.html", body=job_page(1))
    (first,) = crawl(source, [url])
    (second,) = crawl(source, [url])
    assert (second.outcome, second.unchanged_by, second.job_id) == (
        "unchanged",
        "same_body",
        first.job_id,
    )


def test_a_changed_page_is_extracted_and_updated(http):
    source = make_source()
    url = http.route("/jobs/1.html", body=job_page(1), ETag='"v1"')
    crawl(source, [url])
    http.route("/jobs/1.html", body=job_page(1, employer="Globex"), ETag='"v2"')

    (second,) = crawl(source, [url])

    assert (second.outcome, second.unchanged_by) == ("updated", "")
    assert PageState.objects.get(url=url).etag == '"v2"'
    assert Job.objects.get().org_name == "Globex"


def test_a_server_with_a_fixed_etag_is_caught_by_the_periodic_re_verify(http, clock):
    source = make_source(config={"reverify_days": 1})
    url = http.route("/jobs/1.html", body=job_page(1), ETag='"fixed"')
    crawl(source, [url])
    http.route("/jobs/1.html", body=job_page(1, employer="Globex"), ETag='"fixed"')
    http.honour_validators = False  # wrong validators: it would answer 304 to a stale copy ...
    clock.shift(2 * 86400)  # ... but the page is due for a full fetch

    (later,) = crawl(source, [url])

    assert (later.outcome, later.unchanged_by) == ("updated", "")
    assert conditional(http, "/jobs/1.html")[-1] is None  # a plain GET: validators not used
    assert Job.objects.get().org_name == "Globex"


def test_an_archived_jobs_page_is_extracted_again_and_the_job_restored(http):
    source = make_source()
    url = http.route("/jobs/1.html", body=job_page(1), ETag='"v1"')
    crawl(source, [url])
    Job.objects.update(status=JobStatus.ARCHIVED)

    (again,) = crawl(source, [url])

    assert (again.outcome, again.unchanged_by) == ("updated", "")
    assert Job.objects.get().status == JobStatus.ACTIVE


def test_a_dry_run_keeps_no_page_state(http):
    source = make_source()
    url = http.route("/jobs/1.html", body=job_page(1), ETag='"v1"')
    run = make_run([source], use_storage=False)
    run_url = make_run_url(run, url)
    batch.crawl_batch(run.id, [run_url.id])
    assert not PageState.objects.exists()
