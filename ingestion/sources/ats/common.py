"""What the ATS adapters share: API calls with clear errors, and the ExtractedJob they build."""

from __future__ import annotations

import datetime
import hashlib
import html
import json
import math
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import lxml.etree
import lxml.html

from extraction.normalize import KNOWN_EMPLOYMENT_TYPES, canonical_url, clean_text, employment_type
from extraction.parse import html_to_text, labels, sanitize_html
from extraction.parse.heuristics import requirements_in_html
from extraction.parse.text_facts import facts_in_text
from extraction.types import ExtractedJob
from ingestion.errors import FetchError
from ingestion.fetch import FetchResult, fetch
from ingestion.sources.base import DiscoveryResult

SOURCE = {"source": "ats", "confidence": 1.0}
# A pay period as ATS APIs spell it ("year", "MONTH", ...) -> ExtractedJob's salary unit.
PAY_UNITS = {"year": "YEAR", "month": "MONTH", "week": "WEEK", "day": "DAY", "hour": "HOUR"}


class AtsError(Exception):
    """The board could not be listed (unknown board, rate limit, bad JSON, ...)."""


class NotListed(AtsError):
    """A posting's detail says it is no public job (Rippling's unlistedFromSearch): discovery
    leaves it out of the listing, the crawl stage settles its URL `skipped`."""


def api_base(source: dict, default: str) -> str:
    return (source.get("config") or {}).get("api_base", default).rstrip("/")


def board(source: dict) -> str:
    """The board token, quoted as one URL path segment: a token such as "../x?y" (refused at
    add time, but older rows and config "board" exist) can never change the API URL's path."""
    token = source.get("board_token") or (source.get("config") or {}).get("board")
    if not token:
        raise AtsError(f"source {source.get('name')!r} has no board token")
    return quote(str(token), safe="")


def option(source: dict, name: str, shape: str, what: str) -> str:
    """config[name] of an ATS source whose board token alone does not locate its board
    (Workday's site, Oracle's host, ...), checked against the regex `shape`."""
    value = str((source.get("config") or {}).get(name) or "")
    if not value:
        raise AtsError(f"source {source.get('name')!r} needs config[{name!r}]: {what}")
    if not re.fullmatch(shape, value):
        raise AtsError(f"source {source.get('name')!r}: config[{name!r}] {value!r} is not {what}")
    return value


def get_json(
    url: str, *, json_body: dict | None = None, headers: dict[str, str] | None = None
) -> object:
    """GET an ATS API URL (POST `json_body` when given; no robots.txt: these are APIs meant
    for this) and decode it."""
    return decode_json(url, get_page(url, json_body=json_body, headers=headers).body)


def read_json(url: str) -> object:
    """get_json for a posting's detail read by the crawl stage: a failed request raises its
    FetchError (a timeout or 429 is retried like a page's), a bad answer an AtsError."""
    return decode_json(url, fetch(url, robots=False).body)


def decode_json(url: str, body: bytes) -> object:
    if body.lstrip()[:1] == b"<":
        raise AtsError(
            f"{url} answered an HTML page, not JSON: probably an unknown board "
            "(some ATSs show their home page for a company they do not know)"
        )
    try:
        return json.loads(body)
    except ValueError as exc:
        raise AtsError(f"{url}: not valid JSON: {exc}") from None


def get_listing(
    url: str,
    ats: str,
    field: str,
    *,
    json_body: dict | None = None,
    headers: dict[str, str] | None = None,
) -> dict:
    """A JSON object whose `field` holds the list of jobs (most ATS APIs)."""
    data = get_json(url, json_body=json_body, headers=headers)
    if not isinstance(data, dict) or not isinstance(data.get(field), list):
        raise AtsError(f"{ats} answered {url} without a {field!r} list")
    return data


def get_xml(url: str, ats: str, root_tag: str):
    """GET an XML or RSS feed whose root is <root_tag> and parse it (no entities, no network:
    lxml's safe settings)."""
    from lxml import etree

    body = get_body(url)
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )
    try:
        root = etree.fromstring(body, parser)
    except etree.XMLSyntaxError as exc:
        raise AtsError(f"{url}: not valid XML: {exc}") from None
    if root is None or root.tag != root_tag:
        tag = "nothing" if root is None else f"<{root.tag}>"
        raise AtsError(f"{ats} answered {url} with {tag}, not a <{root_tag}> feed")
    return root


def get_body(url: str, *, json_body: dict | None = None, robots: bool = False) -> bytes:
    """The body of an ATS API URL, or an AtsError that says why not. `robots=True` for ATS
    pages that are not an API (iCIMS's search pages): robots.txt then applies."""
    return get_page(url, json_body=json_body, robots=robots).body


