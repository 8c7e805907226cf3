"""Sitemap: the <loc> entries of a sitemap, following sitemap indexes to a bounded depth."""

from __future__ import annotations

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
            kind, locs = parse_sitemap(fetch(sitemap_url).body)
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
        for loc in locs:
            url = canonical_url(loc)
            if regex is None or regex.search(url):
                urls[url] = None
        if len(urls) > settings.JOBPIPE_MAX_LISTING_URLS:
            cap = settings.JOBPIPE_MAX_LISTING_URLS
            return DiscoveryResult(
                list(urls)[:cap],
                complete=False,
                note=f"{sitemap_url}: over JOBPIPE_MAX_LISTING_URLS ({cap}) URLs, cut there",
            )
    return DiscoveryResult(list(urls))


def parse_sitemap(body: bytes) -> tuple[str, list[str]]:
    """('urlset' | 'sitemapindex', [loc, ...]) of a sitemap document."""
    try:
        root = etree.fromstring(body.strip(), parser=_PARSER)
    except etree.XMLSyntaxError as exc:
        raise SitemapError(f"not well-formed XML: {exc}") from None
    kind = etree.QName(root).localname
    if kind not in ("urlset", "sitemapindex"):
        raise SitemapError(f"root element is <{kind}>, not <urlset> or <sitemapindex>")
    locs = [
        (el.text or "").strip()
        for el in root.iter("{*}loc")
        if (el.text or "").strip().startswith(("http://", "https://"))
    ]
    return kind, locs
