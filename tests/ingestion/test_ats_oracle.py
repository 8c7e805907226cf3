"""Oracle Recruiting Cloud against a local REST API: the finder's limit/offset, details,
totals, the 10,000-result window, a bad token and the error kinds."""

from __future__ import annotations

import pytest

from ingestion.models import SourceKind
from ingestion.sources.ats import oracle
from tests.factories import make_source
from tests.ingestion import handoff
from tests.ingestion.samples import JSON, source
from tests.ingestion.samples import oracle as samples

TOKEN = "CX_1"


def serve(http, total: int = 5, pages: tuple = ((0, 2), (2, 2), (4, 1))) -> None:
    for offset, count in pages:
        http.route(
            samples.search_path(offset, 2), body=samples.search(offset, count, total), **JSON
        )
    for i in range(total):
        http.route(samples.detail_path(str(3000 + i)), body=samples.detail(str(3000 + i)), **JSON)


def test_it_pages_inside_the_finder_and_reads_each_detail(http):
    serve(http)

    found = oracle.discover(source(http, "oracle", TOKEN, page_size=2))

    assert found.complete, found.note
    assert len(found.urls) == 5
    record = found.records[f"{http.base}/hcmUI/CandidateExperience/en/sites/CX_1/job/3000"]
    assert record["title"] == "Database Administrator 0"
    assert record["locations"] == ["Austin, TX, United States", "Reston, VA, United States"]
    assert record["description"].startswith("Run Oracle databases.")
    assert record["employment_type"] == "FULL_TIME"
    assert record["posted_on"] == "2026-11-06"
    assert record["remote"] is None  # hybrid
    assert (
        found.records[f"{http.base}/hcmUI/CandidateExperience/en/sites/CX_1/job/3001"]["remote"]
        is False
    )


@pytest.mark.django_db(transaction=True)
def test_details_read_by_the_crawl_stage_give_the_same_jobs(http, pump, settings):
    serve(http)
    site = make_source(
        kind=SourceKind.ORACLE,
        url="",
        board_token=TOKEN,
        config={"api_base": http.base, "page_size": 2},
    )

    both = handoff.read_in_both_places(
        site, pump, settings, http, lambda path: "RequisitionDetails" in path
    )

    handed = handoff.handed(both.first)
    pages = f"{http.base}/hcmUI/CandidateExperience/en/sites/CX_1/job"
    assert [u.url for u in handed] == [f"{pages}/{3000 + i}" for i in range(5)]
    assert handed[0].detail["api"] == f"{http.base}{samples.detail_path('3000')}"
    assert (both.first.status, both.first.jobs_added) == ("completed", 5)
    assert both.in_crawl == both.in_discovery and len(both.in_crawl) == 5
    assert both.in_crawl[f"{pages}/3000"]["description_snippet"].startswith("Run Oracle")
    assert both.second_details == {}
    assert handoff.outcomes(both.second) == {("unchanged", "listing"): 5}


def test_requisitions_short_of_the_total_are_incomplete(http):
    serve(http, total=5, pages=((0, 2), (2, 0)))

    found = oracle.discover(source(http, "oracle", TOKEN, page_size=2))

    assert not found.complete and "listed 2 of 5 requisitions" in found.note


def test_a_site_beyond_the_result_window_is_incomplete(http, monkeypatch):
    monkeypatch.setattr(oracle, "WINDOW", 4)
    serve(http, total=5, pages=((0, 2), (2, 2)))

    found = oracle.discover(source(http, "oracle", TOKEN, page_size=2))

    assert not found.complete and "beyond the API's 4-result window" in found.note
    assert len(found.urls) == 4


def test_a_missing_detail_is_incomplete(http):
    serve(http)
    http.routes.pop(samples.detail_path("3004"))

    found = oracle.discover(source(http, "oracle", TOKEN, page_size=2))

    assert not found.complete and "1 requisition detail(s) unavailable: 3004" in found.note


def test_the_host_comes_from_the_config_and_is_checked():
    good = {"name": "x", "board_token": "CX_1", "config": {"host": "acme.fa.us2.oraclecloud.com"}}
    bad = {"name": "x", "board_token": "CX_1", "config": {"host": "acme/../x"}}

    assert oracle._site(good) == ("https://acme.fa.us2.oraclecloud.com", "CX_1")
    assert "needs config['host']" in oracle.discover({**good, "config": {}}).note
    assert "is not the Fusion host name" in oracle.discover(bad).note


@pytest.mark.parametrize(
    ("status", "body", "expected"),
    [
        (404, b"not found", "unknown board"),
        (429, b"slow down", "rate limited"),
        (200, b"{not json", "not valid JSON"),
        (200, b'{"items": []}', "without a search item"),
    ],
    ids=["unknown-site", "rate-limited", "bad-json", "no-search-item"],
)
def test_errors_are_clear_and_never_a_complete_empty_listing(http, status, body, expected):
    http.fallback = (status, {"Content-Type": "application/json"}, body)

    found = oracle.discover(source(http, "oracle", TOKEN))

    assert not found.complete and found.urls == []
    assert expected in found.note
