"""Sitemap: the <loc> entries of a sitemap, following sitemap indexes to a bounded depth."""

from __future__ import annotations

import datetime
import re

from django.conf import settings
from lxml import etree

from extraction.normalize import canonical_url
from ingestion.errors import FetchError
from ingestion.fetch import fetch
from ingestion.sources.base import DiscoveryResult

# No entity expansion and no network access: sitemaps are untrusted XML.
_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, recover=False
)


class SitemapError(ValueError):
    pass


def discover(source: dict) -> DiscoveryResult:
    pattern = source.get("config", {}).get("job_url_pattern")
    regex = re.compile(pattern) if pattern else None
    urls: dict[str, None] = {}
    lastmod: dict[str, datetime.datetime] = {}
    pending = [(source["url"], 0)]
    visited: set[str] = set()
    while pending:
        sitemap_url, depth = pending.pop(0)
        if sitemap_url in visited:  # an index that lists itself or an ancestor: not trusted
            return DiscoveryResult(
                list(urls), complete=False, note=f"{sitemap_url}: sitemap index cycle"
            )
        visited.add(sitemap_url)
        try:
            kind, entries = parse_entries(fetch(sitemap_url).body)
            locs = [loc for loc, _ in entries]
        except (FetchError, SitemapError) as exc:
            reason = getattr(exc, "error_class", "bad_sitemap")
            return DiscoveryResult(
                list(urls), complete=False, note=f"{sitemap_url}: {reason}: {exc}"
            )
        if kind == "sitemapindex":
            if depth >= settings.JOBPIPE_MAX_SITEMAP_DEPTH:
                return DiscoveryResult(
                    list(urls), complete=False, note=f"{sitemap_url}: sitemap index nested too deep"
                )
            pending.extend((loc, depth + 1) for loc in dict.fromkeys(locs))
            continue
        for loc, changed in entries:
            url = canonical_url(loc)
            if regex is None or regex.search(url):
                urls[url] = None
                if changed is not None:
                    lastmod[url] = changed
        if len(urls) > settings.JOBPIPE_MAX_LISTING_URLS:
            cap = settings.JOBPIPE_MAX_LISTING_URLS
            return DiscoveryResult(
                list(urls)[:cap],
                complete=False,
                note=f"{sitemap_url}: over JOBPIPE_MAX_LISTING_URLS ({cap}) URLs, cut there",
            )
    return DiscoveryResult(list(urls), lastmod=lastmod)


def parse_sitemap(body: bytes) -> tuple[str, list[str]]:
    """('urlset' | 'sitemapindex', [loc, ...]) of a sitemap document."""
    kind, entries = parse_entries(body)
    return kind, [loc for loc, _ in entries]


def parse_entries(body: bytes) -> tuple[str, list[tuple[str, datetime.datetime | None]]]:
    """('urlset' | 'sitemapindex', [(loc, lastmod or None), ...]) of a sitemap document."""
    try:
        root = etree.fromstring(body.strip(), parser=_PARSER)
    except etree.XMLSyntaxError as exc:
        raise SitemapError(f"not well-formed XML: {exc}") from None
    kind = etree.QName(root).localname
    if kind not in ("urlset", "sitemapindex"):
        raise SitemapError(f"root element is <{kind}>, not <urlset> or <sitemapindex>")
    entries = []
    for entry in root:
        loc = (entry.findtext("{*}loc") or "").strip()
        if loc.startswith(("http://", "https://")):
            entries.append((loc, _w3c_datetime(entry.findtext("{*}lastmod"))))
    return kind, entries


def _w3c_datetime(text: str | None) -> datetime.datetime | None:
    """A <lastmod> (W3C datetime: a date, or a date and time with a zone) as an aware
    datetime; None when missing or unreadable (the page is then fetched as usual)."""
    try:
        value = datetime.datetime.fromisoformat((text or "").strip())
    except ValueError:
        return None
    return value if value.tzinfo else value.replace(tzinfo=datetime.UTC)
