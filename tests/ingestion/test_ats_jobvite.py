"""Jobvite against a local hosted board: links per department table, unknown company, errors."""

from __future__ import annotations

import pytest

from ingestion.sources.ats import jobvite
from tests.ingestion.samples import jobvite as samples
from tests.ingestion.samples import source


def robots(http, rules: str = "") -> None:
    http.route("/robots.txt", body=rules, Content_Type="text/plain")


def test_it_returns_every_job_link_of_every_department(http):
    robots(http)
    http.route("/acme/jobs", body=samples.board({"Finance": ["oAb1", "oAb2"], "Ops": ["oCd3"]}))

    found = jobvite.discover(source(http, "jobvite"))

    assert found.complete and found.records == {}
    assert found.urls == [f"{http.base}/acme/job/{i}" for i in ("oAb1", "oAb2", "oCd3")]


def test_an_unknown_company_redirected_to_the_search_page_is_a_precise_error(http):
    robots(http)
    http.route("/acme/jobs", status=302, Location=f"{http.base}/?invalid=1")
    http.route("/?invalid=1", body=b"<html>Find a job</html>")

    found = jobvite.discover(source(http, "jobvite"))

    assert not found.complete and "unknown board" in found.note and "redirected" in found.note


def test_a_page_without_a_job_table_is_incomplete(http):
    robots(http)
    http.route("/acme/jobs", body=b"<html><body>We moved our careers site.</body></html>")

    found = jobvite.discover(source(http, "jobvite"))

    assert not found.complete and "no jv-job-list table" in found.note


def test_robots_txt_applies(http):
    robots(http, "User-agent: *\nDisallow: /acme/\n")
    http.route("/acme/jobs", body=samples.board({"Ops": ["oCd3"]}))

    found = jobvite.discover(source(http, "jobvite"))

    assert not found.complete and "robots_disallowed" in found.note


@pytest.mark.parametrize(
    ("status", "expected"),
    [(404, "unknown board"), (429, "rate limited"), (503, "http_5xx")],
    ids=["not-found", "rate-limited", "unavailable"],
)
def test_errors_are_clear_and_never_a_complete_empty_listing(http, status, expected):
    robots(http)
    http.fallback = (status, {}, b"no")

    found = jobvite.discover(source(http, "jobvite"))

    assert not found.complete and found.urls == []
    assert expected in found.note
