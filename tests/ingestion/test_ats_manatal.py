"""Manatal against a local career-page API: following `next`, counts, a foreign link, errors."""

from __future__ import annotations

import json

import pytest

from ingestion.sources.ats import manatal
from tests.ingestion.samples import JSON, source
from tests.ingestion.samples import manatal as samples

CAREERS = "https://www.careers-page.com/acme/job"


def test_it_follows_next_until_it_runs_out(http):
    http.route(samples.FIRST, body=samples.page(http.base, 1, 2, 5, last=False), **JSON)
    http.route(
        "/open/v3/career-page/acme/jobs/?page=2&page_size=100",
        body=samples.page(http.base, 2, 2, 5, last=False),
        **JSON,
    )
    http.route(
        "/open/v3/career-page/acme/jobs/?page=3&page_size=100",
        body=samples.page(http.base, 3, 2, 5, last=True),
        **JSON,
    )

    found = manatal.discover(source(http, "manatal"))

    assert found.complete and len(found.urls) == 5
    record = found.records[f"{CAREERS}/H0000"]
    assert record["title"] == "Geologist 0"
    assert record["location"] == "Jakarta, Indonesia (Remote)"
    assert record["remote"] is True
    assert record["description"] == "Map the basin."
    assert record["posted_on"] == "2026-11-04"
    assert record["identifier"] == "800"
    assert found.records[f"{CAREERS}/H0004"]["remote"] is False


def test_results_short_of_the_count_are_incomplete(http):
    http.route(samples.FIRST, body=samples.page(http.base, 1, 2, 3, last=True), **JSON)

    found = manatal.discover(source(http, "manatal"))

    assert not found.complete and "listed 2 of 3 jobs" in found.note


def test_a_next_link_to_another_host_is_not_followed(http):
    body = json.loads(samples.page(http.base, 1, 2, 5, last=False))
    body["next"] = "http://127.0.0.2:9/elsewhere/?page=2"
    http.route(samples.FIRST, body=json.dumps(body), **JSON)

    found = manatal.discover(source(http, "manatal"))

    assert not found.complete and len(found.urls) == 2
    assert "not followed" in found.note


@pytest.mark.parametrize(
    ("status", "body", "expected"),
    [
        (404, b'{"detail": "Not found."}', "unknown board"),
        (429, b"slow down", "rate limited"),
        (200, b"{not json", "not valid JSON"),
        (200, b"[]", "without a 'results' list"),
    ],
    ids=["unknown-career-page", "rate-limited", "bad-json", "wrong-shape"],
)
def test_errors_are_clear_and_never_a_complete_empty_listing(http, status, body, expected):
    http.fallback = (status, {"Content-Type": "application/json"}, body)

    found = manatal.discover(source(http, "manatal"))

    assert not found.complete and found.urls == []
    assert expected in found.note
