"""iCIMS career portals: GET https://{portal}.icims.com/jobs/search?ss=1&in_iframe=1&pr={page}
(server-rendered HTML, 20 postings a page).

iCIMS has no public job API; its portal search page lists <li class="iCIMS_JobCardItem"> cards
whose iCIMS_Anchor links /jobs/{id}/{slug}/job, under a "Page X of Y" header. Those links are
returned as plain URLs for the crawler (the job pages carry JSON-LD). These are pages, not an
API, so robots.txt applies (some portals disallow everything: reported, nothing listed).
Complete when all Y pages were read, or the first page says no jobs were found.
board_token is the portal's subdomain ("careers-acme").
"""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit, urlunsplit

import lxml.html

from extraction.normalize import canonical_url
from ingestion.sources.ats.common import AtsError, api_base, board, failed, get_body
from ingestion.sources.base import DiscoveryResult

MAX_PAGES = 100
PAGES = re.compile(r"Page\s+\d+\s+of\s+(\d+)", re.IGNORECASE)
NO_JOBS = re.compile(r"no jobs were found", re.IGNORECASE)
JOB_LINK = re.compile(r"/jobs/\d+/[^/]+/job")


def discover(source: dict):
    urls: dict[str, None] = {}
    try:
        base = api_base(source, f"https://{board(source)}.icims.com")
        complete, note = _list(base, urls)
    except AtsError as exc:
        if not urls:
            return failed(exc)
        complete, note = False, str(exc)
    return DiscoveryResult(urls=list(urls), complete=complete, note=note)


def _list(base: str, urls: dict[str, None]) -> tuple[bool, str]:
    """Read the search pages into `urls`; returns (complete, note)."""
    pages = None
    for page in range(MAX_PAGES):
        url = f"{base}/jobs/search?ss=1&in_iframe=1&pr={page}"
        text = get_body(url, robots=True).decode("utf-8", errors="replace")
        links = _job_links(text, url)
        if page == 0 and not links:
            if NO_JOBS.search(text):
                return True, ""
            return False, f"iCIMS page {url} lists no jobs and does not say there are none"
        urls.update(dict.fromkeys(links))
        counted = PAGES.search(text)
        if counted is None:
            return False, f"iCIMS page {url} has no 'Page X of Y' header: cannot tell the end"
        pages = int(counted.group(1))
        if page + 1 >= pages:
            return True, ""
    return False, f"iCIMS portal longer than {MAX_PAGES} pages ({pages})"


def _job_links(text: str, page_url: str) -> list[str]:
    try:
        document = lxml.html.fromstring(text)
    except (ValueError, lxml.etree.ParserError):
        raise AtsError(f"iCIMS page {page_url} is not HTML") from None
    links = []
    for href in document.xpath("//li[contains(@class, 'iCIMS_JobCardItem')]//a/@href"):
        absolute = urljoin(page_url, str(href))
        if JOB_LINK.search(urlsplit(absolute).path):
            parts = urlsplit(absolute)  # the in_iframe query only frames the page
            links.append(
                canonical_url(urlunsplit((parts.scheme, parts.netloc, parts.path, "", "")))
            )
    return list(dict.fromkeys(links))
