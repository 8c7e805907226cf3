"""Discover stage: adapters list URLs; the stage records them and archives once."""

from __future__ import annotations

import threading

import pytest
from django.utils import timezone

from extraction.models import Job, JobStatus
from ingestion import discovery
from ingestion.models import IngestionRun, RunSource, RunStatus, RunUrl, SourceKind
from ingestion.sources import DiscoveryResult, adapter_for
from ingestion.sources.sitemap import SitemapError, parse_sitemap
from tests.factories import make_run, make_source


def test_it_lists_job_links_of_a_careers_page(make_site):
    site = make_site(jobs=3, missing=1, not_jobs=1)

    result = adapter_for("careers_page")({"url": site.url("/jobs/index.html"), "config": {}})

    assert result.complete is True
    expected = [
        site.url(p) for p in site.paths["jobs"] + site.paths["missing"] + site.paths["not_jobs"]
    ]
    assert sorted(result.urls) == sorted(expected)


def test_it_filters_careers_links_with_the_configured_pattern(make_site):
    site = make_site(jobs=3, not_jobs=2)

    result = adapter_for("careers_page")(
        {"url": site.url("/jobs/index.html"), "config": {"job_url_pattern": r"/job-\d+\.html$"}}
    )

    assert sorted(result.urls) == sorted(site.url(p) for p in site.paths["jobs"])


def test_it_reports_an_unreachable_careers_page_as_incomplete(make_site):
    site = make_site(jobs=1)

    result = adapter_for("careers_page")({"url": site.url("/nope.html"), "config": {}})

    assert result.complete is False
    assert result.urls == []
    assert "gone" in result.note


def test_it_lists_sitemap_locations(make_site):
    site = make_site(jobs=4)

    result = adapter_for("sitemap")({"url": site.url("/sitemap.xml"), "config": {}})

    assert result.complete is True
    assert sorted(result.urls) == sorted(site.url(p) for p in site.paths["jobs"])


def test_it_parses_sitemap_indexes_and_rejects_other_xml():
    index = (
        b'<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        b"<sitemap><loc>http://127.0.0.1:9/a.xml</loc></sitemap></sitemapindex>"
    )
    assert parse_sitemap(index) == ("sitemapindex", ["http://127.0.0.1:9/a.xml"])
    with pytest.raises(SitemapError, match="root element is <rss>"):
        parse_sitemap(b"<rss><channel/></rss>")
    with pytest.raises(SitemapError, match="not well-formed XML"):
        parse_sitemap(b"<urlset><url><loc>http://x</loc></url>")


def test_it_does_not_expand_entities_in_sitemaps():
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE u [<!ENTITY a "http://127.0.0.1:9/x">]>'
        b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>&a;</loc></url></urlset>'
    )
    kind, locs = parse_sitemap(bomb)
    assert kind == "urlset"
    assert locs == []


def test_it_marks_kinds_without_an_adapter_incomplete():
    result = adapter_for("no_such_ats")({"url": "", "config": {}})
    assert result.complete is False
    assert result.note == "no discovery adapter for kind 'no_such_ats' yet"


@pytest.mark.django_db
def test_it_records_urls_archives_and_settles_the_source_once(make_site):
    site = make_site(jobs=2)
    source = make_source(
        kind=SourceKind.CAREERS_PAGE,
        url=site.url("/jobs/index.html"),
        config={"delist_after": 1},  # archive on the first listing without it
    )
    old = Job.objects.create(
        canonical_hash="0" * 32,
        source=source,
        url=site.url("/jobs/withdrawn.html"),
        title="Withdrawn",
        apply_url=site.url("/jobs/withdrawn.html"),
        fetched_at=timezone.now(),
    )
    run = make_run([source], status=RunStatus.ARCHIVING)
    run_source = RunSource.objects.get(run=run)

    first = discovery.discover_source(run_source.id)
    again = discovery.discover_source(run_source.id)

    assert (first.settled, first.urls_found, first.archived) == (True, 2, 1)
    assert again.settled is False
    run.refresh_from_db()
    assert (run.total_jobs_found, run.jobs_archived, run.sources_pending) == (2, 1, 0)
    assert RunUrl.objects.filter(run=run).count() == 2
    assert Job.objects.get(id=old.id).status == JobStatus.ARCHIVED
    run_source.refresh_from_db()
    assert (run_source.status, run_source.complete) == ("discovered", True)


@pytest.mark.django_db
def test_it_skips_archiving_in_a_dry_run():
    source = make_source()
    Job.objects.create(
        canonical_hash="1" * 32,
        source=source,
        url="http://127.0.0.1:9/j",
        title="T",
        apply_url="http://127.0.0.1:9/j",
        fetched_at=timezone.now(),
    )
    run = make_run([source], status=RunStatus.ARCHIVING, use_storage=False)

    summary = discovery.record_discovery(
        RunSource.objects.get(run=run).id, DiscoveryResult([], complete=True)
    )

    assert summary.archived == 0
    assert summary.note == "archiving skipped: storage disabled (dry run)"
    assert Job.objects.get().status == JobStatus.ACTIVE


@pytest.mark.django_db
def test_it_settles_a_failed_discovery_so_the_run_moves_on():
    run = make_run(status=RunStatus.ARCHIVING)
    run_source = RunSource.objects.get(run=run)

    summary = discovery.record_discovery(
        run_source.id, DiscoveryResult([], complete=False, note="http_503")
    )

    assert summary.settled is True
    run_source.refresh_from_db()
    assert (run_source.status, run_source.note) == ("failed", "http_503")
    assert IngestionRun.objects.get(id=run.id).sources_pending == 0


