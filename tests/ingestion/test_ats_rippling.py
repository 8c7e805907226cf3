"""Rippling against a local board API: pages, items merged by id, details, errors."""

from __future__ import annotations

import pytest

from ingestion.sources.ats import rippling
from tests.ingestion.samples import JSON, source
from tests.ingestion.samples import rippling as samples

LIST = "/api/v2/board/acme/jobs"


def serve(http, *, total: int | None = None) -> None:
    for number in range(3):
        http.route(
            f"{LIST}?page={number}&pageSize=2",
            body=samples.page(http.base, number, 2, total=total),
            **JSON,
        )
    for ident in ("j1", "j2", "j3", "j4"):
        http.route(f"{LIST}/{ident}", body=samples.detail(ident), **JSON)


def test_it_pages_merges_locations_and_reads_details(http):
    serve(http)

    found = rippling.discover(source(http, "rippling", page_size=2))

    assert found.complete, found.note
    assert sorted(found.urls) == [f"{http.base}/acme/jobs/j{i}" for i in (1, 2, 3)]  # j4 unlisted
    record = found.records[f"{http.base}/acme/jobs/j2"]
    assert record["locations"] == ["New York, NY", "Austin, TX"]
    assert record["remote"] is False
    assert record["employer"] == "Acme Ledger Inc"
    assert record["description"].startswith("Close the books.")
    assert record["employment_type"] == "FULL_TIME"
    assert record["posted_on"] == "2026-10-31"
    assert record["salary"] == {"min": 120000, "max": 150000, "currency": "USD", "unit": "YEAR"}
    assert found.records[f"{http.base}/acme/jobs/j1"]["remote"] is True
    assert found.records[f"{http.base}/acme/jobs/j3"]["remote"] is None  # hybrid


def test_items_short_of_total_items_are_incomplete(http):
    serve(http, total=7)

    found = rippling.discover(source(http, "rippling", page_size=2))

    assert not found.complete and "listed 5 of 7 items" in found.note


def test_a_failed_page_after_others_keeps_them_incomplete(http):
    serve(http)
    http.routes[f"{LIST}?page=1&pageSize=2"] = (429, {"Retry-After": "1"}, b"slow down")

    found = rippling.discover(source(http, "rippling", page_size=2))

    assert not found.complete and "rate limited" in found.note


def test_a_missing_detail_is_incomplete(http):
    serve(http)
    http.routes.pop(f"{LIST}/j3")

    found = rippling.discover(source(http, "rippling", page_size=2))

    assert not found.complete and "1 job detail(s) unavailable: j3" in found.note


@pytest.mark.parametrize(
    ("status", "body", "expected"),
    [
        (404, b"not found", "unknown board"),
        (429, b"slow down", "rate limited"),
        (200, b"{not json", "not valid JSON"),
        (200, b'{"jobs": []}', "without a 'items' list"),
    ],
    ids=["unknown-board", "rate-limited", "bad-json", "wrong-shape"],
)
def test_errors_are_clear_and_never_a_complete_empty_listing(http, status, body, expected):
    http.fallback = (status, {"Content-Type": "application/json"}, body)

    found = rippling.discover(source(http, "rippling"))

    assert not found.complete and found.urls == []
    assert expected in found.note
