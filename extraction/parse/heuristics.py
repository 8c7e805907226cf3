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

from extraction import normalize
from extraction.parse import (
    SKIPPED_TAGS,
    absolute_url,
    element_text,
    labels,
    meta_content,
    sanitize_html,
)
from extraction.parse.text_facts import convert, facts_in_text
from extraction.types import ExtractedJob

SOURCE = "heuristic"

_CHROME = SKIPPED_TAGS | {"nav", "header", "footer", "aside", "form", "button", "h1"}
_DESCRIPTION_HINT = re.compile(r"description|job-?details|posting-?body|job-?content", re.I)
_MAX_VALUE = 150  # a label's value longer than this is prose, not a field
_TAG_SEPARATOR = re.compile(r"\s[\u00b7\u2022|\u30fb]\s|\s\u2013\s")
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
# A title styled as one: a short block whose class or id says so (fragments without an <h1>).
# (Spelled in the languages of the label table: titol, titulo, titre, titel, tytul, titolo.)
_STYLED_TITLES = lxml.etree.XPath(
    "//*[contains(@class, 'title') or contains(@class, 'Title') or contains(@id, 'title')"
    " or contains(@class, 'titol') or contains(@class, 'titulo') or contains(@class, 'titre')"
    " or contains(@class, 'titel') or contains(@class, 'tytul') or contains(@class, 'titolo')"
    " or contains(@class, 'position-name') or contains(@class, 'job-name')"
    " or contains(@class, 'positionName') or contains(@data-test, 'positionName')]"
    "[not(self::title or self::meta or self::head or self::html or self::body)]"
)
_LOCATION_BLOCKS = lxml.etree.XPath(
    "//*[contains(@class, 'location') or contains(@class, 'Location')"
    " or contains(@data-testid, 'location')][not(self::body or self::main or self::form)]"
)
_FIRST_HEADINGS = lxml.etree.XPath("(//h2 | //h3)[position() <= 3]")
# The most specific class names first: "company-name" before a "company" wrapper.
_COMPANY_NAME_CLASS = re.compile(r"(?:company|employer|org)[-_]?name|companyName|hiring-org", re.I)
_COMPANY_BLOCKS = lxml.etree.XPath(
    "//*[contains(@class, 'company') or contains(@class, 'employer')"
    " or contains(@class, 'org-name') or contains(@class, 'organization')"
    " or contains(@class, 'hiring-org')"
    " or contains(@itemprop, 'hiringOrganization')]"
)
# A label is a short element with at most an icon and a text wrapper inside.
_LABEL_TAGS = (
    "dt", "th", "td", "div", "span", "p", "li", "strong", "b", "label", "h3", "h4", "h5", "h6",
    "small", "em", "i", "dd",
)  # fmt: skip
# "company-description", "company-size": about the company, not its name.
_NOT_COMPANY = re.compile(
    r"(?:company|employer|organi[sz]ation|org)[\w-]*?"
    r"(?:descri|about|info|detail|benefit|culture|size|industry|logo-?wall)",
    re.I,
)


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

    def want(*fields: str) -> bool:
        return wanted is None or any(f in wanted for f in fields)

    if want("title"):
        _set(job, "title", *_title(tree, anchor_text, employer))
    # The label scan walks every block; when only the work mode is missing (markup rarely
    # states it), the posting's header (the heading's own container) is read instead.
    if want(*(labels.LABEL_FIELDS - {"remote"})):
        for field, value, confidence in _labelled_values(tree, fetched_at):
            if want(field):
                _set(job, field, value, confidence)
    elif want("remote"):
        mode = normalize.work_mode(_title_header_text(tree))
        _set(job, "remote", None if mode is None else mode == "remote", 0.45)
    if want("location"):
        _set(job, "location", _location_block(tree), 0.5)
    if want("apply_url"):
        _set(job, "apply_url", _apply_link(tree, base_url), 0.6)
    if want("requirements"):
        _set(job, "requirements", _requirements(tree), 0.6)
    if want("employer"):
        _set(job, "employer", *_employer(tree, employer, job.location))
    if want("description", "description_html"):
        # Markup that has its own description was read for these facts already.
        container = _description_container(tree)
        if container is not None:
            text = element_text(container, skip=_CHROME) or None
            _set(job, "description", text, 0.5)
            _set(job, "description_html", _container_html(container, base_url), 0.5)
            for field, value in facts_in_text(text, fetched_at).items():
                if want(field):
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


def _title(
    tree: lxml.etree._Element, anchor_text: str | None = None, employer: str | None = None
) -> tuple[str | None, float]:
    sites = _site_names(tree, employer)
    for heading in _MAIN_H1(tree) + _ANY_H1(tree):
        found = element_text(heading)
        if found and len(found) <= 200 and not _is_site_segment(found, sites):
            return found, 0.6  # an <h1> saying "Acme Careers" is the site's banner
    og_title = meta_content(tree, "og:title")
    styled = _styled_title(tree, sites)
    if og_title:
        segments = [part.strip().casefold() for part in _SEPARATORS.split(og_title)]
        if styled and len(segments) > 1 and styled.casefold() in segments:
            return styled, 0.55  # "Northbeam - Senior Product Designer": the page's heading
        return _strip_site_segments(og_title, sites), 0.55
    if styled:
        return styled, 0.5
    anchor = normalize.clean_text(anchor_text)
    if anchor and 3 <= len(anchor) <= 150 and not labels.APPLY_TEXT.fullmatch(anchor):
        return anchor, 0.5
    title = _document_title(tree)
    return (_strip_site_segments(title, sites) if title else None), 0.5