@pytest.mark.django_db
def test_several_sources_are_listed_at_once_and_each_recorded_once():
    """Three hosts, each holding its sitemap until all three were asked for: sources listed
    one after another would break the barrier, and every listing would fail."""
    from tests.httpserver import ScriptedServer

    arrived = threading.Barrier(3, timeout=20)
    servers = [ScriptedServer(host=f"127.0.0.{n}") for n in range(2, 5)]
    try:
        sources = []
        for n, server in enumerate(servers):
            server.on_request = lambda path: arrived.wait() if path == "/sitemap.xml" else None
            job = server.route(f"/jobs/{n}.html", body=b"<html></html>")
            sitemap = server.route(
                "/sitemap.xml",
                body=f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                f"<url><loc>{job}</loc></url></urlset>".encode(),
                Content_Type="application/xml",
            )
            sources.append(make_source(kind=SourceKind.SITEMAP, url=sitemap))
        run = make_run(sources, status=RunStatus.ARCHIVING)
        ids = list(RunSource.objects.filter(run=run).values_list("id", flat=True))

        summaries = discovery.discover_sources(ids)
        again = discovery.discover_sources(ids)
    finally:
        for server in servers:
            server.close()

    assert sorted((s.settled, s.urls_found) for s in summaries) == [(True, 1)] * 3
    assert [s.settled for s in again] == [False] * 3
    run.refresh_from_db()
    assert (run.total_jobs_found, run.sources_pending) == (3, 0)
    assert RunUrl.objects.filter(run=run).count() == 3


def _sitemap_server(index_body: str):
    from tests.httpserver import ScriptedServer

    server = ScriptedServer()
    server.route(
        "/sitemap.xml", body=index_body.replace("{BASE}", server.base), Content_Type="text/xml"
    )
    return server


INDEX = (
    '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
    "<sitemap><loc>{BASE}/sitemap.xml</loc></sitemap></sitemapindex>"
)


def test_a_sitemap_index_that_lists_itself_is_incomplete_not_empty():
    server = _sitemap_server(INDEX)
    try:
        result = adapter_for("sitemap")({"url": server.base + "/sitemap.xml", "config": {}})
    finally:
        server.close()

    assert (result.complete, result.urls) == (False, [])
    assert result.note.endswith("/sitemap.xml: sitemap index cycle")


def test_a_listing_over_the_url_cap_is_cut_and_incomplete(settings):
    settings.JOBPIPE_MAX_LISTING_URLS = 3
    locs = "".join(f"<url><loc>{{BASE}}/jobs/{n}.html</loc></url>" for n in range(5))
    server = _sitemap_server(
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{locs}</urlset>'
    )
    try:
        result = discovery._list(
            {"kind": "sitemap", "url": server.base + "/sitemap.xml", "config": {}}
        )
    finally:
        server.close()

    assert (result.complete, len(result.urls)) == (False, 3)
    assert "over JOBPIPE_MAX_LISTING_URLS (3) URLs" in result.note


@pytest.mark.django_db
def test_a_source_whose_urls_another_source_recorded_first_says_so():
    careers, sitemap = make_source(name="Acme careers"), make_source(name="Acme sitemap")
    run = make_run([careers, sitemap], status=RunStatus.ARCHIVING, use_storage=False)
    by_source = {rs.source_id: rs.id for rs in RunSource.objects.filter(run=run)}
    urls = [f"http://127.0.0.1:9/jobs/{n}.html" for n in range(6)]

    discovery.record_discovery(by_source[careers.id], DiscoveryResult(urls, complete=True))
    second = discovery.record_discovery(
        by_source[sitemap.id], DiscoveryResult([*urls, "http://127.0.0.1:9/jobs/new.html"], True)
    )

    rs = RunSource.objects.get(id=by_source[sitemap.id])
    assert (rs.urls_found, second.urls_found) == (7, 1)
    assert rs.note.startswith("6 already listed by Acme careers; ")
    run.refresh_from_db()
    assert run.total_jobs_found == 7


@pytest.mark.django_db
def test_listings_recorded_together_count_a_shared_url_once_and_settle_each_source():
    careers, sitemap = make_source(name="Acme careers"), make_source(name="Acme sitemap")
    run = make_run([careers, sitemap], status=RunStatus.ARCHIVING, use_storage=False)
    by_source = {rs.source_id: rs.id for rs in RunSource.objects.filter(run=run)}
    urls = [f"http://127.0.0.1:9/jobs/{n}.html" for n in range(4)]

    first, second = discovery.record_discoveries(
        [
            (by_source[careers.id], DiscoveryResult(urls, complete=True)),
            (by_source[sitemap.id], DiscoveryResult([*urls[2:], "http://127.0.0.1:9/x"], True)),
        ]
    )
    again = discovery.record_discoveries([(by_source[careers.id], DiscoveryResult(urls, True))])

    assert (first.urls_found, second.urls_found) == (4, 1)
    assert again[0].settled is False  # a redelivered listing records nothing
    assert RunUrl.objects.filter(run=run).count() == 5
    assert set(
        RunUrl.objects.filter(run=run, url__in=urls).values_list("source_id", flat=True)
    ) == {careers.id}
    assert RunSource.objects.get(id=by_source[sitemap.id]).note.startswith(
        "2 already listed by Acme careers"
    )
    run.refresh_from_db()
    assert (run.total_jobs_found, run.sources_pending) == (5, 0)
