"""BambooHR against a local careers site: list + details, totals, missing details, errors."""

from __future__ import annotations

import pytest

from ingestion.models import SourceKind
from ingestion.sources.ats import bamboohr
from tests.factories import make_source
from tests.ingestion import handoff
from tests.ingestion.samples import JSON, source
from tests.ingestion.samples import bamboohr as samples


def serve(http, n: int, **listing) -> None:
    http.route("/careers/list", body=samples.listing(n, **listing), **JSON)
    for i in range(n):
        http.route(f"/careers/{40 + i}/detail", body=samples.detail(http.base, i), **JSON)


def test_it_reads_each_openings_detail(http):
    serve(http, 2)

    found = bamboohr.discover(source(http, "bamboohr"))

    assert found.complete and len(found.urls) == 2
    record = found.records[f"{http.base}/careers/40"]
    assert record["title"] == "Nurse 0"
    assert record["location"] == "Denver, Colorado"
    assert record["description"] == "Care for patients."
    assert record["posted_on"] == "2026-10-29"
    assert record["employment_type"] == "FULL_TIME"
    assert record["identifier"] == "40"
    remote = found.records[f"{http.base}/careers/41"]
    assert (remote["location"], remote["remote"]) == ("Denver, Colorado (Remote)", True)


@pytest.mark.django_db(transaction=True)
def test_details_read_by_the_crawl_stage_give_the_same_jobs(http, pump, settings):
    serve(http, 3)
    site = make_source(
        kind=SourceKind.BAMBOOHR, url="", board_token="acme", config={"api_base": http.base}
    )

    both = handoff.read_in_both_places(
        site, pump, settings, http, lambda path: path.endswith("/detail")
    )

    handed = handoff.handed(both.first)
    # The URL from the list entry's id is the page the detail's jobOpeningShareUrl names.
    assert [u.url for u in handed] == [f"{http.base}/careers/{40 + i}" for i in range(3)]
    assert handed[0].detail["api"] == f"{http.base}/careers/40/detail"
    assert (both.first.status, both.first.jobs_added) == ("completed", 3)
    assert both.in_crawl == both.in_discovery and len(both.in_crawl) == 3
    assert both.in_crawl[handed[1].url]["location_raw"] == "Denver, Colorado (Remote)"
    assert both.second_details == {}
    assert handoff.outcomes(both.second) == {("unchanged", "listing"): 3}


def test_a_list_short_of_its_total_is_incomplete(http):
    serve(http, 2, total=3)

    found = bamboohr.discover(source(http, "bamboohr"))

    assert not found.complete and len(found.urls) == 2
    assert "listed 2 of 3 openings" in found.note


def test_a_missing_detail_is_incomplete(http):
    serve(http, 2)
    http.routes.pop("/careers/41/detail")

    found = bamboohr.discover(source(http, "bamboohr"))

    assert not found.complete and len(found.urls) == 1
    assert "1 opening detail(s) unavailable: 41" in found.note


@pytest.mark.parametrize(
    ("status", "body", "expected"),
    [
        (200, b"<!DOCTYPE html><html>BambooHR: HR software</html>", "probably an unknown board"),
        (404, b"not found", "unknown board"),
        (429, b"slow down", "rate limited"),
        (200, b"{not json", "not valid JSON"),
    ],
    ids=["unknown-company-home-page", "not-found", "rate-limited", "bad-json"],
)
def test_errors_are_clear_and_never_a_complete_empty_listing(http, status, body, expected):
    http.fallback = (status, {"Content-Type": "text/html"}, body)

    found = bamboohr.discover(source(http, "bamboohr"))

    assert not found.complete and found.urls == []
    assert expected in found.note