def _styled_title(tree: lxml.etree._Element, sites: set[str]) -> str | None:
    """A block styled as the title (class "job-title", "posting-title"), else the first <h2>."""
    for element in _STYLED_TITLES(tree) + _FIRST_HEADINGS(tree):
        raw = element.text_content()
        if not raw.strip() or len(raw) > 200:
            continue
        found = element_text(element)
        if (
            found
            and 3 <= len(found) <= 120
            and found.casefold() not in sites
            and not labels.APPLY_TEXT.fullmatch(found)
            and labels.LABELS.get(found.rstrip(":").lower()) is None
            and not labels.SECTION_HEADING.search(found)
        ):
            return found
    return None


def _site_names(tree: lxml.etree._Element, employer: str | None) -> set[str]:
    """Names of the site (og:site_name, application-name) that a title segment may repeat."""
    names = {
        name.casefold()
        for name in (meta_content(tree, "og:site_name"), meta_content(tree, "application-name"))
        if name
    }
    names |= {labels.SITE_WORDS.sub("", name).strip(" -|") for name in names}
    if employer:
        names.add(employer.casefold())
    return {name for name in names if name}


def _document_title(tree: lxml.etree._Element) -> str | None:
    titles = _TITLE(tree)
    return (element_text(titles[0]) or None) if titles else None


_SEPARATORS = re.compile("|".join(re.escape(separator) for separator in labels.TITLE_SEPARATORS))


def _strip_site_segments(title: str, sites: Collection[str] = ()) -> str:
    """ "Support Specialist | Acme Careers" -> "Support Specialist"; "Jobs at Acme - Support
    Specialist" -> "Support Specialist": segments naming the site or a job board go, and
    without such a segment the last one is taken for the site's name."""
    segments = [part.strip() for part in _SEPARATORS.split(title) if part.strip()]
    if len(segments) < 2:
        return title
    kept = [part for part in segments if not _is_site_segment(part, sites)]
    if len(kept) == len(segments):
        kept = segments[:-1]
    return kept[0] if kept else segments[0]


def _is_site_segment(part: str, sites: Collection[str]) -> bool:
    folded = part.casefold()
    return (
        folded in sites
        or folded in labels.JOB_BOARDS
        or labels.SITE_WORDS.sub("", part).strip(" -|").casefold() in sites
        or bool(labels.SITE_WORDS.search(part))
        and len(labels.SITE_WORDS.sub("", part).split()) <= 3
    )


def _employer(
    tree: lxml.etree._Element, fallback: str | None = None, location: str | None = None
) -> tuple[str | None, float]:
    """A company block on the page, else the source's employer, else the site's name unless it
    is a job board's, else a <title> segment."""
    company = _company_block(tree)
    if company:
        return company, 0.55
    if fallback:
        return fallback, 0.5
    site_name = meta_content(tree, "og:site_name")
    if site_name:
        name = labels.SITE_WORDS.sub("", site_name).strip(" -|") or site_name
        if name.casefold() not in labels.JOB_BOARDS:
            return name, 0.5
    title = _document_title(tree) or ""
    segments = [part.strip() for part in _SEPARATORS.split(title) if part.strip()]
    # "Quality Engineer | Tervo Medical | SmartRecruiters": the last segment that is neither
    # the first (the job's title) nor a job board.
    # A segment the location names ("… - Bordeaux | Indeed") is the place, not the employer.
    place = (location or "").casefold()
    for segment in reversed(segments[1:]):
        suffix = labels.SITE_WORDS.sub("", segment).strip(" -|")
        if suffix and suffix.casefold() not in labels.JOB_BOARDS:
            return (None if suffix.casefold() in place else suffix), 0.45
    return None, 0.5


def _company_block(tree: lxml.etree._Element) -> str | None:
    """The text of a company-name block ("company-name", "employer"), or its logo's alt text."""
    blocks = sorted(
        _COMPANY_BLOCKS(tree),
        key=lambda element: not _COMPANY_NAME_CLASS.search(element.get("class", "")),
    )
    images = []
    for element in blocks:
        kind = element.get("class", "")
        if _NOT_COMPANY.search(kind) and "logo" not in kind.lower():
            continue  # "company-description", "company-size": about it, not its name
        raw = element.text_content()
        if len(raw) > 200:
            continue
        text = element_text(element)
        if not text:
            images.append(element)  # a logo's alt text, only when no block names the company
            continue
        name = _company_name(text)
        if name:
            return name
    for element in images:
        image = next(element.iter("img"), None)
        alt = (image.get("alt") or "") if image is not None else ""
        name = _company_name(re.sub(r"\b(?:logo|logotipo|logotype)\b", " ", alt, flags=re.I))
        if name:
            return name
    return None


# "at Brightloop", "bei Hanse Elektro": the preposition a header puts before the name.
_COMPANY_LEAD = re.compile(r"^(?:at|@|bei|chez|en|presso|bij|na|w|von|de)\s+", re.I)


def _company_name(text: str) -> str | None:
    found = normalize.clean_text(text) or ""
    label = labels.LABELLED.match(found)
    if label:
        found = found[label.end() :]
    found = _COMPANY_LEAD.sub("", found)
    if 2 <= len(found) <= 80 and not labels.APPLY_TEXT.search(found):
        return found
    return None


def _location_block(tree: lxml.etree._Element) -> str | None:
    """A short block whose class says location ("job-location", "posting-location")."""
    for element in _LOCATION_BLOCKS(tree):
        raw = element.text_content()
        if not raw.strip() or len(raw) > 120:
            continue
        found = normalize.clean_text(element_text(element)) or ""
        label = labels.LABELLED.match(found)
        found = found[label.end() :] if label else found
        if 2 <= len(found) <= 80 and labels.LABELS.get(found.rstrip(":").lower()) is None:
            return found
    return None


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
            mode = normalize.work_mode(segment) if len(segment) <= 25 else None
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
