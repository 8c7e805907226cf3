"""Breezy HR GET /json: a flat JSON list of positions, one page.

Models the structure of a Breezy careers site's public JSON (as saved in public scraper
suites): id, friendly_id, name, url ("/p/{id}-{slug}"), published_date, type {id: "fullTime",
name}, location {country {id, name}, state {id, name}, city, name, is_remote}, locations [...],
department, salary (a string), company {name, friendly_id}; most boards send no description.
"""

from __future__ import annotations

import json


def positions(base: str, *, with_description: bool = False) -> bytes:
    items = [
        {
            "id": "a1b2",
            "friendly_id": "a1b2-welder",
            "name": "Welder",
            "url": f"{base}/p/a1b2-welder",
            "published_date": "2026-11-02T14:00:00.000Z",
            "type": {"id": "fullTime", "name": "Full-Time"},
            "location": {
                "country": {"id": "US", "name": "United States"},
                "state": {"id": "OH", "name": "Ohio"},
                "city": "Toledo",
                "name": "Toledo, OH",
                "is_remote": False,
            },
            "department": "Shop",
            "salary": "$24 - $30 / hr",
            "company": {"name": "Acme Fabrication", "friendly_id": "acme"},
        },
        {
            "id": "c3d4",
            "name": "Estimator",
            "url": f"{base}/p/c3d4-estimator",
            "published_date": "2026-11-03T14:00:00.000Z",
            "type": {"id": "partTime", "name": "Part-Time"},
            "locations": [
                {
                    "country": {"id": "US", "name": "United States"},
                    "city": "Dayton",
                    "is_remote": True,
                }
            ],
            "company": {"name": "Acme Fabrication"},
        },
    ]
    if with_description:
        items[1]["description"] = "<p>Price the jobs.</p>"
    return json.dumps(items).encode()