def get_page(
    url: str,
    *,
    json_body: dict | None = None,
    robots: bool = False,
    headers: dict[str, str] | None = None,
) -> FetchResult:
    """get_body's whole answer, with the URL it ended at after redirects."""
    try:
        return fetch(url, robots=robots, json_body=json_body, headers=headers)
    except FetchError as exc:
        if exc.http_status == 404:
            raise AtsError(f"unknown board: {url} answered 404") from None
        if exc.error_class == "rate_limited":
            raise AtsError(f"rate limited by the ATS at {url}: try again later") from None
        raise AtsError(f"{url}: {exc.error_class}: {exc.message}") from None


def get_html(url: str, ats: str) -> tuple[FetchResult, lxml.html.HtmlElement]:
    """A hosted board's HTML page (robots.txt applies: it is a web page, not an API) and its
    parsed document."""
    page = get_page(url, robots=True)
    try:
        return page, lxml.html.fromstring(page.body)
    except (ValueError, lxml.etree.ParserError):
        raise AtsError(f"{ats} page {url} is not HTML") from None


def get_postings_list(url: str, ats: str) -> list:
    """A listing page that is a JSON list of postings (Lever)."""
    data = get_json(url)
    if not isinstance(data, list):
        raise AtsError(f"{ats} answered without a list of postings")
    return data


def get_jobs_listing(url: str, ats: str) -> dict:
    """A one-page listing whose "jobs" key holds the jobs (Greenhouse, Ashby, Workable)."""
    data = get_json(url)
    if not isinstance(data, dict) or not isinstance(data.get("jobs"), list):
        raise AtsError(f"{ats} answered without a jobs list")
    return data


def text_of(markup: str | None, *, escaped: bool = False) -> str | None:
    """Clean text of an HTML fragment (Greenhouse sends it entity-escaped once more)."""
    if not markup:
        return None
    if escaped:
        markup = html.unescape(markup)
    return clean_text(html_to_text(markup))


def list_items(markup: str | None) -> list[str]:
    """The <li> texts of an HTML fragment (else its non-empty lines): requirement bullets."""
    if not markup:
        return []
    import lxml.html

    try:
        fragment = lxml.html.fragment_fromstring(html.unescape(markup), create_parent="div")
    except (ValueError, lxml.etree.ParserError):
        return []
    items = [clean_text(li.text_content()) for li in fragment.iter("li")]
    if not items:
        items = [clean_text(line) for line in fragment.text_content().splitlines()]
    return [item for item in items if item]


def stated_remote(description: str | None) -> bool | None:
    """The work mode a description states ("Modalidad: híbrida", "#LI-Remote"), as remote."""
    if not description:
        return None
    # Dates are not read here, so the fetch time the reader wants for them does not matter.
    facts = facts_in_text(description, datetime.datetime.now(datetime.UTC))
    value = facts.get("remote")
    return value if isinstance(value, bool) else None


def requirements_of(markup: str | None, *, escaped: bool = False) -> list[str]:
    """Bullets under a "Requirements"/"Qualifications"/"What you bring" heading of a job's
    HTML description (for ATSs without a requirements field of their own)."""
    if not markup:
        return []
    return requirements_in_html(html.unescape(markup) if escaped else markup)


# The heading of a requirements list in an ATS's own list blocks (Lever's `lists`): the page
# headings' words plus the ones ATS templates use ("Who you are", "About you").
REQUIREMENT_LIST_HEADING = re.compile(
    labels.REQUIREMENTS_HEADING.pattern
    + r"|who you are|about you|you have|you bring|what we(?:['\u2019]re| are) looking for|"
    r"your profile|your skills|skills|experience|nice to have|bonus points|ideal candidate",
    re.I,
)


def schema_employment(label: object) -> str | None:
    """An ATS's employment label ("Full-time", "full_time", "Permanent", "Vollzeit", "Short
    Term", "Fulltime-Regular") as a schema.org employmentType; None for a label that names none
    of them ("Experienced", "Regular"), rather than the label upper-cased."""
    if not isinstance(label, str) or not label.strip():
        return None
    kind = employment_type(label)
    return kind if kind in KNOWN_EMPLOYMENT_TYPES and kind != "OTHER" else None


def place(*parts: object) -> str:
    """ "City, Region, Country" from the parts given, empty and repeated parts left out
    ("Lisboa, Lisboa, Portugal" -> "Lisboa, Portugal")."""
    found: list[str] = []
    for part in parts:
        text = clean_text(part) if isinstance(part, str) else None
        if text and text.casefold() not in (f.casefold() for f in found):
            found.append(text)
    return ", ".join(found)


def job_record(**fields: Any) -> dict:
    """ExtractedJob JSON with ATS provenance on every field that has a value.

    `description_html` is sanitised here; `locations` defaults to the one location given.
    """
    if fields.get("description_html"):
        fields["description_html"] = sanitize_html(str(fields["description_html"]))
    if fields.get("location") and not fields.get("locations"):
        fields["locations"] = [fields["location"]]
    job = ExtractedJob(**{k: v for k, v in fields.items() if v not in (None, "", [], {})})
    for name in list(fields):
        if getattr(job, name, None) not in (None, "", [], {}):
            job.provenance[name] = dict(SOURCE)
    data = job.to_json()
    data["classifier_score"] = 1.0
    return data


