"""Jobvite career sites: GET https://jobs.jobvite.com/{company}/jobs (one server-rendered page).

Jobvite has no public job API without a key; its hosted board lists every job on one page in
<table class="jv-job-list"> blocks (one per department) whose td.jv-job-list-name links
/{company}/job/{id}. Those links are returned as plain URLs for the crawler. These are pages,
so robots.txt applies. An unknown company is redirected to search.jobvite.com (reported as an
unknown board); a page without a job table is incomplete, since a changed layout must not
read as an empty board.
"""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

from extraction.normalize import canonical_url
from ingestion.sources.ats.common import AtsError, api_base, board, failed, get_html
from ingestion.sources.base import DiscoveryResult

DEFAULT_HOST = "https://jobs.jobvite.com"


def discover(source: dict):
    try:
        company = board(source)
        url = f"{api_base(source, DEFAULT_HOST)}/{company}/jobs"
        page, document = get_html(url, "Jobvite")
    except AtsError as exc:
        return failed(exc)
    if "invalid=1" in urlsplit(page.url).query or urlsplit(page.url).path in ("", "/"):
        return failed(AtsError(f"unknown board: {url} redirected to {page.url}"))
    tables = document.xpath("//table[contains(@class, 'jv-job-list')]")
    if not tables:
        note = f"Jobvite page {page.url} has no jv-job-list table: listing not recognised"
        return DiscoveryResult(complete=False, note=note)
    links = [
        canonical_url(urljoin(page.url, str(href)))
        for table in tables
        for href in table.xpath(".//td[contains(@class, 'jv-job-list-name')]//a/@href")
        if "/job/" in str(href)
    ]
    return DiscoveryResult(urls=list(dict.fromkeys(links)), complete=True)
