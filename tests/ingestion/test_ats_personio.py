"""Personio against a local XML feed: mapping, a cut-off feed and the error kinds."""

from __future__ import annotations

import pytest

from ingestion.sources.ats import personio
from tests.ingestion.samples import XML, source
from tests.ingestion.samples import personio as samples


def test_it_maps_each_position_of_the_feed(http):
    http.route("/xml?language=de", body=samples.feed(2), **XML)

    found = personio.discover(source(http, "personio", language="de"))

    assert found.complete and len(found.urls) == 2
    record = found.records[f"{http.base}/job/700?language=de"]
    assert record["title"] == "Brewer 0 (m/w/d)"
    assert record["employer"] == "Acme Brau GmbH"
    assert record["locations"] == ["Munich", "Hamburg"]
    assert record["description"].startswith("Your tasks")
    assert "Brew lager & ale." in record["description"]
    assert record["employment_type"] == "FULL_TIME"
    assert record["posted_on"] == "2026-11-01"
    assert record["apply_url"] == f"{http.base}/job/700?language=de#apply"
    assert found.records[f"{http.base}/job/701?language=de"]["employment_type"] == "INTERN"


def test_an_empty_feed_is_a_complete_empty_listing(http):
    http.route("/xml?language=en", body=b"<workzag-jobs></workzag-jobs>", **XML)

    found = personio.discover(source(http, "personio"))

    assert found.complete and found.urls == []


def test_a_feed_cut_off_midway_is_incomplete(http):
    http.route("/xml?language=en", body=samples.feed(3)[:-200], **XML)

    found = personio.discover(source(http, "personio"))

    assert not found.complete and found.urls == []
    assert "not valid XML" in found.note


@pytest.mark.parametrize(
    ("status", "body", "expected"),
    [
        (404, b"not found", "unknown board"),
        (429, b"slow down", "rate limited"),
        (200, b"<html><body>Sign in</body></html>", "not a <workzag-jobs> feed"),
    ],
    ids=["unknown-company", "rate-limited", "wrong-document"],
)
def test_errors_are_clear_and_never_a_complete_empty_listing(http, status, body, expected):
    http.fallback = (status, {"Content-Type": "application/xml"}, body)

    found = personio.discover(source(http, "personio"))

    assert not found.complete and found.urls == []
    assert expected in found.note
