"""JOIN (join.com): GET /api/public/companies/{id}/jobs?locale=en&page=&pageSize=5, pages up to
pagination.pageCount.

board_token is the company slug (join.com/companies/{slug}) and config["company_id"] its numeric
id; without it the id is read from the company page's embedded state (one more call). The API
lists titles and places but no text, and it refuses pages larger than 5, so the postings are
returned as plain URLs (join.com/companies/{slug}/{idParam}) for the crawler to read. Complete
when every page up to pageCount was read and the items equal pagination.rowCount.
"""

from __future__ import annotations

import re

from extraction.normalize import canonical_url
from ingestion.pacing import Pacing
from ingestion.sources.ats.common import AtsError, api_base, board, failed, get_body, get_listing
from ingestion.sources.base import DiscoveryResult

DEFAULT_API = "https://join.com"
# The public API allows 2 requests/s across all companies.
PACING = Pacing(rate=2, concurrency=2)
PAGE = 5  # the API's maximum
MAX_PAGES = 200
COMPANY_ID = re.compile(rb'"company"\s*:\s*\{\s*"id"\s*:\s*(\d+)')


def discover(source: dict):
    urls: list[str] = []
    try:
        base = api_base(source, DEFAULT_API)
        slug = board(source)
        company = _company(base, slug, (source.get("config") or {}).get("company_id"))
        seen, rows = _list(base, slug, company, urls)
    except AtsError as exc:
        note = str(exc)
        return DiscoveryResult(urls=urls, complete=False, note=note) if urls else failed(exc)
    if isinstance(rows, int) and seen != rows:
        return DiscoveryResult(
            urls=urls, complete=False, note=f"JOIN listed {seen} of {rows} jobs: incomplete"
        )
    return DiscoveryResult(urls=urls, complete=True)


def _company(base: str, slug: str, configured: object) -> str:
    if configured:
        if not str(configured).isdigit():
            raise AtsError(f"JOIN config['company_id'] {configured!r} is not a number")
        return str(configured)
    match = COMPANY_ID.search(get_body(f"{base}/companies/{slug}"))
    if not match:
        raise AtsError(f"JOIN company page {base}/companies/{slug} names no company id")
    return match.group(1).decode()


def _list(base: str, slug: str, company: str, urls: list[str]) -> tuple[int, int | None]:
    seen, rows, pages = 0, None, 1
    page = 1
    while page <= min(pages, MAX_PAGES):
        url = f"{base}/api/public/companies/{company}/jobs?locale=en&page={page}&pageSize={PAGE}"
        data = get_listing(url, "JOIN", "items")
        pagination = data.get("pagination") or {}
        pages, rows = int(pagination.get("pageCount") or 0), pagination.get("rowCount")
        for item in data["items"]:
            seen += 1
            if isinstance(item, dict) and item.get("idParam"):
                urls.append(canonical_url(f"{base}/companies/{slug}/{item['idParam']}"))
        page += 1
    if pages > MAX_PAGES:
        raise AtsError(f"JOIN listing longer than {MAX_PAGES} pages")
    return seen, rows
