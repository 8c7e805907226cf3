"""JOIN against a local API: pages of five, the slug resolved to its id, counts, errors."""

from __future__ import annotations

import pytest

from ingestion.sources.ats import join
from tests.ingestion.samples import JSON, source
from tests.ingestion.samples import join as samples


def test_it_pages_by_five_to_the_page_count(http):
    for number in (1, 2, 3):
        http.route(samples.path(number), body=samples.page(number, 12), **JSON)

    found = join.discover(source(http, "join", "acme", company_id="4242"))

    assert found.complete and len(found.urls) == 12
    assert found.urls[0] == f"{http.base}/companies/acme/77000-barista"
    assert found.records == {}  # no text in the list: the crawler reads each posting page


def test_a_bare_slug_is_resolved_from_the_company_page(http):
    http.route("/companies/acme", body=samples.company_page())
    http.route(samples.path(1), body=samples.page(1, 3), **JSON)

    found = join.discover(source(http, "join", "acme"))

    assert found.complete and len(found.urls) == 3


def test_a_company_page_without_an_id_is_a_precise_error(http):
    http.route("/companies/acme", body=b"<html>Entity not found</html>")

    found = join.discover(source(http, "join", "acme"))

    assert not found.complete and "names no company id" in found.note


def test_items_short_of_the_row_count_are_incomplete(http):
    http.route(
        samples.path(1), body=samples.page(1, 5).replace(b'"rowCount": 5', b'"rowCount": 6'), **JSON
    )

    found = join.discover(source(http, "join", "acme", company_id="4242"))

    assert not found.complete and "listed 5 of 6 jobs" in found.note


def test_a_page_refused_after_others_keeps_them_incomplete(http):
    http.route(samples.path(1), body=samples.page(1, 12), **JSON)
    http.route(samples.path(2), status=429, body=b"slow down")

    found = join.discover(source(http, "join", "acme", company_id="4242"))

    assert not found.complete and len(found.urls) == 5
    assert "rate limited" in found.note


@pytest.mark.parametrize(
    ("status", "body", "expected"),
    [
        (404, b"not found", "unknown board"),
        (429, b"slow down", "rate limited"),
        (200, b"{not json", "not valid JSON"),
        (200, b'{"jobs": []}', "without a 'items' list"),
    ],
    ids=["unknown-company", "rate-limited", "bad-json", "wrong-shape"],
)
def test_errors_are_clear_and_never_a_complete_empty_listing(http, status, body, expected):
    http.fallback = (status, {"Content-Type": "application/json"}, body)

    found = join.discover(source(http, "join", "acme", company_id="4242"))

    assert not found.complete and found.urls == []
    assert expected in found.note
