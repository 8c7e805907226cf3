"""The five ATS adapters against a local server speaking their APIs: mapping, pagination,
completeness and error paths; and ATS sources through the whole pipeline."""

from __future__ import annotations

import pytest

from extraction.models import Job
from ingestion import runs
from ingestion.models import RunSource, RunUrl, SourceKind
from ingestion.sources import adapter_for
from ingestion.sources.ats import ashby, greenhouse, lever, smartrecruiters, workable
from ingestion.tasks import start_run
from tests.factories import make_source
from tests.ingestion import ats_samples as samples
from tests.ingestion import handoff

JSON = {"Content_Type": "application/json"}
GREENHOUSE_LISTING = "/v1/boards/acme/jobs?content=true"


def source(http, kind: str, token: str = "acme", **config) -> dict:
    return {
        "id": 1,
        "name": f"Acme on {kind}",
        "org_name": "Acme",
        "kind": kind,
        "url": "",
        "board_token": token,
        "config": {"api_base": http.base, **config},
    }


def test_greenhouse_maps_every_field_and_checks_the_total(http):
    http.route(
        "/v1/boards/acme/jobs?content=true", body=samples.greenhouse_board(http.base), **JSON
    )

    found = greenhouse.discover(source(http, "greenhouse"))

    assert found.complete and len(found.urls) == 2
    record = found.records[f"{http.base}/boards/acme/jobs/4000"]
    assert record["title"] == "Platform Engineer 0"
    assert record["employer"] == "Acme"
    assert record["location"] == "Berlin, Germany"
    assert record["description"].startswith("Run the platform & its tooling.")
    assert record["apply_url"] == f"{http.base}/boards/acme/jobs/4000"
    assert record["posted_on"] == "2026-11-02"
    assert record["identifier"] == "4000"
    assert record["provenance"]["title"] == {"source": "ats", "confidence": 1.0}


def test_greenhouse_with_fewer_jobs_than_its_total_is_incomplete(http):
    body = samples.greenhouse_board(http.base, n=2, total=3)
    http.route(GREENHOUSE_LISTING, body=body, **JSON)

    found = greenhouse.discover(source(http, "greenhouse"))

    assert not found.complete
    assert "2 of 3" in found.note


def test_lever_follows_pages_until_a_short_one(http):
    for start, count in ((0, 2), (2, 2), (4, 1)):
        http.route(
            f"/v0/postings/acme?mode=json&skip={start}&limit=2",
            body=samples.lever_page(http.base, start, count),
            **JSON,
        )

    found = lever.discover(source(http, "lever", page_size=2))

    assert found.complete and len(found.urls) == 5
    record = found.records[f"{http.base}/lever/acme/lev-4"]
    assert record["title"] == "Data Scientist 4"
    assert record["location"] == "Lisbon (Hybrid)"
    assert record["apply_url"] == f"{http.base}/lever/acme/lev-4/apply"
    assert record["requirements"] == ["Python", "SQL"]
    assert record["employment_type"] == "FULL_TIME"
    assert record["posted_on"] == "2026-11-01"
    assert record["description"] == "Model things."


def test_lever_stops_incomplete_when_a_page_fails(http):
    http.route(
        "/v0/postings/acme?mode=json&skip=0&limit=2",
        body=samples.lever_page(http.base, 0, 2),
        **JSON,
    )
    http.route("/v0/postings/acme?mode=json&skip=2&limit=2", status=500)

    found = lever.discover(source(http, "lever", page_size=2))

    assert not found.complete and len(found.urls) == 2
    assert "http_5xx" in found.note


def test_ashby_skips_unlisted_jobs_and_maps_compensation(http):
    http.route(
        "/posting-api/job-board/acme?includeCompensation=true",
        body=samples.ashby_board(http.base),
        **JSON,
    )

    found = ashby.discover(source(http, "ashby"))

    assert found.complete and found.urls == [f"{http.base}/ashby/acme/ash-1"]
    record = found.records[found.urls[0]]
    assert record["location"] == "Toronto; Montreal (Remote)"
    assert record["employment_type"] == "FULL_TIME"
    assert record["salary"] == {"min": 100000, "max": 130000, "currency": "CAD", "unit": "YEAR"}
    assert record["apply_url"] == f"{http.base}/ashby/acme/ash-1/application"
    assert record["posted_on"] == "2026-10-28"


def test_workable_reads_each_jobs_detail(http):
    http.route("/api/v1/widget/accounts/acme", body=samples.workable_listing(http.base), **JSON)
    http.route("/api/v2/accounts/acme/jobs/AB12CD", body=samples.workable_detail(), **JSON)

    found = workable.discover(source(http, "workable"))

    assert found.complete
    record = found.records[f"{http.base}/workable/acme/j/AB12CD"]
    assert (record["employer"], record["location"]) == ("Acme Support Co", "Porto, Portugal")
    assert record["description"] == "Help customers."
    assert record["requirements"] == ["Portuguese", "English"]
    assert record["employment_type"] == "PART_TIME"
    assert record["apply_url"] == f"{http.base}/workable/acme/j/AB12CD/apply"


def test_workable_without_a_detail_is_incomplete(http):
    http.route("/api/v1/widget/accounts/acme", body=samples.workable_listing(http.base), **JSON)

    found = workable.discover(source(http, "workable"))  # the detail route 404s

    assert not found.complete and "AB12CD" in found.note


