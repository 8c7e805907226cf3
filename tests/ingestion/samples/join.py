"""JOIN GET /api/public/companies/{id}/jobs?locale=en&page=&pageSize=5 and the company page.

Models the structure of join.com's public jobs API (as saved in public scraper suites): a
page {"items": [{"id", "idParam" ("{id}-{title-slug}"), "title", "city": {"cityName",
"regionName", "countryName"}, "workplaceType", "employmentType", "createdAt"}], "pagination":
{"page", "pageSize", "pageCount", "rowCount"}}; the company page embeds its Next.js state with
"company": {"id": ..., "name", "domain"}.
"""

from __future__ import annotations

import json


def path(page: int, company: str = "4242") -> str:
    return f"/api/public/companies/{company}/jobs?locale=en&page={page}&pageSize=5"


def page(number: int, rows: int) -> bytes:
    start = (number - 1) * 5
    items = [
        {
            "id": 77000 + i,
            "idParam": f"{77000 + i}-barista",
            "title": f"Barista {i}",
            "city": {"cityName": "Vienna", "regionName": "Vienna", "countryName": "Austria"},
            "workplaceType": "ONSITE",
            "employmentType": {"name": "Part-time"},
            "createdAt": "2026-11-01T08:00:00.000Z",
        }
        for i in range(start, min(start + 5, rows))
    ]
    pagination = {"page": number, "pageSize": 5, "pageCount": -(-rows // 5), "rowCount": rows}
    return json.dumps({"items": items, "pagination": pagination}).encode()


def company_page() -> bytes:
    company = {"id": 4242, "name": "Acme Kaffee", "domain": "acme"}
    state = {"props": {"pageProps": {"initialState": {"company": company}}}}
    data = json.dumps(state, separators=(",", ":"))
    return (
        f'<html><script id="__NEXT_DATA__" type="application/json">{data}</script></html>'.encode()
    )
