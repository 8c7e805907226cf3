"""Careers page: the job links on an employer's listing page, following rel=next pages, each
with its anchor text (the job's title, as the listing shows it)."""

from __future__ import annotations

import itertools
import re
from urllib.parse import urljoin, urlsplit

import lxml.etree
import lxml.html
from django.conf import settings

from extraction.extract import utf8_document
from extraction.normalize import canonical_url, clean_text, truncate
from extraction.parse import element_text, labels
from ingestion.errors import FetchError
from ingestion.fetch import fetch
from ingestion.sources.base import DiscoveryResult


def discover(source: dict) -> DiscoveryResult:
    """1. Fetch the page. 2. Keep links that look like job pages. 3. Follow rel=next pages."""
    pattern = source.get("config", {}).get("job_url_pattern")
    page_url: str | None = source["url"]
    seen_pages: set[str] = set()
    urls: dict[str, str] = {}  # url -> anchor text ("" when the listing gives none)
    while page_url and page_url not in seen_pages:
        if len(seen_pages) >= settings.JOBPIPE_MAX_LISTING_PAGES:
            note = f"stopped after {len(seen_pages)} listing pages"
            return _result(urls, complete=False, note=note)
        seen_pages.add(page_url)
        try:
            page = fetch(page_url)
        except FetchError as exc:
            note = f"{page_url}: {exc.error_class}: {exc.message}"
            return _result(urls, complete=False, note=note)
        links, page_url = job_links(page.body, page.url, pattern)
        for url, text in links.items():
            if not urls.get(url):  # the first listing page that names the job
                urls[url] = text
    return _result(urls)


def _result(urls: dict[str, str], *, complete: bool = True, note: str = "") -> DiscoveryResult:
    anchors = {url: text for url, text in urls.items() if text}
    return DiscoveryResult(list(urls), complete=complete, note=note, anchors=anchors)


def job_links(body: bytes, page_url: str, pattern: str | None) -> tuple[dict[str, str], str | None]:
    """Job links on a listing page (url -> anchor text, "" when it names nothing), and the
    next page's URL if it links one."""
    if not body.strip():
        return {}, None
    # Decoded as extraction decodes a page (BOM, <meta charset>, UTF-8, else cp1252): lxml
    # alone reads a page without a <meta charset> as Latin-1, and its link texts as mojibake.
    doc = lxml.html.document_fromstring(utf8_document(body), parser=_parser())
    matches = _matcher(page_url, pattern)
    page = canonical_url(page_url)
    url_of: dict[lxml.etree._Element, str] = {}
    for link in doc.xpath("//a[@href]"):
        absolute = urljoin(page_url, link.get("href").strip())
        if not absolute.startswith(("http://", "https://")):
            continue
        url = canonical_url(absolute)
        if url != page and matches(url):
            url_of[link] = url
    links: dict[str, str] = {}
    for link, url in url_of.items():  # a job's title link wins over its "Apply" button
        if not links.get(url):
            links[url] = anchor_text(link, url, url_of)
    next_hrefs = doc.xpath("//link[@rel='next']/@href | //a[@rel='next']/@href")
    next_url = urljoin(page_url, next_hrefs[0]) if next_hrefs else None
    if next_url:
        links.pop(canonical_url(next_url), None)
    return links, next_url


# Anchor texts longer than this are cut (a whole card wrapped in its link).
ANCHOR_CHARS = 300
# A card's link, or the container that holds one job's link, is looked for this far up.
CARD_DEPTH = 4
# Link texts that name no job: a card's "Read more" or "Apply" button, an arrow.
_GENERIC = re.compile(
    r"\W*(?:read more|more|learn more|more info|details?|view|view (?:job|details|position|role|"
    r"opening)|see (?:more|details|job|position)|show|open|apply(?: now| here| today)?|"
    r"mehr|mehr erfahren|weiterlesen|zur stelle|details ansehen|jetzt bewerben|"
    r"en savoir plus|voir|voir l'offre|voir le poste|ver m\u00e1s|ver oferta|"
    r"m\u00e1s informaci\u00f3n|saiba mais|ver vaga|scopri di pi\u00f9|leggi di pi\u00f9|"
    r"dettagli|lees meer|meer info|bekijk)?\W*",
    re.I,
)
_TITLES = lxml.etree.XPath(
    ".//*[self::h1 or self::h2 or self::h3 or self::h4 or self::h5 or self::h6"
    " or contains(@class, 'title') or contains(@class, 'Title')]"
)
# Elements with text of their own, in document order: a card's first one is usually its title.
_TEXT_BLOCKS = lxml.etree.XPath(
    "descendant-or-self::*[normalize-space(text())][not(self::script or self::style)]"
)


def anchor_text(link: lxml.etree._Element, url: str, url_of: dict) -> str:
    """The job's title as the listing shows it (a title candidate for extraction, not a
    verdict): the link's heading or text, its aria-label or title; for a link that names
    nothing ("Read more", "Apply", an icon), the heading, else the first text, of its card:
    the nearest container around it (up to CARD_DEPTH levels) that names something and links
    no other job (past that is the list of cards)."""
    for text in (_title_in(link), element_text(link), link.get("aria-label"), link.get("title")):
        if _names_something(text):
            return truncate(clean_text(text) or "", ANCHOR_CHARS)
    card = link.getparent()
    for _ in range(CARD_DEPTH):
        if card is None or card.tag in ("body", "html"):
            break
        if any(url_of.get(other, url) != url for other in card.iter("a")):
            break
        texts = (element_text(block) for block in _TEXT_BLOCKS(card))
        for text in itertools.chain((_title_in(card),), texts):
            if _names_something(text):
                return truncate(clean_text(text) or "", ANCHOR_CHARS)
        card = card.getparent()
    return ""


def _title_in(element: lxml.etree._Element) -> str:
    """The first heading or title-styled block inside `element` that names something."""
    for found in _TITLES(element):
        text = element_text(found)
        if _names_something(text):
            return text
    return ""


def _names_something(text: str | None) -> bool:
    text = clean_text(text)
    return (
        text is not None
        and len(text) >= 3
        and not _GENERIC.fullmatch(text)
        and not labels.APPLY_TEXT.fullmatch(text)  # "Bewerben", "Postuler", "応募する"
    )


def _parser() -> lxml.html.HTMLParser:
    return lxml.html.HTMLParser(encoding="utf-8")  # one per call: parsers are not thread-safe


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