@pytest.mark.django_db(transaction=True)
def test_workable_details_read_by_the_crawl_stage_give_the_same_jobs(http, pump, settings):
    http.route("/api/v1/widget/accounts/acme", body=samples.workable_listing(http.base), **JSON)
    http.route("/api/v2/accounts/acme/jobs/AB12CD", body=samples.workable_detail(), **JSON)
    board = make_source(
        kind=SourceKind.WORKABLE, url="", board_token="acme", config={"api_base": http.base}
    )

    both = handoff.read_in_both_places(
        board, pump, settings, http, lambda path: path.startswith("/api/v2/accounts/acme/jobs/")
    )

    [posting] = handoff.handed(both.first)
    assert posting.url == f"{http.base}/workable/acme/j/AB12CD"  # the listing's url
    assert posting.detail["api"] == f"{http.base}/api/v2/accounts/acme/jobs/AB12CD"
    assert (posting.outcome, both.first.status) == ("added", "completed")
    assert both.in_crawl == both.in_discovery
    assert both.in_crawl[posting.url]["description_snippet"] == "Help customers."
    assert both.second_details == {}
    assert handoff.outcomes(both.second) == {("unchanged", "listing"): 1}


def test_smartrecruiters_pages_by_offset_and_reads_job_ads(http):
    for start, count in ((0, 2), (2, 1)):
        http.route(
            f"/v1/companies/acme/postings?offset={start}&limit=2",
            body=samples.smartrecruiters_page(http.base, start, count, total=3),
            **JSON,
        )
    for i in range(3):
        http.route(
            f"/v1/companies/acme/postings/74{i:04d}",
            body=samples.smartrecruiters_detail(http.base, i),
            **JSON,
        )

    found = smartrecruiters.discover(source(http, "smartrecruiters", page_size=2))

    assert found.complete and len(found.urls) == 3
    record = found.records[f"{http.base}/smartrecruiters/acme/740002"]
    assert record["title"] == "Warehouse Lead 2"
    assert record["employer"] == "Acme Logistics"
    assert record["location"] == "Madrid, ES"  # ISO code upper-cased, repeated region dropped
    assert record["description"] == "Lead the night shift."
    assert record["requirements"] == ["Forklift licence", "Spanish"]
    assert record["identifier"] == "SR-2"


def test_smartrecruiters_short_of_its_total_is_incomplete(http):
    http.route(
        "/v1/companies/acme/postings?offset=0&limit=2",
        body=samples.smartrecruiters_page(http.base, 0, 2, total=5),
        **JSON,
    )
    http.route(
        "/v1/companies/acme/postings?offset=2&limit=2",
        body=samples.smartrecruiters_page(http.base, 2, 0, total=5),
        **JSON,
    )
    for i in range(2):
        http.route(
            f"/v1/companies/acme/postings/74{i:04d}",
            body=samples.smartrecruiters_detail(http.base, i),
            **JSON,
        )

    found = smartrecruiters.discover(source(http, "smartrecruiters", page_size=2))

    assert not found.complete and "2 of 5" in found.note


@pytest.mark.parametrize("kind", ["greenhouse", "lever", "ashby", "workable", "smartrecruiters"])
@pytest.mark.parametrize(
    ("status", "body", "expected"),
    [
        (404, b"not found", "unknown board"),
        (429, b"slow down", "rate limited"),
        (200, b"{not json", "not valid JSON"),
    ],
    ids=["unknown-board", "rate-limited", "bad-json"],
)
def test_errors_are_clear_and_never_a_complete_empty_listing(http, kind, status, body, expected):
    http.fallback = (status, {"Content-Type": "application/json"}, body)

    found = adapter_for(kind)(source(http, kind))

    assert not found.complete
    assert found.urls == []
    assert expected in found.note


@pytest.mark.django_db(transaction=True)
def test_an_ats_source_runs_end_to_end_and_a_failed_board_archives_nothing(http, pump):
    http.route(
        "/v1/boards/acme/jobs?content=true", body=samples.greenhouse_board(http.base), **JSON
    )
    board = make_source(
        kind=SourceKind.GREENHOUSE, url="", board_token="acme", config={"api_base": http.base}
    )

    run = runs.create_run([board], use_storage=True, shadow_mode=False)
    start_run.enqueue(run.id, run_id=run.id)
    pump.drain()
    run.refresh_from_db()

    assert (run.status, run.jobs_added, run.total_jobs_found) == ("completed", 2, 2)
    job = Job.objects.get(title="Platform Engineer 1")
    assert job.provenance["title"] == {"source": "ats", "confidence": 1.0}
    assert job.raw_metadata["classifier_score"] == 1.0
    assert http.hits.get("/boards/acme/jobs/4001") is None  # no page fetch for ATS jobs

    http.routes.pop(GREENHOUSE_LISTING)  # the board now 404s
    again = runs.create_run([board], use_storage=True, shadow_mode=False)
    start_run.enqueue(again.id, run_id=again.id)
    pump.drain()
    again.refresh_from_db()

    assert again.jobs_archived == 0
    assert Job.objects.filter(status="active").count() == 2
    note = RunSource.objects.get(run=again).note
    assert "unknown board" in note
    assert not RunUrl.objects.filter(run=again).exists()
    assert again.status == "failed"  # its only source failed: nothing worked
    assert again.error_message.startswith("1 of 1 sources failed discovery (")


def test_a_board_token_is_quoted_as_one_path_segment(http):
    """A token such as '../../admin?x=' stays inside its segment of the API URL."""
    quoted = "/v1/boards/..%2F..%2Fadmin%3Fx%3D/jobs?content=true"
    http.route(quoted, body=samples.greenhouse_board(http.base), **JSON)

    found = greenhouse.discover(source(http, "greenhouse", token="../../admin?x="))

    assert found.complete
    assert http.hits == {quoted: 1}
