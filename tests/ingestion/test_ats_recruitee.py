"""Recruitee against a local careers site: mapping, drafts skipped and the error kinds."""

from __future__ import annotations

import pytest

from ingestion.sources.ats import recruitee
from tests.ingestion.samples import JSON, source
from tests.ingestion.samples import recruitee as samples


def test_it_maps_published_offers_and_skips_drafts(http):
    http.route("/api/offers/", body=samples.offers(http.base), **JSON)

    found = recruitee.discover(source(http, "recruitee"))

    assert found.complete and found.urls == [f"{http.base}/o/backend-developer"]
    record = found.records[found.urls[0]]
    assert record["title"] == "Backend Developer"
    assert record["employer"] == "Acme Tulips B.V."
    assert record["location"] == "Utrecht, Utrecht, Netherlands; Ghent, Belgium"
    assert record["remote"] is None  # hybrid
    assert record["requirements"] == ["Elixir", "Dutch or English"]
    assert record["employment_type"] == "FULL_TIME"
    assert record["posted_on"] == "2026-11-01"
    assert record["apply_url"] == f"{http.base}/o/backend-developer/c/new"
    assert record["salary"] == {"min": 4000.0, "max": 5500.0, "currency": "EUR", "unit": "MONTH"}
    assert record["identifier"] == "5101"


def test_the_host_comes_from_the_token(monkeypatch):
    asked = []
    monkeypatch.setattr(
        recruitee, "get_listing", lambda url, *_args: asked.append(url) or {"offers": []}
    )

    found = recruitee.discover({"name": "x", "board_token": "acme", "config": {}})

    assert found.complete and asked == ["https://acme.recruitee.com/api/offers/"]


@pytest.mark.parametrize(
    ("status", "body", "expected"),
    [
        (404, b"not found", "unknown board"),
        (429, b"slow down", "rate limited"),
        (200, b"{not json", "not valid JSON"),
        (200, b'{"jobs": []}', "without a 'offers' list"),
    ],
    ids=["unknown-company", "rate-limited", "bad-json", "wrong-shape"],
)
def test_errors_are_clear_and_never_a_complete_empty_listing(http, status, body, expected):
    http.fallback = (status, {"Content-Type": "application/json"}, body)

    found = recruitee.discover(source(http, "recruitee"))

    assert not found.complete and found.urls == []
    assert expected in found.note


def test_a_missing_token_is_a_precise_error():
    found = recruitee.discover({"name": "Acme", "board_token": "", "config": {}})

    assert not found.complete and "has no board token" in found.note
