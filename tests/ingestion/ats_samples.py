"""API responses of the five ATSs, written for JobPipe's tests, modelled on the shapes their
public documentation describes (field names, nesting, paging). Each builder takes the local
server's base URL so links point back at it."""

from __future__ import annotations

import html
import json


def greenhouse_board(base: str, n: int = 2, *, total: int | None = None) -> bytes:
    jobs = [
        {
            "id": 4000 + i,
            "internal_job_id": 900 + i,
            "title": f"Platform Engineer {i}",
            "updated_at": "2026-11-02T10:15:00-05:00",
            "requisition_id": f"REQ-{i}",
            "location": {"name": "Berlin, Germany"},
            "absolute_url": f"{base}/boards/acme/jobs/{4000 + i}",
            "metadata": None,
            "offices": [{"id": 1, "name": "Berlin", "location": "Berlin, Germany"}],
            "departments": [{"id": 7, "name": "Engineering"}],
            # Greenhouse escapes the HTML of content once more.
            "content": html.escape(
                "<p>Run the platform &amp; its tooling.</p><ul><li>Go</li><li>Kubernetes</li></ul>"
            ),
        }
        for i in range(n)
    ]
    return json.dumps({"jobs": jobs, "meta": {"total": n if total is None else total}}).encode()


def lever_page(base: str, start: int, count: int) -> bytes:
    postings = [
        {
            "id": f"lev-{i}",
            "text": f"Data Scientist {i}",
            "categories": {
                "location": "Lisbon",
                "commitment": "Full-time",
                "team": "Data",
                "allLocations": ["Lisbon"],
            },
            "description": "<div>Model things.</div>",
            "descriptionPlain": "Model things.",
            "lists": [{"text": "Requirements", "content": "<li>Python</li><li>SQL</li>"}],
            "additional": "<div>Benefits.</div>",
            "hostedUrl": f"{base}/lever/acme/lev-{i}",
            "applyUrl": f"{base}/lever/acme/lev-{i}/apply",
            "createdAt": 1793491200000,  # 2026-11-01T00:00:00Z
            "workplaceType": "hybrid",
        }
        for i in range(start, start + count)
    ]
    return json.dumps(postings).encode()


def ashby_board(base: str) -> bytes:
    jobs = [
        {
            "id": "ash-1",
            "title": "Product Designer",
            "department": "Design",
            "team": "Design",
            "employmentType": "FullTime",
            "location": "Toronto",
            "secondaryLocations": [{"location": "Montreal"}],
            "isRemote": True,
            "isListed": True,
            "publishedAt": "2026-10-28T09:00:00.000+00:00",
            "descriptionHtml": "<p>Design the product.</p>",
            "descriptionPlain": "Design the product.",
            "jobUrl": f"{base}/ashby/acme/ash-1",
            "applyUrl": f"{base}/ashby/acme/ash-1/application",
            "compensation": {
                "compensationTierSummary": "CA$100K - CA$130K",
                "summaryComponents": [
                    {
                        "compensationType": "Salary",
                        "interval": "1 YEAR",
                        "currencyCode": "CAD",
                        "minValue": 100000,
                        "maxValue": 130000,
                    }
                ],
            },
        },
        {
            "id": "ash-2",
            "title": "Hidden Role",
            "isListed": False,
            "jobUrl": f"{base}/ashby/acme/ash-2",
        },
    ]
    return json.dumps({"jobs": jobs, "apiVersion": "1"}).encode()


def workable_listing(base: str) -> bytes:
    jobs = [
        {
            "title": "Support Specialist",
            "shortcode": "AB12CD",
            "code": "",
            "employment_type": "Part-time",
            "telecommuting": False,
            "department": "Support",
            "url": f"{base}/workable/acme/j/AB12CD/",
            "shortlink": f"{base}/workable/j/AB12CD",
            "application_url": f"{base}/workable/acme/j/AB12CD/apply",
            "published_on": "2026-11-03",
            "created_at": "2026-11-02",
            "country": "Portugal",
            "city": "Porto",
            "state": "",
        }
    ]
    return json.dumps({"name": "Acme Support Co", "description": "", "jobs": jobs}).encode()


def workable_detail() -> bytes:
    return json.dumps(
        {
            "shortcode": "AB12CD",
            "title": "Support Specialist",
            "description": "<p>Help customers.</p>",
            "requirements": "<ul><li>Portuguese</li><li>English</li></ul>",
            "benefits": "<p>Lunch.</p>",
        }
    ).encode()


def smartrecruiters_page(base: str, start: int, count: int, total: int) -> bytes:
    content = [
        {
            "id": f"74{i:04d}",
            "name": f"Warehouse Lead {i}",
            "uuid": f"uuid-{i}",
            "refNumber": f"SR-{i}",
            "company": {"identifier": "acme", "name": "Acme Logistics"},
            "releasedDate": "2026-11-05T12:00:00.000Z",
            "location": {"city": "Madrid", "region": "Madrid", "country": "es", "remote": False},
            "typeOfEmployment": {"label": "Full-time"},
            "ref": f"{base}/v1/companies/acme/postings/74{i:04d}",
        }
        for i in range(start, start + count)
    ]
    return json.dumps(
        {"offset": start, "limit": count, "totalFound": total, "content": content}
    ).encode()


def smartrecruiters_detail(base: str, i: int) -> bytes:
    return json.dumps(
        {
            "id": f"74{i:04d}",
            "name": f"Warehouse Lead {i}",
            "postingUrl": f"{base}/smartrecruiters/acme/74{i:04d}",
            "applyUrl": f"{base}/smartrecruiters/acme/74{i:04d}/apply",
            "jobAd": {
                "sections": {
                    "companyDescription": {"title": "Company", "text": "<p>We move boxes.</p>"},
                    "jobDescription": {"title": "Job", "text": "<p>Lead the night shift.</p>"},
                    "qualifications": {
                        "title": "Qualifications",
                        "text": "<ul><li>Forklift licence</li><li>Spanish</li></ul>",
                    },
                }
            },
        }
    ).encode()
