"""iCIMS against a local portal: search pages to "of Y", robots.txt, an empty portal, errors."""

from __future__ import annotations

import pytest

from ingestion.sources.ats import icims
from tests.ingestion.samples import icims as samples
from tests.ingestion.samples import source

SEARCH = "/jobs/search?ss=1&in_iframe=1&pr={}"


def serve(http, pages: int = 3, **kw) -> None:
    http.route("/robots.txt", body="User-agent: *\nAllow: /\n", Content_Type="text/plain")
    for number in range(pages):
        http.route(SEARCH.format(number), body=samples.page(http.base, number, pages, **kw))


def test_it_reads_every_search_page_and_returns_the_job_links(http):
    serve(http)

    found = icims.discover(source(http, "icims", "careers-acme"))

    assert found.complete, found.note
    assert len(found.urls) == 6 and found.records == {}
    assert found.urls[0] == f"{http.base}/jobs/5000/forklift-operator/job"  # in_iframe dropped


def test_an_empty_portal_that_says_so_is_complete(http):
    http.route("/robots.txt", body="", Content_Type="text/plain")
    http.route(SEARCH.format(0), body=samples.EMPTY)

    found = icims.discover(source(http, "icims", "careers-acme"))

    assert found.complete and found.urls == []


def test_a_page_without_its_header_cannot_end_the_listing(http):
    serve(http, pages=1, header=False)

    found = icims.discover(source(http, "icims", "careers-acme"))

    assert not found.complete and len(found.urls) == 2
    assert "no 'Page X of Y' header" in found.note


def test_a_page_that_fails_midway_keeps_the_links_read(http):
    serve(http)
    http.routes[SEARCH.format(1)] = (500, {}, b"oops")

    found = icims.discover(source(http, "icims", "careers-acme"))

    assert not found.complete and len(found.urls) == 2 and "http_5xx" in found.note


def test_a_portal_whose_robots_txt_disallows_search_lists_nothing(http):
    serve(http)
    http.route("/robots.txt", body="User-agent: *\nDisallow: /\n", Content_Type="text/plain")

    found = icims.discover(source(http, "icims", "careers-acme"))

    assert not found.complete and found.urls == []
    assert "robots_disallowed" in found.note


@pytest.mark.parametrize(
    ("status", "body", "expected"),
    [
        (404, b"not found", "unknown board"),
        (429, b"slow down", "rate limited"),
        (200, b"<html><body>Welcome</body></html>", "does not say there are none"),
    ],
    ids=["unknown-portal", "rate-limited", "not-a-search-page"],
)
def test_errors_are_clear_and_never_a_complete_empty_listing(http, status, body, expected):
    http.route("/robots.txt", body="", Content_Type="text/plain")
    http.fallback = (status, {}, body)

    found = icims.discover(source(http, "icims", "careers-acme"))

    assert not found.complete and found.urls == []
    assert expected in found.note
