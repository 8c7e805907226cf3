"""Manatal GET /open/v3/career-page/{slug}/jobs/: Django REST pages {count, next, previous,
results}.

Models the structure of Manatal's open career-page API (as its docs and saved responses in
public scraper suites show): results of id, hash (the public page's key), position_name,
description (HTML), city, state, country, location_display, is_remote, created_at; `next` is
an absolute URL to the following page or null.
"""

from __future__ import annotations

import json

FIRST = "/open/v3/career-page/acme/jobs/?page_size=100"


def page(base: str, number: int, per: int, count: int, *, last: bool) -> bytes:
    start = (number - 1) * per
    results = [
        {
            "id": 800 + i,
            "hash": f"H{i:04d}",
            "position_name": f"Geologist {i}",
            "description": "<p>Map the basin.</p>",
            "city": "Jakarta",
            "state": None,
            "country": "Indonesia",
            "location_display": "Jakarta, Indonesia",
            "is_remote": i == 0,
            "created_at": "2026-11-04T02:00:00.000000Z",
        }
        for i in range(start, min(start + per, count))
    ]
    following = (
        None if last else f"{base}/open/v3/career-page/acme/jobs/?page={number + 1}&page_size=100"
    )
    return json.dumps(
        {"count": count, "next": following, "previous": None, "results": results}
    ).encode()
