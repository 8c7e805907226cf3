"""Strategy 3: job fields from plain HTML, for pages without schema.org markup.

Reads what a person would: the heading, "Location: Berlin"-style label/value pairs, an "Apply"
link and the list under a "Requirements" heading. Confidences are lower than for markup.
"""

from __future__ import annotations

import copy
import datetime
import re
from collections.abc import Collection, Iterator

import lxml.etree

from extraction import normalize
from extraction.parse import (
    SKIPPED_TAGS,
    absolute_url,
    element_text,
    labels,
    meta_content,
    sanitize_html,
)
from extraction.types import ExtractedJob

SOURCE = "heuristic"

_CHROME = SKIPPED_TAGS | {"nav", "header", "footer", "aside", "form", "button", "h1"}
_DESCRIPTION_HINT = re.compile(r"description|job-?details|posting-?body|job-?content", re.I)
_MAX_VALUE = 150  # a label's value longer than this is prose, not a field
# Compiled once: tree.xpath(string) would compile its expression again on every page.
_MAIN_H1 = lxml.etree.XPath("//main//h1 | //article//h1 | //*[@role='main']//h1")
_ANY_H1 = lxml.etree.XPath("//h1")
_TITLE = lxml.etree.XPath("//title")
_MAIN_LINKS = lxml.etree.XPath("//main//a[@href] | //article//a[@href]")
_ANY_LINKS = lxml.etree.XPath("//a[@href]")
# Where a "Requirements" heading can be: one tree walk (an XPath union walks once per path).
# A <p><strong>Requirements</strong></p> is found through its <strong>, then its parent.
_HEADING_TAGS = ("h2", "h3", "h4", "h5", "h6", "dt", "strong", "b")
_WITH_ID_OR_CLASS = lxml.etree.XPath("//*[@id or @class]")
_MAIN_CONTAINERS = lxml.etree.XPath("//main | //article | //*[@role='main']")
_BODY = lxml.etree.XPath("//body")


def extract_heuristics(
    tree: lxml.etree._Element,
    base_url: str,
    *,
    fetched_at: datetime.datetime,
    wanted: Collection[str] | None = None,
) -> ExtractedJob | None:
    """1. Title: <h1>, else og:title, else <title> without its site suffix.
    2. Label/value pairs (dt/dd, th/td, "Label: value" blocks) and "Apply by <date>".
    3. The apply link, the requirements list, the employer and a description snippet.
    `wanted` limits the work to those fields (the ones structured markup left empty): the
    label scan walks every block of the page and is skipped when no label field is wanted.
    Returns None when nothing at all was found.
    """
    job = ExtractedJob()

    def want(*fields: str) -> bool:
        return wanted is None or any(f in wanted for f in fields)

    if want("title"):
        _set(job, "title", *_title(tree))
    if want(*labels.LABEL_FIELDS):
        for field, value, confidence in _labelled_values(tree, fetched_at):
            if want(field):
                _set(job, field, value, confidence)
    if want("apply_url"):
        _set(job, "apply_url", _apply_link(tree, base_url), 0.6)
    if want("requirements"):
        _set(job, "requirements", _requirements(tree), 0.6)
    if want("employer"):
        _set(job, "employer", *_employer(tree))
    if want("description", "description_html"):
        container = _description_container(tree)
        if container is not None:
            _set(job, "description", element_text(container, skip=_CHROME) or None, 0.5)
            _set(job, "description_html", _container_html(container, base_url), 0.5)
    return job if job.provenance else None


def _set(job: ExtractedJob, field: str, value: object, confidence: float) -> None:
    """Fill `field` unless an earlier, more reliable find already did."""
    if value in (None, "", []) or getattr(job, field) not in (None, "", []):
        return
    setattr(job, field, value)
    job.provenance[field] = {"source": SOURCE, "confidence": confidence}


