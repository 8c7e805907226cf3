"""Rippling against a local board API: pages, items merged by id, details, errors."""

from __future__ import annotations

import pytest

from ingestion.models import RunUrl, SourceKind
from ingestion.sources.ats import rippling
from tests.factories import make_source
from tests.ingestion import handoff
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


@pytest.mark.django_db(transaction=True)
def test_details_read_by_the_crawl_stage_give_the_same_jobs(http, pump, settings):
    serve(http)
    site = make_source(
        kind=SourceKind.RIPPLING,
        url="",
        board_token="acme",
        config={"api_base": http.base, "page_size": 2},
    )

    both = handoff.read_in_both_places(
        site, pump, settings, http, lambda path: path.startswith(f"{LIST}/")
    )

    handed = handoff.handed(both.first)
    assert [u.url for u in handed] == [f"{http.base}/acme/jobs/j{i}" for i in (1, 2, 3, 4)]
    assert handed[1].detail["places"] == [
        {"name": n, "country": "United States", "countryCode": "US", "workplaceType": "ON_SITE"}
        for n in ("New York, NY", "Austin, TX")
    ]
    # j4's detail says unlistedFromSearch: no job, as when discovery leaves it out.
    unlisted = RunUrl.objects.get(run=both.first, url=f"{http.base}/acme/jobs/j4")
    assert (unlisted.outcome, unlisted.job_id) == ("skipped", None)
    assert "unlistedFromSearch" in unlisted.error_message
    assert (both.first.status, both.first.jobs_added, both.first.jobs_failed) == (
        "completed",
        3,
        0,
    )
    assert both.in_crawl == both.in_discovery and len(both.in_crawl) == 3
    assert both.in_crawl[f"{http.base}/acme/jobs/j2"]["location_raw"] == "New York, NY; Austin, TX"
    assert both.second_details == {f"{LIST}/j4": 1}  # read again each run, as in discovery
    assert handoff.outcomes(both.second) == {("unchanged", "listing"): 3, ("skipped", ""): 1}


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
