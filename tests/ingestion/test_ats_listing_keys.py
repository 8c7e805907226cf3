"""Every ATS adapter that reads a detail per posting skips it for a posting whose listing entry
is the one an earlier detail was read for (ats.common.Details), and reads it when the entry
changed; the skipped postings still count as listed."""

from __future__ import annotations

import json

import pytest

from ingestion.sources import READS_DETAILS, adapter_for
from ingestion.sources.ats.common import KNOWN
from tests.ingestion import ats_samples
from tests.ingestion import test_ats_bamboohr as bamboohr
from tests.ingestion import test_ats_oracle as oracle
from tests.ingestion import test_ats_rippling as rippling
from tests.ingestion.samples import JSON, source, workday


def serve_workable(http) -> None:
    listing = json.loads(ats_samples.workable_listing(http.base))
    http.route("/api/v1/widget/accounts/acme", body=json.dumps(listing).encode(), **JSON)
    for job in listing["jobs"]:
        path = f"/api/v2/accounts/acme/jobs/{job['shortcode']}"
        http.route(path, body=ats_samples.workable_detail(), **JSON)


def serve_smartrecruiters(http) -> None:
    for start, count in ((0, 2), (2, 1)):
        http.route(
            f"/v1/companies/acme/postings?offset={start}&limit=2",
            body=ats_samples.smartrecruiters_page(http.base, start, count, total=3),
            **JSON,
        )
    for i in range(3):
        path = f"/v1/companies/acme/postings/74{i:04d}"
        http.route(path, body=ats_samples.smartrecruiters_detail(http.base, i), **JSON)


# kind: (serve the tenant, board token, config)
TENANTS = {
    "workday": (lambda http: workday.Site(http, workday.jobs(5)), "acme", {"site": "External"}),
    "workable": (serve_workable, "acme", {}),
    "smartrecruiters": (serve_smartrecruiters, "acme", {"page_size": 2}),
    "bamboohr": (lambda http: bamboohr.serve(http, 3), "acme", {}),
    "oracle": (oracle.serve, oracle.TOKEN, {"page_size": 2}),
    "rippling": (rippling.serve, "acme", {"page_size": 2}),
}


# Rippling's j4 is listed but its detail says unlistedFromSearch: it gives no job to remember,
# so its detail is read on every run.
NO_JOB = {"/api/v2/board/acme/jobs/j4"}


def detail_requests(http, first_hits: dict[str, int]) -> int:
    """Requests for the details the first run read."""
    return sum(
        n
        for path, n in http.hits.items()
        if path in first_hits and _is_detail(path) and path not in NO_JOB
    )


def _is_detail(path: str) -> bool:
    return any(
        marker in path
        for marker in ("/job/", "/jobs/", "/postings/", "/detail", "RequisitionDetails")
    )


def test_every_adapter_that_reads_details_is_covered():
    assert set(TENANTS) == set(READS_DETAILS)


@pytest.mark.parametrize("kind", sorted(TENANTS))
def test_it_skips_the_detail_of_an_unchanged_entry_and_lists_it(http, kind):
    serve, token, config = TENANTS[kind]
    serve(http)
    snapshot = source(http, kind, token, **config)
    first = adapter_for(kind)(snapshot)
    assert first.complete, first.note
    assert first.listing and set(first.listing) == set(first.records)
    first_hits = dict(http.hits)
    known = {entry: (url, f"job-{n}") for n, (url, entry) in enumerate(first.listing.items())}
    http.hits.clear()

    second = adapter_for(kind)({**snapshot, KNOWN: known})

    assert second.complete, second.note
    assert sorted(second.urls) == sorted(first.urls)
    assert second.unchanged == dict(known.values())
    assert second.records == {}
    assert detail_requests(http, first_hits) == 0
    assert any(n for n in http.hits.values())  # the listing itself was read


@pytest.mark.parametrize("kind", sorted(TENANTS))
def test_it_reads_the_detail_of_a_posting_it_does_not_know(http, kind):
    serve, token, config = TENANTS[kind]
    serve(http)
    snapshot = source(http, kind, token, **config)
    first = adapter_for(kind)(snapshot)
    new_url, *known_urls = sorted(first.listing)
    known = {first.listing[url]: (url, "job") for url in known_urls}

    second = adapter_for(kind)({**snapshot, KNOWN: known})

    assert second.complete, second.note
    assert list(second.records) == [new_url]
    assert second.listing == {new_url: first.listing[new_url]}
    assert set(second.unchanged) == set(known_urls)
