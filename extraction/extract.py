"""Extract stage: decide whether a fetched page is a job posting and pull out its fields."""

from __future__ import annotations

import codecs
import datetime
import logging
import re
import threading
from collections.abc import Callable
from urllib.parse import urlsplit

import lxml.etree
import lxml.html

from extraction import verdict
from extraction.normalize import canonical_url, clean_text, remote_flag, truncate
from extraction.parse import absolute_url, labels
from extraction.parse.heuristics import extract_heuristics
from extraction.parse.jsonld import extract_jsonld
from extraction.parse.microdata import extract_microdata, extract_rdfa
from extraction.types import DiscoveryContext, ExtractedJob, Extraction

logger = logging.getLogger(__name__)

Strategy = Callable[..., ExtractedJob | None]

# Markup strategies, most reliable first; each only fills what the ones before left empty.
_STRUCTURED: tuple[tuple[str, Strategy, float], ...] = (
    ("jsonld", extract_jsonld, 0.95),
    ("microdata", extract_microdata, 0.85),
    ("rdfa", extract_rdfa, 0.85),
)
# Whether the page carries microdata or RDFa at all (an item needs itemscope; RDFa a typeof or
# a vocab): three compiled boolean XPaths, each stopping at its first hit. A union of the three
# builds a sorted node-set and costs twice as much (about 150 us on the bench's 53 KB pages);
# substring scans of the bytes cost more still. JSON-LD needs no such test. `//*/@name`, not
# `//@name`: only elements carry attributes, and libxml2 then collects the elements alone
# instead of every node, text included (about a third less per test).
_ATTRIBUTE_MARKUP = tuple(
    lxml.etree.XPath(f"boolean(//*/@{name})") for name in ("itemscope", "typeof", "vocab")
)


def _has_attribute_markup(tree: lxml.etree._Element) -> bool:
    return any(test(tree) for test in _ATTRIBUTE_MARKUP)


DESCRIPTION_LIMIT = 2000
LISTING_MIN_LINKS = verdict.LISTING_MIN_LINKS

_CHARSET = re.compile(rb"""<meta[^>]+?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""", re.I)
_SNIFF_LIMIT = 256 * 1024
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_JOB_PATH = re.compile(
    r"/(?:jobs?|careers?|positions?|openings?|vacanc(?:y|ies)|roles?|postings?|opportunities|"
    r"stellen(?:angebote)?|karriere|empleos?|ofertas?|trabajos?|vagas?|carreiras?|emplois?|"
    r"offres?|recrutement|vacatures?|oferty|ofertes|offerte|annunci|recruit|saiyo|chaeyong|praca)"
    r"/(?!index\.\w+$)[^/?#]+",
    re.I,
)
_JOB_QUERY = re.compile(r"(?:^|&)(?:gh_jid|jobid|job_id|jid|vacancyid|posting_id)=", re.I)


def extract_job(
    body: bytes | str,
    url: str,
    *,
    fetched_at: datetime.datetime,
    context: DiscoveryContext | None = None,
) -> Extraction:
    """1. Decode (BOM, <meta charset> anywhere in the head, utf-8, cp1252) and parse leniently.
    2. Run JSON-LD, microdata, RDFa, then heuristics; each fills only the fields still empty.
    3. Judge: markup with a JobPosting is a job; without it, extraction.verdict sums weak
       signals (an error page or a listing's structure is not a job).
    4. Clean every text field, cap the description, default the apply URL to the page URL.
    `context` is what discovery knew of the URL: its link text is a title candidate, its
    employer the fallback employer, and being found as a job link a strong prior.
    Never raises on bad input: an empty or unreadable body is is_job=False with a reason.
    """
    tree = _parse(body if isinstance(body, str) else utf8_document(body))
    if tree is None:
        return Extraction(is_job=False, reason="empty or unparseable body", job=None, score=0.0)
    job = ExtractedJob()
    found_in: str | None = None
    score = 0.0
    attribute_markup = _has_attribute_markup(tree)
    for source, strategy, confidence in _STRUCTURED:
        if source != "jsonld" and not attribute_markup:
            continue
        partial = _run(strategy, tree, url, fetched_at)
        if partial is None:
            continue
        if found_in is None:
            job = partial  # the first find needs no merging
            found_in, score = source, confidence
        else:
            _merge(job, partial)
    # With markup, heuristics only look for what it left empty; without, everything (the
    # verdict needs the full guess).
    wanted = set(job.empty_fields()) if found_in is not None else None
    guessed = (
        _run(
            extract_heuristics,
            tree,
            url,
            fetched_at,
            wanted=wanted,
            anchor_text=context.anchor_text if context else None,
            employer=context.employer if context else None,
        )
        or ExtractedJob()
    )
    if found_in is None:
        judged = verdict.judge(tree, url, guessed, job_links(tree, url), context)
        if not judged.is_job:
            return Extraction(False, judged.reason, None, judged.score)
        reason, score = judged.reason, judged.score
    else:
        reason = f"{found_in} JobPosting"
    _merge(job, guessed)
    return Extraction(is_job=True, reason=reason, job=_finish(job, url), score=score)


