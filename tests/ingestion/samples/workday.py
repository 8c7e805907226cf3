"""A Workday CXS site: POST /wday/cxs/{tenant}/{site}/jobs and GET .../job/... details.

Models the structure of the responses myworkdayjobs.com sites return (as saved in public test
suites of job scrapers and in Workday-powered career sites' network traffic): a search answers
{"total", "jobPostings": [{"title", "externalPath", "locationsText", "postedOn",
"bulletFields"}], "facets": [{"facetParameter", "values": [{"descriptor", "id", "count"}]}]},
with `total` on the first page only (later pages say 0) and capped; the location facet is
nested in a "locationMainGroup" group. A detail answers {"jobPostingInfo": {"title",
"jobDescription", "location", "additionalLocations", "startDate", "timeType", "remoteType",
"jobReqId", "externalUrl", "country": {"descriptor", "id"}}, "hiringOrganization": {"name"}}.
"""

from __future__ import annotations

import json

from tests.ingestion.samples import JSON

CXS = "/wday/cxs/acme/External"


def jobs(n: int, cities: tuple[str, ...] = ("Berlin", "Austin")) -> list[dict]:
    return [
        {
            "i": i,
            "city": cities[i % len(cities)],
            "family": "eng" if i % 2 else "ops",
            "path": f"/job/{cities[i % len(cities)]}/Engineer-{i}_R{1000 + i}",
        }
        for i in range(n)
    ]


class Site:
    """The search and detail endpoints of one site over `jobs`, with Workday's total cap."""

    def __init__(self, http, tenant_jobs: list[dict], *, cap: int = 2000, facets: bool = True):
        self.http, self.jobs, self.cap, self.with_facets = http, tenant_jobs, cap, facets
        http.post_routes[f"{CXS}/jobs"] = self.search
        for job in tenant_jobs:
            http.route(f"{CXS}{job['path']}", body=detail(http.base, job), **JSON)

    def search(self, body) -> tuple[int, dict, bytes]:
        assert isinstance(body, dict) and body["limit"] <= 20, body
        applied = body.get("appliedFacets") or {}
        matching = [
            job
            for job in self.jobs
            if all(_value(job, param) in ids for param, ids in applied.items())
        ]
        offset = body["offset"]
        page = {
            "total": min(len(matching), self.cap) if offset == 0 else 0,
            "jobPostings": [_posting(job) for job in matching[offset : offset + body["limit"]]],
            "facets": _facets(matching) if self.with_facets and offset == 0 else [],
            "userAuthenticated": False,
        }
        return 200, {"Content-Type": "application/json"}, json.dumps(page).encode()


def _value(job: dict, param: str) -> str:
    return {"locations": f"loc-{job['city']}", "jobFamilyGroup": f"fam-{job['family']}"}[param]


def _posting(job: dict) -> dict:
    return {
        "title": f"Engineer {job['i']}",
        "externalPath": job["path"],
        "locationsText": job["city"],
        "postedOn": "Posted 2 Days Ago",
        "bulletFields": [f"R{1000 + job['i']}"],
    }


def _facets(matching: list[dict]) -> list[dict]:
    def values(param: str) -> list[dict]:
        counts: dict[str, int] = {}
        for job in matching:
            counts[_value(job, param)] = counts.get(_value(job, param), 0) + 1
        return [{"descriptor": vid[4:], "id": vid, "count": n} for vid, n in counts.items()]

    locations = {"facetParameter": "locations", "descriptor": "Locations"}
    return [
        {
            "facetParameter": "locationMainGroup",
            "values": [{**locations, "values": values("locations")}],
        },
        {
            "facetParameter": "jobFamilyGroup",
            "descriptor": "Job Category",
            "values": values("jobFamilyGroup"),
        },
    ]


def detail(base: str, job: dict) -> bytes:
    return json.dumps(
        {
            "jobPostingInfo": {
                "id": f"id-{job['i']}",
                "title": f"Engineer {job['i']}",
                "jobDescription": "<p>Build the <b>payroll</b> engine.</p><ul><li>Java</li></ul>",
                "location": job["city"],
                "additionalLocations": ["Remote, Germany"] if job["i"] == 0 else [],
                "postedOn": "Posted 2 Days Ago",
                "startDate": "2026-11-18",
                "timeType": "Full time",
                "remoteType": {"descriptor": "Hybrid"} if job["i"] else "Fully Remote",
                "jobReqId": f"R{1000 + job['i']}",
                "jobPostingId": f"Engineer-{job['i']}_R{1000 + job['i']}",
                "externalUrl": f"{base}/External{job['path']}",
                "country": {"descriptor": "Germany", "id": "country-de"},
            },
            "hiringOrganization": {"name": "Acme Payroll GmbH", "url": ""},
        }
    ).encode()
