"""Taleo against a local career-section search: pageNo paging, totals, the tz header, errors."""

from __future__ import annotations

import pytest

from ingestion.sources.ats import taleo
from tests.ingestion.samples import source
from tests.ingestion.samples import taleo as samples

SECTION = {"section": "ex", "portal": "7700"}


def test_it_pages_by_number_and_maps_each_requisition(http):
    samples.Section(http, total=5)

    found = taleo.discover(source(http, "taleo", **SECTION))

    assert found.complete, found.note
    assert [body["pageNo"] for _path, body in http.posted] == [1, 2, 3]
    assert all(h.get("tz") for h in http.post_headers)  # Taleo answers 500 without it
    record = found.records[f"{http.base}/careersection/ex/jobdetail.ftl?job=260000&lang=en"]
    assert record["title"] == "Teller 0"
    assert record["locations"] == ["Toronto, ON", "Ottawa, ON"]
    assert record["posted_on"] == "2026-11-02"
    assert record["identifier"] == "260000"
    assert len(found.urls) == 5


def test_requisitions_short_of_the_total_are_incomplete(http):
    samples.Section(http, total=5, listed=3)

    found = taleo.discover(source(http, "taleo", **SECTION))

    assert not found.complete and "listed 3 distinct requisitions of 5" in found.note


def test_an_unavailable_section_is_a_precise_error(http):
    http.post_routes[samples.PATH] = lambda body: (
        200,
        {"Content-Type": "application/json"},
        b'{"careerSectionUnAvailable": true, "requisitionList": []}',
    )

    found = taleo.discover(source(http, "taleo", **SECTION))

    assert not found.complete and "career section 'ex' (portal 7700) is unavailable" in found.note


def test_a_source_without_its_portal_number_is_a_precise_error(http):
    found = taleo.discover(source(http, "taleo", section="ex"))

    assert not found.complete and "needs config['portal']" in found.note


@pytest.mark.parametrize(
    ("status", "body", "expected"),
    [
        (404, b"not found", "unknown board"),
        (429, b"slow down", "rate limited"),
        (500, b"internal error", "http_5xx"),
        (200, b"{not json", "not valid JSON"),
    ],
    ids=["unknown-tenant", "rate-limited", "server-error", "bad-json"],
)
def test_errors_are_clear_and_never_a_complete_empty_listing(http, status, body, expected):
    http.fallback = (status, {"Content-Type": "application/json"}, body)

    found = taleo.discover(source(http, "taleo", **SECTION))

    assert not found.complete and found.urls == []
    assert expected in found.note
