"""JazzHR against a local board: both listing layouts, an empty board, errors."""

from __future__ import annotations

import pytest

from ingestion.sources.ats import jazzhr
from tests.ingestion.samples import jazzhr as samples
from tests.ingestion.samples import source


@pytest.fixture
def board(http):
    http.route("/robots.txt", body="", Content_Type="text/plain")
    return http


def test_it_reads_the_table_layout(board):
    board.route("/apply/jobs", body=samples.TABLE)

    found = jazzhr.discover(source(board, "jazzhr"))

    assert found.complete and found.records == {}
    assert found.urls == [
        f"{board.base}/apply/jobs/details/Qw3rTy7UiO",
        f"{board.base}/apply/jobs/details/As4dFg8HjK",
    ]


def test_it_reads_the_list_group_layout(board):
    board.route("/apply/jobs", body=samples.list_group(board.base))

    found = jazzhr.discover(source(board, "jazzhr"))

    assert found.complete and found.urls == [f"{board.base}/apply/Zx9Cv8Bn7M/Roofer"]


def test_a_board_that_says_it_has_no_openings_is_complete_and_empty(board):
    board.route("/apply/jobs", body=samples.EMPTY)

    found = jazzhr.discover(source(board, "jazzhr"))

    assert found.complete and found.urls == []


def test_a_page_with_neither_layout_is_incomplete(board):
    board.route("/apply/jobs", body=b"<html><body>Sign in to JazzHR</body></html>")

    found = jazzhr.discover(source(board, "jazzhr"))

    assert not found.complete and "does not say there are none" in found.note


@pytest.mark.parametrize(
    ("status", "expected"),
    [(404, "unknown board"), (429, "rate limited"), (500, "http_5xx")],
    ids=["unknown-company", "rate-limited", "server-error"],
)
def test_errors_are_clear_and_never_a_complete_empty_listing(board, status, expected):
    board.fallback = (status, {}, b"no")

    found = jazzhr.discover(source(board, "jazzhr"))

    assert not found.complete and found.urls == []
    assert expected in found.note
