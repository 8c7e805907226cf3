"""Pinpoint against a local board: mapping, pay only when visible, and the error kinds."""

from __future__ import annotations

import pytest

from ingestion.sources.ats import pinpoint
from tests.ingestion.samples import JSON, source
from tests.ingestion.samples import pinpoint as samples


def test_it_maps_each_posting_and_its_sections(http):
    http.route("/postings.json", body=samples.postings(http.base), **JSON)

    found = pinpoint.discover(source(http, "pinpoint"))

    assert found.complete and len(found.urls) == 2
    record = found.records[f"{http.base}/en/postings/3f1a-ceramics"]
    assert record["title"] == "Lecturer in Ceramics"
    assert record["location"] == "Bath, Newton Park"
    assert record["remote"] is False
    assert record["description"].startswith("Teach studio ceramics.")
    assert "Pension." in record["description"]
    assert record["requirements"] == ["Kiln safety", "MA"]
    assert record["employment_type"] == "PART_TIME"
    assert record["deadline"] == "2026-12-15"
    assert record["salary"] == {"min": 38000, "max": 45000, "currency": "GBP", "unit": "YEAR"}
    tutor = found.records[f"{http.base}/en/postings/77aa-tutor"]  # url built from its path
    assert (tutor["location"], tutor["remote"], tutor["salary"]) == ("Remote", True, None)


@pytest.mark.parametrize(
    ("status", "body", "expected"),
    [
        (404, b"not found", "unknown board"),
        (429, b"slow down", "rate limited"),
        (200, b"{not json", "not valid JSON"),
        (200, b'{"jobs": []}', "without a 'data' list"),
        (200, b"<!doctype html><title>Pinpoint</title>", "probably an unknown board"),
    ],
    ids=["unknown-company", "rate-limited", "bad-json", "wrong-shape", "html-home-page"],
)
def test_errors_are_clear_and_never_a_complete_empty_listing(http, status, body, expected):
    http.fallback = (status, {"Content-Type": "application/json"}, body)

    found = pinpoint.discover(source(http, "pinpoint"))

    assert not found.complete and found.urls == []
    assert expected in found.note
