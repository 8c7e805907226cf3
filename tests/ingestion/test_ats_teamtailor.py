"""Teamtailor against a local RSS feed: paging by offset, mapping, a failed page, the errors."""

from __future__ import annotations

import pytest

from ingestion.sources.ats import teamtailor
from tests.ingestion.samples import XML, source
from tests.ingestion.samples import teamtailor as samples


def test_it_pages_until_a_short_page_and_maps_each_item(http):
    for start, count in ((0, 2), (2, 2), (4, 1)):
        http.route(
            f"/jobs.rss?offset={start}&per_page=2",
            body=samples.feed(http.base, start, count),
            **XML,
        )

    found = teamtailor.discover(source(http, "teamtailor", page_size=2))

    assert found.complete and len(found.urls) == 5
    record = found.records[f"{http.base}/jobs/9000-store-manager"]
    assert record["title"] == "Store Manager 0"
    assert record["employer"] == "Acme Retail AB"
    assert record["location"] == "Stockholm, Sweden (Remote)"
    assert record["remote"] is True
    assert record["description"] == "Run the Stockholm store."
    assert record["posted_on"] == "2026-11-03"
    assert record["identifier"] == "guid-0"
    assert found.records[f"{http.base}/jobs/9004-store-manager"]["remote"] is False


def test_a_page_that_fails_after_others_is_incomplete(http):
    http.route("/jobs.rss?offset=0&per_page=2", body=samples.feed(http.base, 0, 2), **XML)
    http.route("/jobs.rss?offset=2&per_page=2", status=500)

    found = teamtailor.discover(source(http, "teamtailor", page_size=2))

    assert not found.complete and len(found.urls) == 2
    assert "http_5xx" in found.note


def test_a_feed_cut_off_midway_is_incomplete(http):
    http.route("/jobs.rss?offset=0&per_page=100", body=samples.feed(http.base, 0, 3)[:-300], **XML)

    found = teamtailor.discover(source(http, "teamtailor"))

    assert not found.complete and "not valid XML" in found.note


@pytest.mark.parametrize(
    ("status", "body", "expected"),
    [
        (404, b"not found", "unknown board"),
        (429, b"slow down", "rate limited"),
        (200, b"<feed/>", "not a <rss> feed"),
    ],
    ids=["unknown-company", "rate-limited", "wrong-document"],
)
def test_errors_are_clear_and_never_a_complete_empty_listing(http, status, body, expected):
    http.fallback = (status, {"Content-Type": "application/xml"}, body)

    found = teamtailor.discover(source(http, "teamtailor"))

    assert not found.complete and found.urls == []
    assert expected in found.note
