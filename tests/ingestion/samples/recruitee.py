"""Recruitee GET /api/offers/: {"offers": [...]}, one page, no total.

Models the structure of a careers site's public offers API as Recruitee's docs
(docs.recruitee.com/reference/offers) and saved responses describe it: id, slug, title, status,
description and requirements (HTML), careers_url and careers_apply_url, city/country and
locations [{city, state, country}], remote/hybrid/on_site flags, employment_type_code such as
"fulltime_permanent", published_at "YYYY-MM-DD HH:MM:SS UTC", salary {min, max, currency,
period}, department, company_name.
"""

from __future__ import annotations

import json


def offers(base: str) -> bytes:
    return json.dumps(
        {
            "offers": [
                {
                    "id": 5101,
                    "slug": "backend-developer",
                    "title": "Backend Developer ",
                    "status": "published",
                    "company_name": "Acme Tulips B.V.",
                    "department": "Engineering",
                    "description": "<p>Grow the bulb marketplace.</p>",
                    "requirements": "<ul><li>Elixir</li><li>Dutch or English</li></ul>",
                    "careers_url": f"{base}/o/backend-developer",
                    "careers_apply_url": f"{base}/o/backend-developer/c/new",
                    "city": "Utrecht",
                    "country": "Netherlands",
                    "country_code": "NL",
                    "location": "Utrecht, Netherlands",
                    "locations": [
                        {"city": "Utrecht", "state": "Utrecht", "country": "Netherlands"},
                        {"city": "Ghent", "state": None, "country": "Belgium"},
                    ],
                    "remote": False,
                    "hybrid": True,
                    "on_site": False,
                    "employment_type_code": "fulltime_permanent",
                    "created_at": "2026-10-30 08:00:00 UTC",
                    "published_at": "2026-11-01 09:30:12 UTC",
                    "salary": {
                        "min": "4000.0",
                        "max": "5500.0",
                        "currency": "EUR",
                        "period": "month",
                    },
                },
                {
                    "id": 5102,
                    "title": "Draft Role",
                    "status": "draft",
                    "careers_url": f"{base}/o/draft-role",
                },
            ]
        }
    ).encode()
