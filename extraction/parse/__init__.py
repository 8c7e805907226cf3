"""Extraction strategies over a parsed lxml tree, and the text helpers they share.

Each strategy module exposes one function returning a partial ExtractedJob (or None):
jsonld.extract_jsonld, microdata.extract_microdata / extract_rdfa, heuristics.extract_heuristics.
"""

from __future__ import annotations

import html
import re
from urllib.parse import urljoin, urlsplit

import lxml.etree
import lxml.html

from extraction.normalize import clean_text

# Elements whose text is not part of what a reader sees on the page.
SKIPPED_TAGS = frozenset({"script", "style", "noscript", "template", "svg", "head"})

# Elements that start a new line when rendered: their text must not run into a neighbour's.
BLOCK_TAGS = frozenset(
    {
        "address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt", "fieldset",
        "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header",
        "hr", "li", "main", "nav", "ol", "p", "pre", "section", "table", "td", "th", "tr", "ul",
    }
)  # fmt: skip

_MARKUP = re.compile(r"<\s*/?\s*[a-zA-Z][^>]*>")
_ENTITY = re.compile(r"&(?:#\d+|#x[0-9a-f]+|[a-z][a-z0-9]*);", re.I)
# What a description keeps: structure and emphasis, never scripts, styles, forms or handlers.
_SAFE_TAGS = frozenset(
    {
        "a", "b", "blockquote", "br", "code", "dd", "div", "dl", "dt", "em", "h1", "h2", "h3",
        "h4", "h5", "h6", "hr", "i", "li", "ol", "p", "pre", "span", "strong", "sub", "sup",
        "table", "tbody", "td", "th", "thead", "tr", "u", "ul",
    }
)  # fmt: skip
DESCRIPTION_HTML_LIMIT = 50_000
_NOT_PLAIN_SAFE_TAG = re.compile(
    r"<(?!/?(?:" + "|".join(sorted(_SAFE_TAGS - {"a"}, key=len, reverse=True)) + r")\s*/?>)", re.I
)


def element_text(element: lxml.etree._Element, *, skip: frozenset[str] = SKIPPED_TAGS) -> str:
    """The visible text of `element`, with block elements separated and whitespace collapsed."""
    tag = element.tag  # built anew on each access
    if not len(element) and isinstance(tag, str) and tag.lower() not in skip:
        return clean_text(element.text) or ""  # a leaf (most <li>, <dd>, <td>): its own text
    parts: list[str] = []
    _collect_text(element, parts, skip)
    return clean_text("".join(parts)) or ""


def _collect_text(element: lxml.etree._Element, parts: list[str], skip: frozenset[str]) -> None:
    """Append the text inside `element` (not its tail: that belongs to the parent)."""
    tag = element.tag if isinstance(element.tag, str) else ""
    # Comments and processing instructions have a non-string tag: no content of their own.
    if not tag or tag.lower() in skip:
        return
    block = tag.lower() in BLOCK_TAGS
    if block:
        parts.append(" ")
    parts.append(element.text or "")
    for child in element:
        _collect_text(child, parts, skip)
        parts.append(child.tail or "")
    if block:
        parts.append(" ")


def unescape(value: str) -> str:
    """Entities decoded, twice when a CMS double-encoded them ("&amp;amp;" -> "&")."""
    text = html.unescape(value)
    return html.unescape(text) if "&" in text and _ENTITY.search(text) else text


def sanitize_html(value: str | None) -> str | None:
    """Safe HTML for a description: entity-encoded markup decoded, then nh3 (the Rust ammonia
    sanitiser) keeps only _SAFE_TAGS and href on links. Plain text becomes one paragraph."""
    if not value:
        return None
    markup = unescape(value) if not _MARKUP.search(value) else value
    if not _MARKUP.search(markup):
        # Plain text is capped like markup: a 9 MiB description is not stored (or served) whole.
        text = markup.strip()[:DESCRIPTION_HTML_LIMIT]
        return f"<p>{html.escape(text)}</p>" if text else None
    if len(markup) <= DESCRIPTION_HTML_LIMIT and not _NOT_PLAIN_SAFE_TAG.search(markup):
        # Every "<" opens or closes an allowed tag without attributes: already sanitary, and
        # the common case for JSON-LD descriptions; nh3 would only cost time.
        return markup.strip() or None
    import nh3

    cleaned = nh3.clean(
        markup[:DESCRIPTION_HTML_LIMIT],
        tags=set(_SAFE_TAGS),
        attributes={"a": {"href"}},
        url_schemes={"http", "https", "mailto"},
    ).strip()
    return cleaned or None


# The "<" stays case-sensitive so the regex engine can skip to it; only tag names ignore case.
# A run of adjacent block tags ("</p><p>") is one match, so one space: the text then often has
# no run of whitespace for clean_text to collapse (its split and join are the costly part).
_ONE_BLOCK_TAG = r"<(?i:/?(?:" + "|".join(sorted(BLOCK_TAGS, key=len, reverse=True)) + r")\b)[^>]*>"
_BLOCK_TAG = re.compile(f"{_ONE_BLOCK_TAG}(?:{_ONE_BLOCK_TAG})*")
_ANY_TAG = re.compile(r"<[^>]*>")


def sanitized_text(markup: str) -> str | None:
    """Plain text of sanitize_html's output. That output is well-formed, with no scripts or
    comments, so block tags become spaces and other tags vanish without a parser."""
    text = _ANY_TAG.sub("", _BLOCK_TAG.sub(" ", markup))
    return clean_text(unescape(text))


def html_to_text(value: str) -> str:
    """Plain text from a value that may hold HTML, entity-encoded HTML, or just text."""
    if "<" not in value and "&" not in value:
        return clean_text(value) or ""  # just text (most values): nothing to unescape or parse
    text = unescape(value)
    if _MARKUP.search(text):
        try:
            fragment = lxml.html.fragment_fromstring(text, create_parent="div")
        except (lxml.etree.ParserError, ValueError):
            fragment = None
        if fragment is not None:
            # A second unescape: CMSs double-encode ("&amp;amp;") more often than one would hope.
            text = html.unescape(element_text(fragment))
    return clean_text(text) or ""


# A root-relative path urljoin would return unchanged after the base's scheme and host: no query,
# fragment, params, dot segment, whitespace or control character (which urlsplit removes).
_PLAIN_ROOT_PATH = re.compile(r"/(?!/)[^?#;\x00-\x20]*")


def absolute_url(href: str | None, base_url: str) -> str | None:
    """`href` resolved against `base_url`, or None unless the result is an http(s) URL."""
    href = (href or "").strip()
    if not href or href.startswith("#"):
        return None
    if "/." not in href and _PLAIN_ROOT_PATH.fullmatch(href):
        # "/jobs/12/apply", the usual apply link: what urljoin returns, without its three URL
        # parses (urlsplit caches the base, which every link of a page shares).
        try:
            base = urlsplit(base_url)
        except ValueError:
            return None
        if base.scheme in ("http", "https") and base.netloc:
            return f"{base.scheme}://{base.netloc}{href}"
    try:
        url = urljoin(base_url, href)
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return url


def meta_content(tree: lxml.etree._Element, name: str) -> str | None:
    """The content of <meta property=name> or <meta name=name>, cleaned."""
    for meta in tree.iter("meta"):
        key = meta.get("property") or meta.get("name") or ""
        if key.strip().lower() == name:
            value = clean_text(meta.get("content"))
            if value:
                return value
    return None
