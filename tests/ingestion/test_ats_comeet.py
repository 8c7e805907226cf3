"""Comeet against a local careers API: mapping of the detail sections, token errors, errors."""

from __future__ import annotations

import pytest

from ingestion.sources.ats import comeet
from tests.ingestion.samples import JSON, source
from tests.ingestion.samples import comeet as samples

UID, TOKEN = "A1.00B", {"token": "T0KEN"}


def test_it_maps_each_position_and_orders_its_sections(http):
    http.route(samples.PATH, body=samples.positions(http.base), **JSON)

    found = comeet.discover(source(http, "comeet", UID, **TOKEN))

    assert found.complete and found.urls == [f"{http.base}/careers/qa-engineer"]
    record = found.records[found.urls[0]]
    assert record["title"] == "QA Engineer"
    assert record["employer"] == "Acme Robotics Ltd"
    assert record["location"] == "Tel Aviv"
    assert record["remote"] is False
    assert record["description"].startswith("Description")
    assert record["requirements"] == ["Python", "ROS"]
    assert record["employment_type"] == "FULL_TIME"
    assert record["apply_url"] == f"{http.base}/jobs/acme/A1.00B/qa-engineer/C4.A1"
    assert record["identifier"] == "C4.A1"


def test_a_source_without_its_api_token_is_a_precise_error(http):
    found = comeet.discover(source(http, "comeet", UID))

    assert not found.complete and "needs config['token']" in found.note


def test_a_refused_token_says_so(http):
    http.fallback = (400, {"Content-Type": "application/json"}, b'{"error": "Token is missing"}')

    found = comeet.discover(source(http, "comeet", UID, **TOKEN))

    assert not found.complete and "wrong token?" in found.note


@pytest.mark.parametrize(
    ("status", "body", "expected"),
    [
        (404, b"not found", "unknown board"),
        (429, b"slow down", "rate limited"),
        (200, b"[{not json", "not valid JSON"),
        (200, b'{"positions": []}', "without a list of positions"),
    ],
    ids=["unknown-company", "rate-limited", "bad-json", "wrong-shape"],
)
def test_errors_are_clear_and_never_a_complete_empty_listing(http, status, body, expected):
    http.fallback = (status, {"Content-Type": "application/json"}, body)

    found = comeet.discover(source(http, "comeet", UID, **TOKEN))

    assert not found.complete and found.urls == []
    assert expected in found.note
