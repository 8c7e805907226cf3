"""Workday against a local CXS site: paging by 20, the capped total split by facets, short
listings, missing details, a bad token and the error kinds."""

from __future__ import annotations

import pytest

from extraction.models import Job
from ingestion import runs
from ingestion.models import RunSource, SourceKind
from ingestion.sources.ats import workday
from ingestion.tasks import start_run
from tests.factories import make_source
from tests.ingestion.samples import source
from tests.ingestion.samples import workday as samples

SITE = {"site": "External"}


def test_it_pages_by_twenty_and_maps_each_detail(http):
    samples.Site(http, samples.jobs(45))

    found = workday.discover(source(http, "workday", **SITE))

    assert found.complete and len(found.urls) == 45
    assert [body["offset"] for _path, body in http.posted] == [0, 20, 40]
    assert all(body["limit"] == 20 for _path, body in http.posted)
    record = found.records[f"{http.base}/External/job/Berlin/Engineer-0_R1000"]
    assert record["title"] == "Engineer 0"
    assert record["employer"] == "Acme Payroll GmbH"
    assert record["location"] == "Berlin; Remote, Germany"
    assert record["locations"] == ["Berlin", "Remote, Germany"]
    assert record["remote"] is True
    assert record["description"].startswith("Build the payroll engine.")
    assert record["employment_type"] == "FULL_TIME"
    assert record["posted_on"] == "2026-11-18"
    assert record["identifier"] == "R1000"
    assert found.records[f"{http.base}/External/job/Austin/Engineer-1_R1001"]["remote"] is None


def test_a_site_at_the_cap_is_split_by_a_facet_that_covers_every_job(http):
    samples.Site(http, samples.jobs(30), cap=20)

    found = workday.discover(source(http, "workday", total_cap=20, **SITE))

    assert found.complete, found.note
    assert len(found.urls) == 30
    facets = [body["appliedFacets"] for _path, body in http.posted]
    assert {"locations": ["loc-Berlin"]} in facets and {"locations": ["loc-Austin"]} in facets


def test_a_site_at_the_cap_without_facets_is_incomplete(http):
    samples.Site(http, samples.jobs(30), cap=20, facets=False)

    found = workday.discover(source(http, "workday", total_cap=20, **SITE))

    assert not found.complete
    assert len(found.urls) == 20  # what could be read is kept for the insert, never archived
    assert "reports 20 jobs, Workday's cap, and no facet splits it" in found.note


def test_a_listing_read_short_of_its_total_is_incomplete(http):
    site = samples.Site(http, samples.jobs(45))
    search = site.search

    def truncated(body):
        status, headers, payload = search(body)
        if body["offset"] == 40:
            payload = b'{"total": 0, "jobPostings": []}'
        return status, headers, payload

    http.post_routes[f"{samples.CXS}/jobs"] = truncated

    found = workday.discover(source(http, "workday", **SITE))

    assert not found.complete and len(found.urls) == 40
    assert "listed 40 of 45 jobs" in found.note


def test_a_missing_detail_makes_the_listing_incomplete(http):
    tenant_jobs = samples.jobs(3)
    samples.Site(http, tenant_jobs)
    http.routes.pop(f"{samples.CXS}{tenant_jobs[1]['path']}")

    found = workday.discover(source(http, "workday", **SITE))

    assert not found.complete and len(found.urls) == 2
    assert "1 job detail(s) unavailable: /job/Austin/Engineer-1_R1001" in found.note


def test_a_source_without_its_site_or_pod_is_a_precise_error(http):
    no_site = workday.discover(source(http, "workday"))
    no_pod = workday.discover({"name": "x", "board_token": "acme", "config": SITE})
    bad_pod = workday.discover({"name": "x", "board_token": "acme", "config": {**SITE, "pod": "5"}})

    assert not no_site.complete and "needs config['site']" in no_site.note
    assert not no_pod.complete and "needs config['pod']" in no_pod.note
    assert not bad_pod.complete and "config['pod'] '5' is not the Workday pod" in bad_pod.note


def test_the_pod_in_the_config_names_the_host():
    assert workday._endpoints({"board_token": "acme", "config": {**SITE, "pod": "wd5"}}) == (
        "https://acme.wd5.myworkdayjobs.com/wday/cxs/acme/External",
        "https://acme.wd5.myworkdayjobs.com/External",
    )


@pytest.mark.parametrize(
    ("status", "body", "expected"),
    [
        (404, b"not found", "unknown board"),
        (429, b"slow down", "rate limited"),
        (200, b"{not json", "not valid JSON"),
        (200, b'{"jobs": []}', "without a jobPostings list"),
    ],
    ids=["unknown-tenant", "rate-limited", "bad-json", "wrong-shape"],
)
def test_errors_are_clear_and_never_a_complete_empty_listing(http, status, body, expected):
    http.fallback = (status, {"Content-Type": "application/json"}, body)

    found = workday.discover(source(http, "workday", **SITE))

    assert not found.complete and found.urls == []
    assert expected in found.note


@pytest.mark.django_db(transaction=True)
def test_a_workday_source_runs_end_to_end_through_the_post_search(http, pump):
    samples.Site(http, samples.jobs(3))
    site = make_source(
        kind=SourceKind.WORKDAY,
        url="",
        board_token="acme",
        config={"api_base": http.base, **SITE},
    )

    run = runs.create_run([site], use_storage=True, shadow_mode=False)
    start_run.enqueue(run.id, run_id=run.id)
    pump.drain()
    run.refresh_from_db()

    assert (run.status, run.jobs_added, run.total_jobs_found) == ("completed", 3, 3)
    job = Job.objects.get(title="Engineer 2")
    assert job.provenance["description"] == {"source": "ats", "confidence": 1.0}
    assert http.hits.get("/External/job/Berlin/Engineer-2_R1002") is None  # no page fetch

    http.post_routes.clear()  # the site now 404s: nothing may be archived
    again = runs.create_run([site], use_storage=True, shadow_mode=False)
    start_run.enqueue(again.id, run_id=again.id)
    pump.drain()
    again.refresh_from_db()

    assert again.jobs_archived == 0
    assert Job.objects.filter(status="active").count() == 3
    assert "unknown board" in RunSource.objects.get(run=again).note
