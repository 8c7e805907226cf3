"""Extract stage: decide whether a fetched page is a job posting and pull out its fields."""

from __future__ import annotations

import codecs
import dataclasses
import datetime
import logging
import re
from collections.abc import Callable
from urllib.parse import urlsplit

import lxml.etree
import lxml.html

from extraction.normalize import canonical_url, clean_text, remote_flag, truncate
from extraction.parse import absolute_url
from extraction.parse.heuristics import extract_heuristics
from extraction.parse.jsonld import extract_jsonld
from extraction.parse.microdata import extract_microdata, extract_rdfa
from extraction.types import ExtractedJob, Extraction

logger = logging.getLogger(__name__)

Strategy = Callable[..., ExtractedJob | None]

# Markup strategies, most reliable first; each only fills what the ones before left empty.
_STRUCTURED: tuple[tuple[str, Strategy, float], ...] = (
    ("jsonld", extract_jsonld, 0.95),
    ("microdata", extract_microdata, 0.85),
    ("rdfa", extract_rdfa, 0.85),
)
# A strategy can only find something when the page contains one of these.
_MARKERS = {
    "jsonld": ("ld+json",),
    "microdata": ("itemscope", "itemprop"),
    "rdfa": ("typeof", "property=", "vocab="),
}
DESCRIPTION_LIMIT = 2000
# A page without markup linking this many job pages is a listing, unless it reads like a posting.
LISTING_MIN_LINKS = 3

_CHARSET = re.compile(rb"""<meta[^>]+?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""", re.I)
_HEAD_END = re.compile(rb"</head\s*>|<body[\s>]", re.I)
_SNIFF_LIMIT = 256 * 1024
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_JOB_PATH = re.compile(
    r"/(?:jobs?|careers?|positions?|openings?|vacanc(?:y|ies)|roles?|postings?|opportunities|"
    r"stellen(?:angebote)?|karriere|empleos?|ofertas?|trabajos?|vagas?|carreiras?|emplois?|"
    r"offres?|recrutement)"
    r"/(?!index\.\w+$)[^/?#]+",
    re.I,
)
_JOB_QUERY = re.compile(r"(?:^|&)(?:gh_jid|jobid|job_id|jid|vacancyid|posting_id)=", re.I)


def extract_job(body: bytes | str, url: str, *, fetched_at: datetime.datetime) -> Extraction:
    """1. Decode (BOM, <meta charset> anywhere in the head, utf-8, cp1252) and parse leniently.
    2. Run JSON-LD, microdata, RDFa, then heuristics; each fills only the fields still empty.
    3. Judge: markup with a JobPosting is a job; without it, a listing page is not, and a
       page is a job only with a title and at least one job signal.
    4. Clean every text field, cap the description, default the apply URL to the page URL.
    Never raises on bad input: an empty or unreadable body is is_job=False with a reason.
    """
    text = body if isinstance(body, str) else decode_html(body)
    tree = _parse(text)
    if tree is None:
        return Extraction(is_job=False, reason="empty or unparseable body", job=None, score=0.0)
    job = ExtractedJob()
    found_in: str | None = None
    score = 0.0
    lowered = text.lower()
    for source, strategy, confidence in _STRUCTURED:
        if not any(marker in lowered for marker in _MARKERS[source]):
            continue  # a substring test in C is far cheaper than walking the tree for nothing
        partial = _run(strategy, tree, url, fetched_at)
        if partial is not None:
            _merge(job, partial)
            if found_in is None:
                found_in, score = source, confidence
    # With markup, heuristics only look for what it left empty; without, everything (the
    # verdict needs the full guess).
    wanted = set(job.empty_fields()) if found_in is not None else None
    guessed = _run(extract_heuristics, tree, url, fetched_at, wanted=wanted) or ExtractedJob()
    if found_in is None:
        verdict = _judge_without_markup(tree, url, guessed)
        if not verdict.is_job:
            return verdict
        reason, score = verdict.reason, verdict.score
    else:
        reason = f"{found_in} JobPosting"
    _merge(job, guessed)
    return Extraction(is_job=True, reason=reason, job=_finish(job, url), score=score)


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
    """The charset a <meta> or XML declaration names, wherever it sits in the <head>."""
    head_end = _HEAD_END.search(body, 0, _SNIFF_LIMIT)
    head = body[: head_end.start() if head_end else _SNIFF_LIMIT]
    match = _XML_ENCODING.search(head) or _CHARSET.search(head)
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


def _parse(text: str) -> lxml.etree._Element | None:
    text = text.replace("\x00", "")
    if not text.strip():
        return None
    # Re-encode so lxml never sees a str with an XML encoding declaration (which it rejects)
    # and never re-reads the <meta charset> that decode_html has already applied.
    parser = lxml.html.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True)
    try:
        tree = lxml.html.document_fromstring(text.encode("utf-8", errors="replace"), parser=parser)
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


def _judge_without_markup(tree: lxml.etree._Element, url: str, guessed: ExtractedJob) -> Extraction:
    signals = [
        name
        for name, present in (
            ("location", guessed.location),
            ("deadline", guessed.deadline),
            ("apply link", guessed.apply_url),
            ("requirements", guessed.requirements),
        )
        if present
    ]
    links = job_link_count(tree, url)
    # Listings often show "Location: Berlin" per row too; an apply link *and* a requirements
    # list is what sets a posting with a "similar jobs" box apart from a listing.
    if links >= LISTING_MIN_LINKS and not (guessed.apply_url and guessed.requirements):
        return Extraction(False, f"listing page: {links} job links", None, 0.1)
    if not guessed.title:
        return Extraction(False, "no JobPosting markup and no job title", None, 0.0)
    if not signals:
        return Extraction(
            False, f"no JobPosting markup and no job signals for {guessed.title!r}", None, 0.2
        )
    score = round(min(0.3 + 0.15 * len(signals), 0.9), 2)
    return Extraction(True, f"heuristics: title + {', '.join(signals)}", guessed, score)


def job_link_count(tree: lxml.etree._Element, url: str) -> int:
    """How many distinct other pages this page links whose URL looks like a job posting's."""
    page = canonical_url(url)
    found: set[str] = set()
    for href in tree.xpath("//a/@href"):
        target = absolute_url(str(href), url)
        if target is None:
            continue
        parts = urlsplit(target)
        if _JOB_PATH.search(parts.path) or _JOB_QUERY.search(parts.query):
            found.add(canonical_url(target))
    found.discard(page)
    return len(found)


def _finish(job: ExtractedJob, url: str) -> ExtractedJob:
    """Cleaned text fields, a capped description and an apply URL in every case."""
    for field in dataclasses.fields(job):
        value = getattr(job, field.name)
        if isinstance(value, str):
            setattr(job, field.name, clean_text(value))
    job.requirements = list(dict.fromkeys(filter(None, map(clean_text, job.requirements))))
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
    for name in job.empty_fields():
        job.provenance.pop(name, None)
    return job
