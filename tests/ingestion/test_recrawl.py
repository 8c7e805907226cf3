"""Incremental re-crawl: a second run over unchanged pages settles them `unchanged` from a
304 or an identical body, without extracting; a change, an archived job or a page due for
re-verification is extracted in full."""

from __future__ import annotations

import datetime

import pytest

from extraction.models import Job, JobStatus
from ingestion import batch
from ingestion.models import PageState, RunUrl
from tests.factories import make_run, make_run_url, make_source
from tests.sitegen import TITLES, job_page

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


def job_title(n: int) -> str:
    return f"{TITLES[n % len(TITLES)]} {n}"


def discover(source, urls: list[str], lastmod):
    """A new run whose listing of `source` gave `urls` with `lastmod`; returns the run."""
    from ingestion import discovery
    from ingestion.models import IngestionRun, RunSource, RunStatus
    from ingestion.sources.base import DiscoveryResult

    run = make_run([source], status=RunStatus.ARCHIVING)
    listing = DiscoveryResult(urls, complete=True, lastmod=dict.fromkeys(urls, lastmod))
    discovery.record_discovery(RunSource.objects.get(run=run).id, listing)
    return IngestionRun.objects.get(id=run.id)


def test_a_sitemap_lastmod_not_newer_than_the_last_fetch_settles_at_discovery(http, clock):
    """No request and no crawl batch: discovery settles the URL unchanged, counts it, and
    moves its job's and page state's fetched_at (not the re-verify time)."""
    from django.utils import timezone

    from ingestion.models import SourceKind
    from ingestion.sources.sitemap import parse_entries

    source = make_source(kind=SourceKind.SITEMAP)
    url = http.route("/jobs/1.html", body=job_page(1))
    other = http.route("/jobs/2.html", body=job_page(2))
    crawl(source, [url, other])  # their first full fetch
    stated = timezone.now()  # the sitemap's <lastmod>: no change since
    verified = PageState.objects.get(url=url).verified_at
    clock.shift(3600)
    Job.objects.filter(title=job_title(2)).update(status=JobStatus.ARCHIVED)  # must be relisted
    hits = dict(http.hits)

    run = discover(source, [url, other], stated)

    settled = RunUrl.objects.get(run=run, url=url)
    assert (settled.outcome, settled.unchanged_by, settled.stage) == (
        "unchanged",
        "lastmod",
        "settled",
    )
    assert settled.job_id == Job.objects.get(title=job_title(1)).id
    assert RunUrl.objects.get(run=run, url=other).outcome == ""  # archived: fetched in full
    assert http.hits == hits  # no request at all
    assert (run.total_jobs_found, run.jobs_processed, run.jobs_skipped) == (2, 1, 1)
    state = PageState.objects.get(url=url)
    assert state.fetched_at >= timezone.now() - datetime.timedelta(seconds=5)
    assert state.verified_at == verified
    assert Job.objects.get(id=settled.job_id).fetched_at == state.fetched_at

    sitemap = (
        b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        b"<url><loc>http://127.0.0.1/a</loc><lastmod>2026-11-01</lastmod></url>"
        b"<url><loc>http://127.0.0.1/b</loc><lastmod>2026-11-02T10:00:00+01:00</lastmod></url>"
        b"<url><loc>http://127.0.0.1/c</loc><lastmod>yesterday</lastmod></url></urlset>"
    )
    kind, entries = parse_entries(sitemap)
    assert kind == "urlset"
    assert [(loc[-1], when and when.isoformat()) for loc, when in entries] == [
        ("a", "2026-11-01T00:00:00+00:00"),
        ("b", "2026-11-02T10:00:00+01:00"),
        ("c", None),  # unreadable: the page is fetched as usual
    ]


def test_a_lastmod_newer_than_the_last_fetch_fetches_the_page(http, clock):
    from django.utils import timezone

    source = make_source()
    url = http.route("/jobs/1.html", body=job_page(1, employer="Globex"))
    crawl(source, [url])
    clock.shift(3600)
    run = discover(source, [url], timezone.now())  # changed since
    run_url = RunUrl.objects.get(run=run)
    assert run_url.outcome == ""

    batch.crawl_batch(run.id, [run_url.id])

    run_url.refresh_from_db()
    assert run_url.unchanged_by == "same_body"  # fetched (the body turned out the same)
    assert http.hits["/jobs/1.html"] == 2


def test_a_retitled_page_updates_its_job_instead_of_adding_a_second_one(http):
    """The dedup key is title + apply URL, so a page whose title changed hashes anew; it is
    still the same posting at the same address: one active job, updated."""
    source = make_source()
    url = http.route("/jobs/1.html", body=job_page(1))
    (first,) = crawl(source, [url])
    http.route("/jobs/1.html", body=job_page(1).replace(f"{TITLES[1]} 1", "Staff Engineer 1"))

    (second,) = crawl(source, [url])

    assert (second.outcome, second.job_id) == ("updated", first.job_id)
    job = Job.objects.get(status=JobStatus.ACTIVE)
    assert (job.id, job.title) == (first.job_id, "Staff Engineer 1")
    assert PageState.objects.get(url=url).job_id == first.job_id


def test_a_page_now_showing_another_jobs_posting_supersedes_its_own_job(http):
    """Page 1 now carries job 2's posting (same title and apply link): job 2 is updated to page
    1's address and page 1's old job is archived, not left active beside it; two pages that
    swap postings in one write keep both jobs."""
    source = make_source()
    one = http.route("/jobs/1.html", body=job_page(1))
    two = http.route("/jobs/2.html", body=job_page(2))
    first_one, first_two = crawl(source, [one, two])
    http.route("/jobs/1.html", body=job_page(2))

    (second,) = crawl(source, [one])

    assert (second.outcome, second.job_id) == ("updated", first_two.job_id)
    assert Job.objects.get(id=first_one.job_id).status == JobStatus.ARCHIVED
    assert Job.objects.get(id=first_two.job_id).url == one
    assert second.run.jobs_archived == 1

    http.route("/jobs/1.html", body=job_page(1))
    http.route("/jobs/2.html", body=job_page(2))
    crawl(source, [one, two])
    http.route("/jobs/1.html", body=job_page(2))
    http.route("/jobs/2.html", body=job_page(1))

    swapped = crawl(source, [one, two])

    assert {u.outcome for u in swapped} == {"updated"}
    assert Job.objects.filter(status=JobStatus.ACTIVE).count() == 2
