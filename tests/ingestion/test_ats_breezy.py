"""Breezy against a local careers site: URLs for the crawler, records when the text is there."""

from __future__ import annotations

import pytest

from ingestion.sources.ats import breezy
from tests.ingestion.samples import JSON, source
from tests.ingestion.samples import breezy as samples


def test_positions_without_text_are_left_to_the_page_fetch(http):
    http.route("/json", body=samples.positions(http.base), **JSON)

    found = breezy.discover(source(http, "breezy"))

    assert found.complete
    assert found.urls == [f"{http.base}/p/a1b2-welder", f"{http.base}/p/c3d4-estimator"]
    assert found.records == {}  # no description in the list: the crawler reads the pages


def test_a_position_with_its_text_becomes_a_record(http):
    http.route("/json", body=samples.positions(http.base, with_description=True), **JSON)

    found = breezy.discover(source(http, "breezy"))

    assert found.complete and len(found.urls) == 2
    assert list(found.records) == [f"{http.base}/p/c3d4-estimator"]
    record = found.records[f"{http.base}/p/c3d4-estimator"]
    assert record["title"] == "Estimator"
    assert record["employer"] == "Acme Fabrication"
    assert record["location"] == "Dayton, United States"
    assert record["remote"] is True
    assert record["description"] == "Price the jobs."
    assert record["employment_type"] == "PART_TIME"
    assert record["posted_on"] == "2026-11-03"


def test_a_list_cut_off_midway_is_incomplete(http):
    http.route("/json", body=samples.positions(http.base)[:-40], **JSON)

    found = breezy.discover(source(http, "breezy"))

    assert not found.complete and "not valid JSON" in found.note


@pytest.mark.parametrize(
    ("status", "body", "expected"),
    [
        (200, b"<!DOCTYPE html><title>Breezy HR</title>", "probably an unknown board"),
        (404, b"not found", "unknown board"),
        (429, b"slow down", "rate limited"),
        (200, b'{"positions": []}', "without a list of positions"),
    ],
    ids=["unknown-company-home-page", "not-found", "rate-limited", "wrong-shape"],
)
def test_errors_are_clear_and_never_a_complete_empty_listing(http, status, body, expected):
    http.fallback = (status, {"Content-Type": "application/json"}, body)

    found = breezy.discover(source(http, "breezy"))

    assert not found.complete and found.urls == []
    assert expected in found.note
