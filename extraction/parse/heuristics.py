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
import lxml.html

from extraction import normalize, workmode
from extraction.parse import (
    SKIPPED_TAGS,
    absolute_url,
    element_text,
    labels,
    names,
    sanitize_html,
)
from extraction.parse.text_facts import TEXT_FACTS, convert, facts_in_text
from extraction.types import ExtractedJob

SOURCE = "heuristic"

_CHROME = SKIPPED_TAGS | {"nav", "header", "footer", "aside", "form", "button", "h1"}
_DESCRIPTION_HINT = re.compile(r"description|job-?details|posting-?body|job-?content", re.I)
_LABEL_FIELDS_BUT_REMOTE = tuple(sorted(labels.LABEL_FIELDS - {"remote"}))
_MAX_VALUE = 150  # a label's value longer than this is prose, not a field
_TAG_SEPARATOR = re.compile(r"\s[\u00b7\u2022|\u30fb]\s|\s\u2013\s")
# Compiled once: tree.xpath(string) would compile its expression again on every page.
_MAIN_LINKS = lxml.etree.XPath("//main//a[@href] | //article//a[@href]")
_ANY_LINKS = lxml.etree.XPath("//a[@href]")
# Where a "Requirements" heading can be: one tree walk (an XPath union walks once per path).
# A <p><strong>Requirements</strong></p> is found through its <strong>, then its parent.
_HEADING_TAGS = ("h2", "h3", "h4", "h5", "h6", "dt", "strong", "b")
_WITH_ID_OR_CLASS = lxml.etree.XPath("//*[@id or @class]")
_MAIN_CONTAINERS = lxml.etree.XPath("//main | //article | //*[@role='main']")
_BODY = lxml.etree.XPath("//body")
# A title styled as one: a short block whose class or id says so (fragments without an <h1>).
# A label is a short element with at most an icon and a text wrapper inside.
_LABEL_TAGS = (
    "dt", "th", "td", "div", "span", "p", "li", "strong", "b", "label", "h3", "h4", "h5", "h6",
    "small", "em", "i", "dd",
)  # fmt: skip


def extract_heuristics(
    tree: lxml.etree._Element,
    base_url: str,
    *,
    fetched_at: datetime.datetime,
    wanted: Collection[str] | None = None,
    anchor_text: str | None = None,
    employer: str | None = None,
) -> ExtractedJob | None:
    """1. Title: <h1>, else og:title, else a styled title block or first heading, else the
       discovery link's text (`anchor_text`), else <title>; site-name segments stripped.
    2. Label/value pairs: any label element and the element beside it (dt/dd, th/td, sibling
       divs or spans, a <strong> and its tail), "Label: value" blocks, "Apply by <date>",
       tag-like "Full-time" / "Hybrid" blocks.
    3. The apply link, the requirements list, the employer (a label, a company block, the
       source's `employer`, then the site name) and a description snippet; pay, employment
       type and work mode stated in the description's text.
    `wanted` limits the work to those fields (the ones structured markup left empty): the
    label scan walks every block of the page and is skipped when no label field is wanted.
    Returns None when nothing at all was found.
    """
    job = ExtractedJob()

    wanted_set = None if wanted is None else frozenset(wanted)

    def want(*fields: str) -> bool:
        return wanted_set is None or not wanted_set.isdisjoint(fields)

    if want("title"):
        _set(job, "title", *names.title(tree, anchor_text, employer))
    # The label scan walks every block; when only the work mode is missing (markup rarely
    # states it), the posting's header (the heading's own container) is read instead.
    if want(*_LABEL_FIELDS_BUT_REMOTE):
        for field, value, confidence in _labelled_values(tree, fetched_at):
            if want(field):
                _set(job, field, value, confidence)
    elif want("remote"):
        mode = workmode.work_mode(_title_header_text(tree))
        _set(job, "remote", None if mode is None else mode == "remote", 0.45)
    if want("location"):
        _set(job, "location", names.location_block(tree), 0.5)
    if want("apply_url"):
        _set(job, "apply_url", _apply_link(tree, base_url), 0.6)
    if want("requirements"):
        _set(job, "requirements", _requirements(tree), 0.6)
    if want("employer"):
        _set(job, "employer", *names.employer(tree, employer, job.location))
    if want("description", "description_html"):
        # Markup that has its own description was read for these facts already.
        container = _description_container(tree)
        if container is not None:
            text = element_text(container, skip=_CHROME) or None
            _set(job, "description", text, 0.5)
            _set(job, "description_html", _container_html(container, base_url), 0.5)
            # Only facts _set could still fill: a field found by a label skips its scan.
            missing = [f for f in TEXT_FACTS if want(f) and getattr(job, f) in (None, "", [])]
            for field, value in facts_in_text(text, fetched_at, missing).items():
                _set(job, field, value, 0.45)
    return job if job.provenance else None


def _title_header_text(tree: lxml.etree._Element) -> str:
    """The text around the main heading: its container up to 1,500 characters, where a
    posting's tags ("Hybrid", "Full-time") and facts sit."""
    heading = next(tree.iter("h1"), None)  # a plain walk: the XPath unions cost 0.25 ms
    if heading is None:
        return ""
    text = heading.text_content()
    parent = heading.getparent()
    for _ in range(3):
        if parent is None or parent.tag in ("body", "html"):
            break
        wider = parent.text_content()
        if len(wider) > 1500:
            break
        text, parent = wider, parent.getparent()
    return text