def utf8_document(body: bytes) -> bytes:
    """The document as UTF-8 bytes for lxml: UTF-8 (the web's usual case) passes through
    untouched after a check; anything else is decoded by decode_html and encoded again."""
    if not body.startswith(tuple(bom for bom, _ in _BOMS)) and _declared_encoding(body) in (
        None,
        "utf-8",
    ):
        if body.isascii():
            return body
        try:
            body.decode("utf-8")
        except UnicodeDecodeError:
            pass
        else:
            return body
    return decode_html(body).encode("utf-8", errors="replace")


def decode_html(body: bytes) -> str:
    """Text of an HTML document's bytes; never fails (cp1252 with replacement is the floor)."""
    for bom, encoding in _BOMS:
        if body.startswith(bom):
            return body.decode(encoding, errors="replace")
    candidates = [name for name in (_declared_encoding(body), "utf-8") if name]
    for encoding in dict.fromkeys(candidates):
        try:
            return body.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
    return body.decode("cp1252", errors="replace")


def _declared_encoding(body: bytes) -> str | None:
    """The charset a <meta> or XML declaration names, wherever it sits in the <head>.

    Plain finds on the lower-cased bytes locate the head's end and each "charset"; the <meta>
    regex then reads only the tag around that word (a case-insensitive regex scanning a
    60 KB head costs as much as parsing the page).
    """
    match = _XML_ENCODING.search(body, 0, 200)
    early = body.find(b"charset", 0, 2048)  # the usual place: <meta charset> near the top
    if match is None and early >= 0 and body.find(b"<body", 0, early) < 0:
        match = _CHARSET.match(body, max(0, body.rfind(b"<", 0, early)), early + 80)
    if match is None:
        lowered = body[:_SNIFF_LIMIT].lower()  # bytes.lower and find run at memory speed
        ends = (lowered.find(b"</head"), lowered.find(b"<body"))
        head_end = min((end for end in ends if end >= 0), default=len(lowered))
        position = lowered.find(b"charset", 0, head_end)
        while position >= 0 and match is None:
            start = max(0, body.rfind(b"<", 0, position))
            match = _CHARSET.match(body, start, position + 80)
            position = lowered.find(b"charset", position + 1, head_end)
    if not match:
        return None
    try:
        name = codecs.lookup(match.group(1).decode("ascii")).name
    except (LookupError, UnicodeDecodeError):
        return None
    # As browsers do (WHATWG Encoding): Latin-1 and ASCII labels mean windows-1252, and a
    # UTF-16 label on a document that was readable as ASCII up to here cannot be right.
    if name in ("latin-1", "iso8859-1", "ascii"):
        return "cp1252"
    if name.startswith(("utf-16", "utf-32")):
        return "utf-8"
    return name


_PARSERS = threading.local()


def _parser() -> lxml.html.HTMLParser:
    """One parser per thread (lxml parsers must not be shared between threads)."""
    parser = getattr(_PARSERS, "parser", None)
    if parser is None:
        parser = lxml.html.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True)
        parser.set_element_class_lookup(_html_classes())
        _PARSERS.parser = parser
    return parser


