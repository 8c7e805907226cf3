"""Names on a plain page: the job's title, the employer and a place given by class.

Read without schema.org markup, so each comes with the ways real pages get it wrong: the
portal's name in <title>, a job board's og:site_name, "at Acme" beside the logo.
"""

from __future__ import annotations

import re
from collections.abc import Collection

import lxml.etree

from extraction import normalize
from extraction.parse import element_text, labels, meta_content

_MAIN_H1 = lxml.etree.XPath("//main//h1 | //article//h1 | //*[@role='main']//h1")
_ANY_H1 = lxml.etree.XPath("//h1")
_TITLE = lxml.etree.XPath("//title")
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
# "company-description", "company-size": about the company, not its name.
_NOT_COMPANY = re.compile(
    r"(?:company|employer|organi[sz]ation|org)[\w-]*?"
    r"(?:descri|about|info|detail|benefit|culture|size|industry|logo-?wall)",
    re.I,
)

TITLE_SEPARATORS = (" | ", " \u2014 ", " \u2013 ", " - ", " :: ", " \u00b7 ")
# "Acme Careers", "Careers at Acme": the site's name around the employer's.
SITE_WORDS = re.compile(
    r"^(?:careers?|jobs?|work)\s+(?:at|@|with)\s+|\s*\b(?:careers?|jobs?|job board|vacancies)$",
    re.I,
)
# Job boards and ATS hosts whose name a page's og:site_name gives instead of the employer's.
JOB_BOARDS = frozenset(
    {"linkedin", "indeed", "glassdoor", "stepstone", "infojobs", "monster", "xing", "jobteaser",
     "welcome to the jungle", "otta", "wellfound", "angellist", "pracuj.pl", "justjoin.it",
     "saramin", "jobkorea", "wanted", "rikunabi", "doda", "mynavi", "workable", "greenhouse",
     "lever", "personio", "recruitee", "teamtailor", "smartrecruiters", "join", "join.com",
     "bamboohr", "jobvite", "workday", "icims", "jobs.ch", "jobup", "karriere.at", "computrabajo",
     "nationale vacaturebank", "indeed.com", "talent.com", "jooble", "ziprecruiter", "dice",
     "built in", "builtin", "remote ok", "we work remotely", "infojobs.net", "jobat", "apec",
     "pole emploi", "france travail", "hellowork", "indeed.es", "ashby", "jobs", "careers"}
)  # fmt: skip


def title(
    tree: lxml.etree._Element, anchor_text: str | None = None, employer: str | None = None
) -> tuple[str | None, float]:
    """(title, confidence): an <h1> that is not the site's name, og:title (the page's heading
    when it is one of its segments), a styled title block, the discovery link's text, else
    <title>; segments naming the site, a job board or `employer` dropped."""
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
    names |= {SITE_WORDS.sub("", name).strip(" -|") for name in names}
    if employer:
        names.add(employer.casefold())
    return {name for name in names if name}


def _document_title(tree: lxml.etree._Element) -> str | None:
    titles = _TITLE(tree)
    return (element_text(titles[0]) or None) if titles else None


_SEPARATORS = re.compile("|".join(re.escape(separator) for separator in TITLE_SEPARATORS))


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
        or folded in JOB_BOARDS
        or SITE_WORDS.sub("", part).strip(" -|").casefold() in sites
        or bool(SITE_WORDS.search(part))
        and len(SITE_WORDS.sub("", part).split()) <= 3
    )


def employer(
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
        name = SITE_WORDS.sub("", site_name).strip(" -|") or site_name
        if name.casefold() not in JOB_BOARDS:
            return name, 0.5
    title = _document_title(tree) or ""
    segments = [part.strip() for part in _SEPARATORS.split(title) if part.strip()]
    # "Quality Engineer | Tervo Medical | SmartRecruiters": the last segment that is neither
    # the first (the job's title) nor a job board.
    # A segment the location names ("… - Bordeaux | Indeed") is the place, not the employer.
    place = (location or "").casefold()
    for segment in reversed(segments[1:]):
        suffix = SITE_WORDS.sub("", segment).strip(" -|")
        if suffix and suffix.casefold() not in JOB_BOARDS:
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


def location_block(tree: lxml.etree._Element) -> str | None:
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