def _title(tree: lxml.etree._Element) -> tuple[str | None, float]:
    headings = _MAIN_H1(tree) + _ANY_H1(tree)
    for heading in headings:
        found = element_text(heading)
        if found and len(found) <= 200:
            return found, 0.6
    og_title = meta_content(tree, "og:title")
    if og_title:
        return og_title, 0.55
    title = _document_title(tree)
    return (_strip_site_suffix(title) if title else None), 0.5


def _document_title(tree: lxml.etree._Element) -> str | None:
    titles = _TITLE(tree)
    return (element_text(titles[0]) or None) if titles else None


def _strip_site_suffix(title: str) -> str:
    """ "Support Specialist | Acme Careers" -> "Support Specialist"."""
    for separator in labels.TITLE_SEPARATORS:
        if separator in title:
            return title.rsplit(separator, 1)[0].strip()
    return title


def _employer(tree: lxml.etree._Element) -> tuple[str | None, float]:
    site_name = meta_content(tree, "og:site_name")
    if site_name:
        return labels.SITE_WORDS.sub("", site_name).strip(" -|") or site_name, 0.55
    title = _document_title(tree) or ""
    for separator in labels.TITLE_SEPARATORS:
        if separator in title:
            suffix = labels.SITE_WORDS.sub("", title.rsplit(separator, 1)[1]).strip(" -|")
            return (suffix or None), 0.5
    return None, 0.5


def _labelled_values(
    tree: lxml.etree._Element, fetched_at: datetime.datetime
) -> Iterator[tuple[str, object, float]]:
    """(field, value, confidence) for every recognised label on the page, tables first."""
    for label_tag, value_tag in (("dt", "dd"), ("th", "td")):
        for label in tree.iter(label_tag):
            value = label.getnext()
            if value is not None and value.tag == value_tag:
                name = element_text(label).rstrip(":\uff1a ").lower()
                field = labels.LABELS.get(name)
                if field:
                    converted = _convert(field, element_text(value), fetched_at)
                    if converted is not None:
                        yield field, converted, 0.6
    for block in tree.iter("p", "li", "div", "span", "td", "dd"):
        # text_content() runs in C: a cheap bound before the exact, block-aware text.
        if len(block.text_content()) > 1000:
            continue
        if any(isinstance(c.tag, str) and c.tag in labels.NESTED_BLOCKS for c in block):
            continue  # its own blocks are visited in turn; read as one, labels run together
        text = element_text(block)
        if not text or len(text) > 300:
            continue
        yield from _inline_labels(text, fetched_at)
        posted = labels.POSTED.match(text) if len(text) <= 60 else None
        posted_on = _leading_date(posted.group(1), fetched_at) if posted else None
        if posted_on:
            yield "posted_on", posted_on, 0.5
        if len(text) <= 40:  # a tag-like "Full-time" or "Teilzeit" block on its own
            kind = normalize.employment_type(text)
            if kind in normalize.KNOWN_EMPLOYMENT_TYPES and kind != "OTHER":
                yield "employment_type", kind, 0.45
        match = labels.APPLY_BY.search(text)
        deadline = _leading_date(match.group(1), fetched_at) if match else None
        if deadline:
            yield "deadline", deadline, 0.5


def _leading_date(text: str, fetched_at: datetime.datetime) -> datetime.date | None:
    """The date at the start of "31 December 2026 with your CV": longest prefix that parses."""
    words = text.split()
    for count in range(min(len(words), 5), 0, -1):
        found = normalize.parse_date(" ".join(words[:count]), relative_base=fetched_at)
        if found:
            return found
    return None


def _inline_labels(text: str, fetched_at: datetime.datetime) -> Iterator[tuple[str, object, float]]:
    """ "Location: Berlin · Deadline: 31 Dec 2026" -> location and deadline.

    Only a block that starts with a label counts, so prose mentioning "location:" does not.
    """
    matches = list(labels.LABELLED.finditer(text))
    if not matches or matches[0].start() != 0:
        return
    for index, match in enumerate(matches):
        end = matches[index + 1].start() if index + 1 < len(matches) else len(text)
        field = labels.LABELS[match.group(1).lower()]
        raw = text[match.end() : end].strip(" |\u00b7\u2022,;")
        converted = _convert(field, raw, fetched_at)
        if converted is not None:
            yield field, converted, 0.55


