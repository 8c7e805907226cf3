"""Rippling GET /api/v2/board/{board}/jobs?page=&pageSize= and /api/v2/board/{board}/jobs/{id}.

Models the structure of Rippling's public board API (as saved in public scraper suites): a
page {"items": [{"id", "name", "url", "department": {"name"}, "locations": [{"name", "city",
"state", "country", "countryCode", "workplaceType": ON_SITE|REMOTE|HYBRID}]}], "page",
"pageSize", "totalItems", "totalPages"}, where a job open in two places appears twice; a
detail {"name", "companyName", "description": {"company", "role"}, "employmentType": {"label":
"SALARIED_FT", "id"}, "createdOn", "payRangeDetails": [{"currency", "frequency", "rangeStart",
"rangeEnd"}], "unlistedFromSearch"}.
"""

from __future__ import annotations

import json

# (job id, location name, workplace type) in listing order; j2 is listed once per city.
ITEMS = [
    ("j1", "Remote (United States)", "REMOTE"),
    ("j2", "New York, NY", "ON_SITE"),
    ("j2", "Austin, TX", "ON_SITE"),
    ("j3", "London, UK", "HYBRID"),
    ("j4", "Denver, CO", "ON_SITE"),
]


def page(base: str, number: int, size: int, *, total: int | None = None) -> bytes:
    chunk = ITEMS[number * size : (number + 1) * size]
    items = [
        {
            "id": ident,
            "name": f"Role {ident}",
            "url": f"{base}/acme/jobs/{ident}",
            "department": {"name": "Finance"},
            "locations": [
                {
                    "name": name,
                    "country": "United States",
                    "countryCode": "US",
                    "workplaceType": kind,
                }
            ],
        }
        for ident, name, kind in chunk
    ]
    return json.dumps(
        {
            "items": items,
            "page": number,
            "pageSize": size,
            "totalItems": len(ITEMS) if total is None else total,
            "totalPages": -(-len(ITEMS) // size),
        }
    ).encode()


def detail(ident: str) -> bytes:
    return json.dumps(
        {
            "name": f"Role {ident}",
            "companyName": "Acme Ledger Inc",
            "description": {"company": "<p>About Acme.</p>", "role": "<p>Close the books.</p>"},
            "employmentType": {"label": "SALARIED_FT", "id": "Salaried, full-time"},
            "createdOn": "2026-10-31T09:05:00.000000-07:00",
            "payRangeDetails": [
                {"currency": "USD", "frequency": "YEAR", "rangeStart": 120000, "rangeEnd": 150000}
            ],
            "unlistedFromSearch": ident == "j4",
        }
    ).encode()
