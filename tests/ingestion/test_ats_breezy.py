"""Breezy against a local careers site: URLs for the crawler, records when the text is there."""

from __future__ import annotations

import json

import pytest

from extraction.models import Job
from ingestion import runs
from ingestion.models import SourceKind
from ingestion.sources.ats import breezy
from ingestion.tasks import start_run
from tests.factories import make_source
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


def posting_page(title: str) -> str:
    data = {
        "@context": "https://schema.org",
        "@type": "JobPosting",
        "title": title,
        "description": f"<p>{title}: build and repair steel frames for our shop floor.</p>",
        "datePosted": "2026-11-02",
        "hiringOrganization": {"@type": "Organization", "name": "Acme Fabrication"},
        "jobLocation": {
            "@type": "Place",
            "address": {"@type": "PostalAddress", "addressLocality": "Toledo"},
        },
    }
    return (
        f"<html><head><title>{title}</title>"
        f'<script type="application/ld+json">{json.dumps(data)}</script></head>'
        f"<body><h1>{title}</h1></body></html>"
    )


@pytest.mark.django_db(transaction=True)
def test_positions_left_to_the_crawler_are_read_from_their_pages(http, pump):
    http.route("/json", body=samples.positions(http.base), **JSON)
    http.route("/robots.txt", body="", Content_Type="text/plain")
    http.route("/p/a1b2-welder", body=posting_page("Welder"))
    http.route("/p/c3d4-estimator", body=posting_page("Estimator"))
    board = make_source(
        kind=SourceKind.BREEZY, url="", board_token="acme", config={"api_base": http.base}
    )

    run = runs.create_run([board], use_storage=True, shadow_mode=False)
    start_run.enqueue(run.id, run_id=run.id)
    pump.drain()
    run.refresh_from_db()

    assert (run.status, run.jobs_added) == ("completed", 2)
    assert http.hits["/p/a1b2-welder"] == 1
    job = Job.objects.get(title="Welder")
    assert job.description_snippet.startswith("Welder: build and repair")
    assert job.provenance["title"]["source"] == "jsonld"  # read from the page, not the list