def _html_classes() -> lxml.etree.ElementNamespaceClassLookup:
    """lxml.html's element classes (FormElement for <form>, ..., HtmlElement for the rest),
    chosen in C: lxml.html's own lookup is a Python method, called for every element the
    strategies touch (about half the cost of making each element object). The parser
    lower-cases tag names, so a lookup by name gives the same classes."""
    lookup = lxml.etree.ElementNamespaceClassLookup(
        lxml.etree.ElementDefaultClassLookup(
            element=lxml.html.HtmlElement,
            comment=lxml.html.HtmlComment,
            pi=lxml.html.HtmlProcessingInstruction,
            entity=lxml.html.HtmlEntity,
        )
    )
    lookup.get_namespace(None).update(lxml.html.HtmlElementClassLookup()._element_classes)
    return lookup


def _parse(document: str | bytes) -> lxml.etree._Element | None:
    """Parse UTF-8: bytes as they are, text re-encoded, so lxml never sees a str with an XML
    encoding declaration (which it rejects) nor re-reads a <meta charset> already applied."""
    if isinstance(document, str):
        document = document.encode("utf-8", errors="replace")
    document = document.replace(b"\x00", b"")
    if not document.strip():
        return None
    try:
        tree = lxml.html.document_fromstring(document, parser=_parser())
    except (lxml.etree.ParserError, lxml.etree.XMLSyntaxError, ValueError):
        return None
    return tree if len(tree) else None


def _run(
    strategy: Strategy,
    tree: lxml.etree._Element,
    url: str,
    fetched_at: datetime.datetime,
    **options: object,
) -> ExtractedJob | None:
    # A strategy bug on one odd page must not fail the crawl task (and retrying would only fail
    # again): log it, and let the other strategies decide.
    try:
        return strategy(tree, url, fetched_at=fetched_at, **options)
    except Exception:
        logger.exception("extraction strategy %s failed on %s", strategy.__name__, url)
        return None


def _merge(job: ExtractedJob, partial: ExtractedJob) -> None:
    """Copy partial's fields (with their provenance) into the ones `job` has left empty."""
    for name in job.empty_fields():
        value = getattr(partial, name)
        if value not in (None, "", [], {}):
            setattr(job, name, value)
            if name in partial.provenance:
                job.provenance[name] = dict(partial.provenance[name])


_LINKS = lxml.etree.XPath("//a[@href]")


def job_links(tree: lxml.etree._Element, url: str) -> list[lxml.etree._Element]:
    """The <a> elements linking other pages whose URL looks like a job posting's, one per
    distinct page."""
    page = canonical_url(url)
    found: dict[str, lxml.etree._Element] = {}
    for link in _LINKS(tree):
        target = absolute_url(str(link.get("href")), url)
        if target is None:
            continue
        parts = urlsplit(target)
        if _JOB_PATH.search(parts.path) or _JOB_QUERY.search(parts.query):
            found.setdefault(canonical_url(target), link)
    found.pop(page, None)
    return list(found.values())


def job_link_count(tree: lxml.etree._Element, url: str) -> int:
    """How many distinct other pages this page links whose URL looks like a job posting's."""
    return len(job_links(tree, url))


# Short text fields. The description is cleaned where it is built, and its HTML keeps the
# whitespace a <pre> block needs.
_TEXT_FIELDS = ("title", "employer", "location", "apply_url", "employment_type", "identifier")


def _finish(job: ExtractedJob, url: str) -> ExtractedJob:
    """Cleaned text fields, a capped description and an apply URL in every case."""
    for name in _TEXT_FIELDS:  # each strategy cleans its text; this is the last word
        value = getattr(job, name)
        if value:
            setattr(job, name, clean_text(value))
    job.requirements = list(dict.fromkeys(filter(None, job.requirements)))  # built clean
    if job.description:
        job.description = truncate(job.description, DESCRIPTION_LIMIT)
    if not job.apply_url:
        job.apply_url = url
        job.provenance["apply_url"] = {"source": "heuristic", "confidence": 0.3}
    if job.location and not job.locations:
        job.locations = [p for p in (clean_text(p) for p in job.location.split(";")) if p]
        job.provenance["locations"] = dict(job.provenance.get("location", {}))
    if job.remote is None:
        job.remote = remote_flag(job.location, job.title)
        if job.remote is not None:
            job.provenance["remote"] = {"source": "heuristic", "confidence": 0.5}
    if not job.employment_type and job.title and labels.INTERN_TITLE.search(job.title):
        job.employment_type = "INTERN"
        job.provenance["employment_type"] = {"source": "heuristic", "confidence": 0.4}
    for name in job.empty_fields():
        job.provenance.pop(name, None)
    return job