def _set(job: ExtractedJob, field: str, value: object, confidence: float) -> None:
    """Fill `field` unless an earlier, more reliable find already did."""
    if value in (None, "", []) or getattr(job, field) not in (None, "", []):
        return
    setattr(job, field, value)
    job.provenance[field] = {"source": SOURCE, "confidence": confidence}


def _labelled_values(
    tree: lxml.etree._Element, fetched_at: datetime.datetime
) -> Iterator[tuple[str, object, float]]:
    """(field, value, confidence) for every recognised label on the page, pairs first."""
    for field, raw, label in _adjacent_pairs(tree):
        converted = convert(field, raw, fetched_at, label)
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
        # A tag-like "Full-time", "Teilzeit" or "Hybrid" block on its own, or one segment of
        # a "Fresno, CA · Part-time" meta line.
        segments = (
            [text] if len(text) <= 40 else _TAG_SEPARATOR.split(text) if len(text) <= 150 else []
        )
        for segment in segments:
            segment = segment.strip()
            if not segment or len(segment) > 40:
                continue
            kind = normalize.employment_type(segment)
            if kind in normalize.KNOWN_EMPLOYMENT_TYPES and kind != "OTHER":
                yield "employment_type", kind, 0.45
            mode = workmode.work_mode(segment) if len(segment) <= 25 else None
            if mode is not None:
                yield "remote", mode == "remote", 0.45
        match = labels.APPLY_BY.search(text)
        deadline = _leading_date(match.group(1), fetched_at) if match else None
        if deadline:
            yield "deadline", deadline, 0.5


def _adjacent_pairs(tree: lxml.etree._Element) -> Iterator[tuple[str, str, str]]:
    """(field, raw value) for a label element and the value beside it: dt/dd, th/td, sibling
    divs or spans ("Location" | "Berlin", no colon needed), a wrapped label's parent's next
    sibling, or a <strong>Location</strong> Berlin tail."""
    for element in tree.iter(*_LABEL_TAGS):
        if len(element) > 2:
            continue
        raw = element.text_content()
        if not raw or len(raw) > 40:
            continue
        name = (normalize.clean_text(raw) or "").rstrip(":\uff1a ").lower()
        field = labels.LABELS.get(name)
        if field is None or _is_menu_item(element):
            continue
        value = _value_beside(element, raw)
        if value:
            yield field, value, name


_MENUS = frozenset({"nav", "footer", "header", "a", "button", "select", "option", "label"})


def _is_menu_item(element: lxml.etree._Element) -> bool:
    """A "Company" or "Locations" entry of a menu, a footer or a filter, not a posting's
    label: a link itself, or inside navigation (looked up only for matched labels)."""
    if any(isinstance(child.tag, str) and child.tag == "a" for child in element):
        return True
    parent = element.getparent()
    for _ in range(8):
        if parent is None:
            return False
        if parent.tag in _MENUS and parent.tag != "header":
            return True
        parent = parent.getparent()
    return False


def _value_beside(label: lxml.etree._Element, raw: str) -> str | None:
    tail = (normalize.clean_text(label.tail) or "").strip(":\uff1a-\u2013 ")
    if tail:
        return tail
    anchor: lxml.etree._Element | None = label
    for _ in range(2):  # the label itself, then its wrapper when it holds nothing else
        if anchor is None:
            return None
        sibling = anchor.getnext()
        while sibling is not None and not isinstance(sibling.tag, str):
            sibling = sibling.getnext()
        if sibling is not None and sibling.tag == "br":
            after = normalize.clean_text(sibling.tail)
            if after:
                return after
            sibling = sibling.getnext()
        if sibling is not None:
            text = element_text(sibling)
            if text and len(text) <= _MAX_VALUE:
                return text
            return None
        parent = anchor.getparent()
        if parent is None or parent.tag in ("body", "main", "article"):
            return None
        if (normalize.clean_text(parent.text_content()) or "") != (normalize.clean_text(raw) or ""):
            return None
        anchor = parent
    return None


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
    if ":" not in text and "\uff1a" not in text:
        return
    spans = labels.labelled_spans(text)
    if not spans or spans[0][1] != 0:
        return
    for index, (field, start, value_start) in enumerate(spans):
        end = spans[index + 1][1] if index + 1 < len(spans) else len(text)
        raw = text[value_start:end].strip(" |\u00b7\u2022,;")
        converted = convert(field, raw, fetched_at, text[start:value_start])
        if converted is not None:
            yield field, converted, 0.55


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


def requirements_in_html(markup: str | None) -> list[str]:
    """The bullets under a requirements heading of an HTML fragment (an ATS description)."""
    if not markup or "<li" not in markup.lower():
        return []
    try:
        fragment = lxml.html.fragment_fromstring(markup, create_parent="div")
    except (lxml.etree.ParserError, ValueError):
        return []
    return _requirements(fragment)


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
