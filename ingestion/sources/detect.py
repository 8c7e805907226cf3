"""Found from a URL: which ATS a board URL belongs to, and the board token its adapter needs.

One table of URL patterns, most specific first; the first that matches wins. A careers page
that embeds a board (an iframe, a script widget, links to the board) is recognised by running
the same table over the URLs in its iframe/script/link attributes (`detect_in_page`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

import lxml.html

# Subdomains and first path segments that name the ATS's own pages, never a company.
RESERVED = {"www", "api", "app", "apply", "jobs", "careers", "help", "support", "j", "embed", "v1"}


@dataclass(frozen=True)
class Detection:
    kind: str
    board_token: str
    reason: str
    config: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Pattern:
    kind: str
    regex: re.Pattern
    shape: str  # what the pattern recognises, for the reason
    token: Callable[[re.Match], str] = lambda m: m["token"]
    config: Callable[[re.Match], dict] = lambda m: {}


def _tenant(match: re.Match) -> str:
    return match["tenant"]


def _workday(match: re.Match) -> dict:
    return {"pod": match["pod"].lower(), "site": match["site"]}


def _p(kind: str, regex: str, shape: str, **kw) -> Pattern:
    return Pattern(kind, re.compile(regex, re.IGNORECASE), shape, **kw)


T = r"(?P<token>[A-Za-z0-9][\w.-]*)"  # a token segment
PATTERNS = [
    _p("greenhouse", rf"^boards-api\.greenhouse\.io/v1/boards/{T}", "the Greenhouse board API"),
    _p(
        "greenhouse",
        rf"^(?:job-)?boards(?:\.eu)?\.greenhouse\.io/embed/job_board(?:/js)?\?for={T}",
        "a Greenhouse embed (?for=token)",
    ),
    _p("greenhouse", rf"^(?:job-)?boards(?:\.eu)?\.greenhouse\.io/{T}", "a Greenhouse board"),
    _p(
        "lever",
        rf"^api(?P<eu>\.eu)?\.lever\.co/v0/postings/{T}",
        "the Lever postings API",
        config=lambda m: {"region": "eu"} if m["eu"] else {},
    ),
    _p(
        "lever",
        rf"^jobs(?P<eu>\.eu)?\.lever\.co/{T}",
        "a Lever board",
        config=lambda m: {"region": "eu"} if m["eu"] else {},
    ),
    _p("ashby", rf"^api\.ashbyhq\.com/posting-api/job-board/{T}", "the Ashby posting API"),
    _p("ashby", rf"^jobs\.ashbyhq\.com/{T}", "an Ashby board"),
    _p("workable", rf"^apply\.workable\.com/api/v\d/(?:widget/)?accounts/{T}", "the Workable API"),
    _p("workable", rf"^apply\.workable\.com/{T}", "a Workable board"),
    _p("workable", rf"^{T}\.workable\.com", "a Workable subdomain"),
    _p(
        "smartrecruiters",
        rf"^api\.smartrecruiters\.com/v1/companies/{T}",
        "the SmartRecruiters API",
    ),
    _p(
        "smartrecruiters",
        rf"^(?:jobs|careers)\.smartrecruiters\.com/{T}",
        "a SmartRecruiters board",
    ),
    _p(
        "workday",
        r"^(?P<tenant>[\w-]+)\.(?P<pod>wd\d+)\.myworkdayjobs\.com/wday/cxs/[\w-]+/(?P<site>[\w-]+)",
        "the Workday CXS API",
        token=_tenant,
        config=_workday,
    ),
    _p(
        "workday",
        r"^(?P<tenant>[\w-]+)\.(?P<pod>wd\d+)\.myworkdayjobs\.com/(?:[a-z]{2}-[A-Z]{2}/)?(?P<site>[\w-]+)",
        "a Workday site (tenant.pod.myworkdayjobs.com/site)",
        token=_tenant,
        config=_workday,
    ),
    _p("recruitee", rf"^{T}\.recruitee\.com", "a Recruitee subdomain"),
    _p(
        "personio",
        rf"^{T}\.jobs\.personio\.(?P<tld>de|com)",
        "a Personio jobs subdomain",
        config=lambda m: {"domain": "jobs.personio.com"} if m["tld"].lower() == "com" else {},
    ),
    _p("teamtailor", rf"^{T}\.teamtailor\.com", "a Teamtailor subdomain"),
    _p("pinpoint", rf"^{T}\.pinpointhq\.com", "a Pinpoint subdomain"),
    _p("bamboohr", rf"^{T}\.bamboohr\.com", "a BambooHR subdomain"),
    _p("rippling", rf"^ats\.rippling\.com/(?:api/v2/board/)?{T}", "a Rippling board"),
    _p(
        "manatal",
        rf"^(?:core\.)?api\.manatal\.com/open/v3/career-page/{T}",
        "the Manatal career-page API",
    ),
    _p("manatal", rf"^(?:www\.)?careers-page\.com/{T}", "a Manatal career page"),
    _p(
        "oracle",
        r"^(?P<host>[\w.-]+\.oraclecloud\.com)/hcmUI/CandidateExperience/[a-z]{2}/sites/(?P<site>[\w-]+)",
        "an Oracle Recruiting Cloud site",
        token=lambda m: m["site"],
        config=lambda m: {"host": m["host"].lower()},
    ),
    _p("breezy", rf"^{T}\.breezy\.hr", "a Breezy HR subdomain"),
    _p("join", rf"^join\.com/companies/{T}", "a JOIN company page"),
    _p("icims", r"^(?P<token>[\w-]+)\.icims\.com", "an iCIMS portal"),
    _p("jobvite", rf"^jobs\.jobvite\.com/{T}", "a Jobvite board"),
    _p("jazzhr", rf"^{T}\.applytojob\.com", "a JazzHR board"),
    _p(
        "taleo",
        r"^(?P<tenant>[\w-]+)\.taleo\.net/careersection/(?P<section>[\w-]+)/[\w.]+\?(?:.*&)?"
        r"portal=(?P<portal>\d+)",
        "a Taleo career section with its portal number",
        token=_tenant,
        config=lambda m: {"section": m["section"], "portal": m["portal"]},
    ),
]


def detect(url: str) -> Detection | None:
    """The ATS and board token a board or API URL names, or None."""
    parts = urlsplit(url.strip() if "//" in url else f"https://{url.strip()}")
    target = f"{(parts.hostname or '').lower()}{unquote(parts.path)}"
    if parts.query:
        target += f"?{parts.query}"
    for pattern in PATTERNS:
        match = pattern.regex.search(target)
        if not match:
            continue
        token = pattern.token(match)
        if token.split(".")[0].split("/")[0].lower() in RESERVED:
            continue
        return Detection(
            kind=pattern.kind,
            board_token=token,
            reason=f"{target[:120]} is {pattern.shape} (pattern {pattern.regex.pattern})",
            config=pattern.config(match),
        )
    return None


# Where a careers page names its board: (how, XPath of the URLs).
EMBEDS = (
    ("iframe", "//iframe/@src"),
    ("script widget", "//script/@src"),
    ("link", "//a/@href"),
    ("data attribute", "//*/@data-url | //*/@data-src | //*/@data-board-url"),
)
INLINE_URL = re.compile(r"https?://[^\s\"'<>()]+")


def detect_in_page(body: bytes | str) -> list[tuple[str, Detection]]:
    """(how it is embedded, detection) for each distinct board a careers page embeds: iframes,
    script widgets (a script's src, or a URL inside an inline script), links, data attributes."""
    try:
        document = lxml.html.fromstring(body)
    except (ValueError, lxml.etree.ParserError):
        return []
    candidates = [(how, str(value)) for how, path in EMBEDS for value in document.xpath(path)]
    for script in document.xpath("//script[not(@src)]/text()"):
        candidates.extend(("script widget", url) for url in INLINE_URL.findall(str(script)))
    found: dict[tuple[str, str], tuple[str, Detection]] = {}
    for how, value in candidates:
        detection = detect(value) if "." in value else None
        if detection is not None:
            found.setdefault((detection.kind, detection.board_token), (how, detection))
    return list(found.values())