def _convert(field: str, raw: str, fetched_at: datetime.datetime) -> object:
    """The label's value as the field's type, or None when it does not look like one."""
    raw = normalize.clean_text(raw) or ""
    if not raw or len(raw) > _MAX_VALUE:
        return None
    if field in ("deadline", "posted_on"):
        raw = re.sub(r"^(?:on|by|before)\s+", "", raw, flags=re.I)
        return normalize.parse_date(raw, relative_base=fetched_at)
    if field == "salary":
        return normalize.parse_salary(raw)
    if field == "employment_type":
        first = re.split(r"[,;/(]", raw)[0]
        kind = normalize.employment_type(first)
        return kind if kind in normalize.KNOWN_EMPLOYMENT_TYPES else None
    return raw


def _apply_link(tree: lxml.etree._Element, base_url: str) -> str | None:
    """The first link that says "apply", preferring one inside the main content."""
    links = _MAIN_LINKS(tree) + _ANY_LINKS(tree)
    for link in links:
        label = " ".join(
            filter(None, (element_text(link), link.get("title"), link.get("aria-label")))
        )
        if labels.APPLY_TEXT.search(label):
            url = absolute_url(link.get("href"), base_url)
            if url:
                return url
    return None


def _requirements(tree: lxml.etree._Element) -> list[str]:
    """The items of the first list that follows a "Requirements"/"Qualifications" heading."""
    candidates = tree.iter(*_HEADING_TAGS)
    for heading in candidates:
        raw = heading.text_content()  # in C: most headings are ruled out without element_text
        if len(raw) > 200:
            continue
        if not labels.REQUIREMENTS_HEADING.search(normalize.clean_text(raw) or ""):
            continue
        label = element_text(heading)
        if not label or len(label) > 60 or not labels.REQUIREMENTS_HEADING.search(label):
            continue
        anchor = heading
        # A heading wrapped in its own <div>/<header>: its list follows the wrapper instead.
        for _ in range(2):
            items = _list_after(anchor)
            if items:
                return items
            parent = anchor.getparent()
            if parent is None or element_text(parent) != label:
                break
            anchor = parent
    return []


def _list_after(anchor: lxml.etree._Element) -> list[str]:
    for sibling in anchor.itersiblings():
        if not isinstance(sibling.tag, str):
            continue
        if sibling.tag in labels.HEADINGS:
            return []
        found = next(sibling.iter("ul", "ol"), None)  # the sibling itself, or the first inside
        if found is not None:
            items = [element_text(li) for li in found.iterchildren("li")]
            return list(dict.fromkeys(item for item in items if item))
    return []


def _container_html(container: lxml.etree._Element, base_url: str) -> str | None:
    """The container's markup without page chrome (the same elements its text skips), links
    made absolute, sanitised. Works on a copy: the page tree stays whole for the others."""
    if container.tag == "body":
        return None  # the whole page is not a description worth keeping as HTML
    trimmed = copy.deepcopy(container)
    for element in list(trimmed.iter(*_CHROME)):
        if element is not trimmed:
            element.drop_tree()  # keeps the text that follows it
    trimmed.make_links_absolute(base_url, handle_failures="discard")
    markup = lxml.etree.tostring(trimmed, encoding=str, method="html", with_tail=False)
    return sanitize_html(markup)


def _description_container(tree: lxml.etree._Element) -> lxml.etree._Element | None:
    """The main text: a description-like container, else <main>/<article>, else <body>."""
    hinted = [
        element
        for element in _WITH_ID_OR_CLASS(tree)
        if _DESCRIPTION_HINT.search(f"{element.get('id', '')} {element.get('class', '')}")
    ]
    # Separate XPaths: in one union <body> would come first (document order), before <main>.
    fallbacks = _MAIN_CONTAINERS(tree) + _BODY(tree)
    for container in hinted + fallbacks:
        if container.tag == "body" or len(element_text(container, skip=_CHROME)) >= 80:
            return container
    return None
