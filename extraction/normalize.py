"""Normalisation shared by every stage: clean text, dates, canonical URLs and the dedup hash."""

from __future__ import annotations

import datetime
import hashlib
import re
from urllib.parse import unquote_plus, urlsplit, urlunsplit

from w3lib.url import canonicalize_url

# Invisible characters that survive copy-paste from word processors and CMS editors; they make
# identical titles hash differently, so they never reach a stored field.
_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff\u180e"), None)

# Query parameters that only say how a visitor arrived; they never select a different page.
_TRACKING_PARAMS = frozenset(
    {"gclid", "fbclid", "msclkid", "dclid", "mc_cid", "mc_eid", "ref", "source"}
)
_DEFAULT_PORTS = {"http": "80", "https": "443"}

# dateparser only tries these languages: auto-detection across all ~200 of them costs seconds
# per unparseable string ("Berlin"), and career pages we ingest are in these.
_DATE_LANGUAGES = ["en", "de", "fr", "es", "nl", "it", "pt"]

_EMPLOYMENT_TYPES = {
    "FULLTIME": "FULL_TIME",
    "PERMANENT": "FULL_TIME",
    "PARTTIME": "PART_TIME",
    "CONTRACT": "CONTRACTOR",
    "CONTRACTOR": "CONTRACTOR",
    "FREELANCE": "CONTRACTOR",
    "TEMPORARY": "TEMPORARY",
    "TEMP": "TEMPORARY",
    "FIXEDTERM": "TEMPORARY",
    "INTERN": "INTERN",
    "INTERNSHIP": "INTERN",
    "VOLUNTEER": "VOLUNTEER",
    "PERDIEM": "PER_DIEM",
    "OTHER": "OTHER",
}
KNOWN_EMPLOYMENT_TYPES = frozenset(_EMPLOYMENT_TYPES.values())


def clean_text(value: object) -> str | None:
    """Text without invisible characters and with whitespace collapsed; None when empty."""
    if value is None:
        return None
    text = " ".join(str(value).translate(_INVISIBLE).split())
    return text or None


def truncate(text: str, limit: int) -> str:
    """At most `limit` characters, cut at a word boundary when one is near the end."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit * 0.8:
        cut = cut[:space]
    return cut.rstrip() + "\u2026"


def canonical_url(url: str) -> str:
    """The URL two links to the same page share.

    1. w3lib's canonical form (sorted, percent-encoded query; no fragment).
    2. Drop tracking parameters (utm_*, gclid, fbclid, ref, source, ...).
    3. Lowercase scheme and host, drop the default port, strip a trailing slash except the root.
    """
    url = url.strip()
    try:
        canonical = canonicalize_url(url, keep_fragments=False)
        parts = urlsplit(canonical)
        port = parts.port
    except ValueError:
        # Malformed (e.g. a non-numeric port): keep it comparable rather than failing a run.
        return url
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    netloc = host if port is None or str(port) == _DEFAULT_PORTS.get(scheme) else f"{host}:{port}"
    if parts.username or parts.password:
        credentials = parts.username or ""
        if parts.password:
            credentials += f":{parts.password}"
        netloc = f"{credentials}@{netloc}"
    # Filter the already-canonical pairs as they are: decoding and re-encoding could change them.
    query = "&".join(
        pair for pair in parts.query.split("&") if pair and not _is_tracking(pair.split("=")[0])
    )
    path = parts.path
    if len(path) > 1 and path.endswith("/"):
        path = path.rstrip("/") or "/"
    if not path and netloc:
        path = "/"
    return urlunsplit((scheme, netloc, path, query, ""))


def _is_tracking(name: str) -> bool:
    name = unquote_plus(name).lower()
    return name.startswith("utm_") or name in _TRACKING_PARAMS


def normalised_title(title: str) -> str:
    """The title as the dedup key sees it: cleaned, case-folded, whitespace collapsed."""
    return (clean_text(title) or "").casefold()


def canonical_hash(title: str, apply_url: str) -> str:
    """Hex MD5 of 'normalised title|canonical apply URL': the jobs table's dedup key."""
    key = f"{normalised_title(title)}|{canonical_url(apply_url)}"
    return hashlib.md5(key.encode("utf-8"), usedforsecurity=False).hexdigest()


def parse_date(
    text: str, *, relative_base: datetime.datetime | None = None
) -> datetime.date | None:
    """A calendar date from ISO 8601 or free text ("31 December 2026", "3 days ago").

    1. ISO 8601 via the standard library: most structured data uses it, and it is exact.
    2. Otherwise dateparser, day-first for ambiguous numeric dates (03/04/2026 is 3 April, as
       on most non-US sites; 12/31/2026 is still read month-first because it cannot be DMY).
       Relative dates count from `relative_base` (the fetch time), never from "now".
    """
    text = clean_text(text) or ""
    if not text or len(text) > 100:
        return None
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        pass
    try:
        return datetime.datetime.fromisoformat(text.replace("z", "Z")).date()
    except ValueError:
        pass
    import dateparser  # slow to import (~0.25 s of regex tables); only free text needs it

    settings: dict[str, object] = {
        "DATE_ORDER": "DMY",
        "PREFER_DAY_OF_MONTH": "first",
        "RETURN_AS_TIMEZONE_AWARE": False,
        # A bare year or weekday is not a deadline; demand at least month and year.
        "REQUIRE_PARTS": ["month", "year"],
    }
    if relative_base is not None:
        # dateparser compares against naive datetimes; keep the base's own wall-clock time.
        settings["RELATIVE_BASE"] = relative_base.replace(tzinfo=None)
    try:
        parsed = dateparser.parse(text, languages=_DATE_LANGUAGES, settings=settings)
    except (ValueError, OverflowError):
        return None
    return parsed.date() if parsed is not None else None


def employment_type(value: str) -> str | None:
    """schema.org employmentType in its canonical spelling: "Full-time" -> "FULL_TIME"."""
    words = re.sub(r"[^A-Za-z]+", " ", value).split()
    if not words:
        return None
    squashed = "".join(words).upper()
    return _EMPLOYMENT_TYPES.get(squashed, "_".join(words).upper())