# The key of the source dict under which discovery hands an adapter what earlier runs know of
# its postings (ingestion.recrawl.known_listing): {listing key: (url, job id)}.
KNOWN = "listed_before"


def listing_key(ident: object, entry: object, *, ignore: tuple[str, ...] = ()) -> str:
    """32 hex digits that change when a posting's listing entry does: `entry` is its
    updated_at where the API gives one, else the entry itself, less the fields in `ignore`
    that move without the posting changing (Workday's "Posted 3 Days Ago")."""
    if isinstance(entry, dict):
        entry = {k: v for k, v in entry.items() if k not in ignore}
    text = json.dumps([str(ident), entry], sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.md5(text.encode(), usedforsecurity=False).hexdigest()


# The clock discovery's detail budget runs on (a test sets its own).
detail_clock: Callable[[], float] = time.monotonic


@dataclass
class Details:
    """Which postings of a listing need their detail read: those whose listing key no earlier
    detail fetch recorded (new, changed, archived since, or due for the periodic re-verify).

    Discovery reads them itself for JOBPIPE_DISCOVERY_DETAIL_BUDGET seconds; past that, a
    posting's detail request is handed to the crawl stage (`handed`), whose batches read it
    with the adapter's read_detail(spec), so a large tenant's first run neither runs its
    discovery task into the time limit nor reads thousands of details on one thread."""

    known: dict[str, tuple[str, str]]  # listing key -> (url, job id)
    deadline: float = math.inf  # on `clock`: then details go to the crawl stage
    clock: Callable[[], float] = time.monotonic
    unchanged: dict[str, str] = field(default_factory=dict)  # url -> job id
    keys: dict[str, str] = field(default_factory=dict)  # url -> listing key of a detail read
    handed: dict[str, dict] = field(default_factory=dict)  # url -> detail spec, for the crawl

    @classmethod
    def of(cls, source: dict) -> Details:
        from django.conf import settings

        budget = settings.JOBPIPE_DISCOVERY_DETAIL_BUDGET
        known = dict(source.get(KNOWN) or {})
        return cls(known, deadline=detail_clock() + budget, clock=detail_clock)

    def hand_on(self, url: str, entry_key: str, spec: dict) -> bool:
        """Past the budget: the posting's detail (`spec`, JSON, with its "kind") is left to
        the crawl stage and True returned; within it, False (read it now)."""
        if self.clock() < self.deadline:
            return False
        self.keys[url] = entry_key
        self.handed[url] = spec
        return True

    def unchanged_entry(self, entry_key: str) -> bool:
        """True, and the posting noted as unchanged, when its detail need not be read."""
        known = self.known.get(entry_key)
        if known is None:
            return False
        self.unchanged[known[0]] = known[1]
        return True

    def read(self, url: str, entry_key: str) -> str:
        """Note the listing key of a posting whose detail was read; returns `url`."""
        self.keys[url] = entry_key
        return url


def result(
    records: dict[str, dict], *, complete: bool, note: str = "", details: Details | None = None
) -> DiscoveryResult:
    """The listing's records, and (with `details`) the postings it settled unchanged, which
    count as listed for archiving and relisting."""
    if details is None:
        return DiscoveryResult(urls=list(records), complete=complete, note=note, records=records)
    handed = {u: spec for u, spec in details.handed.items() if u not in records}
    unchanged = {
        u: job for u, job in details.unchanged.items() if u not in records and u not in handed
    }
    return DiscoveryResult(
        urls=[*records, *handed, *unchanged],
        complete=complete,
        note=note,
        records=records,
        listing={u: k for u, k in details.keys.items() if u in records or u in handed},
        unchanged=unchanged,
        details=handed,
    )


def failed(exc: AtsError) -> DiscoveryResult:
    return DiscoveryResult(complete=False, note=str(exc))


def key(url: str) -> str:
    return canonical_url(url)


def iso_date(value: object) -> datetime.date | None:
    """The date of an ISO 8601 date or datetime string ("2026-11-02", "...T10:15:00Z"), or None."""
    if not isinstance(value, str) or len(value) < 10:
        return None
    try:
        return datetime.date.fromisoformat(value[:10])
    except ValueError:
        return None


def capped(
    records: dict[str, dict], exc: AtsError, details: Details | None = None
) -> DiscoveryResult:
    """What a listing that failed part-way returns: the records read so far (and the
    postings settled unchanged), incomplete."""
    if records or (details and (details.unchanged or details.handed)):
        return result(records, complete=False, note=str(exc), details=details)
    return failed(exc)
