"""Careers page: the job links on an employer's listing page, following rel=next pages."""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

import lxml.html
from django.conf import settings

from extraction.normalize import canonical_url
from ingestion.errors import FetchError
from ingestion.fetch import fetch
from ingestion.sources.base import DiscoveryResult


def discover(source: dict) -> DiscoveryResult:
    """1. Fetch the page. 2. Keep links that look like job pages. 3. Follow rel=next pages."""
    pattern = source.get("config", {}).get("job_url_pattern")
    page_url: str | None = source["url"]
    seen_pages: set[str] = set()
    urls: dict[str, None] = {}
    while page_url and page_url not in seen_pages:
        if len(seen_pages) >= settings.JOBPIPE_MAX_LISTING_PAGES:
            return DiscoveryResult(
                list(urls), complete=False, note=f"stopped after {len(seen_pages)} listing pages"
            )
        seen_pages.add(page_url)
        try:
            page = fetch(page_url)
        except FetchError as exc:
            return DiscoveryResult(
                list(urls), complete=False, note=f"{page_url}: {exc.error_class}: {exc.message}"
            )
        links, page_url = job_links(page.body, page.url, pattern)
        urls.update(dict.fromkeys(links))
    return DiscoveryResult(list(urls))


def job_links(body: bytes, page_url: str, pattern: str | None) -> tuple[list[str], str | None]:
    """Job links on a listing page, and the next page's URL if it links one."""
    if not body.strip():
        return [], None
    doc = lxml.html.document_fromstring(body)
    matches = _matcher(page_url, pattern)
    page = canonical_url(page_url)
    links: dict[str, None] = {}
    for href in doc.xpath("//a[@href]/@href"):
        absolute = urljoin(page_url, href.strip())
        if not absolute.startswith(("http://", "https://")):
            continue
        url = canonical_url(absolute)
        if url != page and matches(url):
            links[url] = None
    next_hrefs = doc.xpath("//link[@rel='next']/@href | //a[@rel='next']/@href")
    next_url = urljoin(page_url, next_hrefs[0]) if next_hrefs else None
    if next_url:
        links.pop(canonical_url(next_url), None)
    return list(links), next_url


def _matcher(page_url: str, pattern: str | None):
    if pattern:
        regex = re.compile(pattern)
        return lambda url: regex.search(url) is not None
    # Default: same host, below the listing page's folder (/careers/ lists /careers/jobs/x).
    base = urlsplit(page_url)
    folder = base.path.rsplit("/", 1)[0] + "/"

    def matches(url: str) -> bool:
        parts = urlsplit(url)
        return (
            parts.netloc == base.netloc.lower()
            and parts.path.startswith(folder)
            and len(parts.path) > len(folder)
        )

    return matches
