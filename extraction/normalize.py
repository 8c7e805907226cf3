"""Normalisation shared by every stage: clean text, dates, canonical URLs and the dedup hash."""

from __future__ import annotations

import datetime
import hashlib
import re
import unicodedata
from urllib.parse import unquote_plus, urlsplit, urlunsplit

from w3lib.url import canonicalize_url

from extraction.workmode import work_mode

# Invisible characters that survive copy-paste from word processors and CMS editors; they make
# identical titles hash differently, so they never reach a stored field.
_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff\u180e"), None)
_INVISIBLE_CHAR = re.compile("[\u00ad\u200b\u200c\u200d\u2060\ufeff\u180e]")
# What str.split() splits ASCII text on, besides the space (found with memchr, unlike a regex).
_ASCII_SPACES = "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f"

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
    # Lever commitments such as "Short Term": a post for a set period.
    "SHORTTERM": "TEMPORARY",
    "INTERN": "INTERN",
    "INTERNSHIP": "INTERN",
    "VOLUNTEER": "VOLUNTEER",
    "PERDIEM": "PER_DIEM",
    "OTHER": "OTHER",
    # German, Spanish, Portuguese and French spellings (accents stripped before lookup).
    "VOLLZEIT": "FULL_TIME",
    "UNBEFRISTET": "FULL_TIME",
    "FESTANSTELLUNG": "FULL_TIME",
    "TEILZEIT": "PART_TIME",
    "BEFRISTET": "TEMPORARY",
    "PRAKTIKUM": "INTERN",
    "WERKSTUDENT": "PART_TIME",
    "FREIBERUFLICH": "CONTRACTOR",
    "TIEMPOCOMPLETO": "FULL_TIME",
    "JORNADACOMPLETA": "FULL_TIME",
    "INDEFINIDO": "FULL_TIME",
    "TIEMPOPARCIAL": "PART_TIME",
    "MEDIAJORNADA": "PART_TIME",
    "PRACTICAS": "INTERN",
    "TEMPORAL": "TEMPORARY",
    "TEMPOINTEGRAL": "FULL_TIME",
    "CLT": "FULL_TIME",
    "EFETIVO": "FULL_TIME",
    "MEIOPERIODO": "PART_TIME",
    "ESTAGIO": "INTERN",
    "TEMPORARIO": "TEMPORARY",
    "TEMPSPLEIN": "FULL_TIME",
    "CDI": "FULL_TIME",
    "TEMPSPARTIEL": "PART_TIME",
    "CDD": "TEMPORARY",
    "INTERIM": "TEMPORARY",
    "STAGE": "INTERN",
    "ALTERNANCE": "INTERN",
    "CONTRATISTA": "CONTRACTOR",
    "AUTONOMO": "CONTRACTOR",
    "POROBRA": "TEMPORARY",
    "PJ": "CONTRACTOR",
    "ESTAGIARIO": "INTERN",
    # Catalan, Italian, Dutch and Polish.
    "TEMPSCOMPLET": "FULL_TIME",
    "INDEFINIT": "FULL_TIME",
    "MITJAJORNADA": "PART_TIME",
    "PRACTIQUES": "INTERN",
    "TEMPOPIENO": "FULL_TIME",
    "TEMPOINDETERMINATO": "FULL_TIME",
    "TEMPODETERMINATO": "TEMPORARY",
    "TEMPOPARZIALE": "PART_TIME",
    "TIROCINIO": "INTERN",
    "VOLTIJD": "FULL_TIME",
    "VAST": "FULL_TIME",
    "DEELTIJD": "PART_TIME",
    "TIJDELIJK": "TEMPORARY",
    "ZZP": "CONTRACTOR",
    "PELNYETAT": "FULL_TIME",
    "PELENETAT": "FULL_TIME",
    "NIEPELNYETAT": "PART_TIME",
    "CZESCETATU": "PART_TIME",
    "UMOWAOPRACE": "FULL_TIME",
    "UMOWAZLECENIE": "CONTRACTOR",
    "BB": "CONTRACTOR",  # "B2B" once the digit is dropped
    "STAZ": "INTERN",
    "PRAKTYKI": "INTERN",
    "FULL": "FULL_TIME",
    "PART": "PART_TIME",
    # More Spanish (Spain and Latin America).
    "PRESTACIONDESERVICIOS": "CONTRACTOR",
    "PORCUENTAPROPIA": "CONTRACTOR",
    "OBRAYSERVICIO": "TEMPORARY",
    "JORNADAPARCIAL": "PART_TIME",
    "MEDIOTIEMPO": "PART_TIME",
    "TIEMPOINDETERMINADO": "FULL_TIME",
    "INDEFINIDA": "FULL_TIME",
    "PASANTIA": "INTERN",
    "BECA": "INTERN",
    "BECARIO": "INTERN",
}
# Words that only qualify a type ("permanent employment", "full-time position").
_TYPE_FILLERS = frozenset(
    {"EMPLOYMENT", "EMPLOYEE", "POSITION", "JOB", "ROLE", "WORK", "TIME", "CONTRATO", "DE",
     "EMPLOI", "CONTRAT", "A", "THE", "ANSTELLUNG", "STELLE", "UMOWA"}
)  # fmt: skip
# Scripts whose words the Latin squashing would erase: matched as substrings, longest first.
_CJK_EMPLOYMENT_TYPES = (
    ("정규직", "FULL_TIME"),  # 정규직
    ("계약직", "CONTRACTOR"),  # 계약직
    ("인턴", "INTERN"),  # 인턴
    ("파트타임", "PART_TIME"),  # 파트타임
    ("아르바이트", "PART_TIME"),  # 아르바이트
    ("正社員", "FULL_TIME"),  # 正社員
    ("契約社員", "CONTRACTOR"),  # 契約社員
    ("派遣社員", "TEMPORARY"),  # 派遣社員
    ("業務委託", "CONTRACTOR"),  # 業務委託
    ("アルバイト", "PART_TIME"),  # アルバイト
    ("パート", "PART_TIME"),  # パート
    ("インターン", "INTERN"),  # インターン
)
KNOWN_EMPLOYMENT_TYPES = frozenset(_EMPLOYMENT_TYPES.values())
_NOT_LETTERS = re.compile(r"[^A-Za-z]+")


def clean_text(value: object) -> str | None:
    """Text without invisible characters and with whitespace collapsed; None when empty."""
    if value is None:
        return None
    text = str(value)
    # isascii is O(1) on a str and the invisible characters are all non-ASCII; a regex search
    # is then far cheaper than str.translate on text that holds none.
    if text.isascii():
        if len(text) > 200 and "  " not in text and not any(c in text for c in _ASCII_SPACES):
            # Long text whose every whitespace is a lone space (a description read off its
            # markup): split and join would only strip its ends, at a string per word.
            return text.strip() or None
    elif _INVISIBLE_CHAR.search(text):
        text = text.translate(_INVISIBLE)
    text = " ".join(text.split())
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
    if _PLAIN_URL.fullmatch(url):  # most listed URLs: a regex instead of w3lib's ~30 us
        return url
    return _canonical(url)


# A URL in canonical form already, which _canonical returns as it is: an http(s) URL with a
# lower-case ASCII host (no IDNA label), no default port, a path of unreserved characters
# without dot segments or a trailing slash, no query, no fragment.
_PLAIN_URL = re.compile(
    r"https?://(?!.*xn--)[a-z0-9-]{1,63}(?:\.[a-z0-9-]{1,63})*"
    r"(?::(?!(?:80|443)(?:/|$))[1-9][0-9]{0,4})?"
    r"(?:/(?!\.\.?(?:/|$))[A-Za-z0-9._~-]+)+"
)


def _canonical(url: str) -> str:
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
    """schema.org employmentType in its canonical spelling: "Full-time" -> "FULL_TIME",
    "Teilzeit" -> "PART_TIME", "Tiempo completo" -> "FULL_TIME"."""
    if not value.isascii():
        # The term written first: "契約社員（正社員登用あり）" is a contract that may become
        # permanent, not a permanent post.
        found = [(value.find(term), kind) for term, kind in _CJK_EMPLOYMENT_TYPES if term in value]
        if found:
            return min(found)[1]
    words = _NOT_LETTERS.sub(" ", strip_accents(value).replace("\u0142", "l")).split()
    if not words:
        return None
    squashed = "".join(words).upper()
    if squashed in _EMPLOYMENT_TYPES:
        return _EMPLOYMENT_TYPES[squashed]
    return _known_type_in(squashed) or _known_type_in_words(words) or "_".join(words).upper()


def _known_type_in(squashed: str) -> str | None:
    """ "PERMANENTEMPLOYMENTFULLTIME" (two enum values run together) -> "FULL_TIME": the
    string read as known type words and fillers, longest first; the last type word wins
    (the hours say more than the contract)."""
    found: list[str] = []
    position = 0
    while position < len(squashed):
        for length in range(min(len(squashed) - position, 20), 1, -1):
            piece = squashed[position : position + length]
            if piece in _EMPLOYMENT_TYPES and piece not in ("FULL", "PART"):
                found.append(_EMPLOYMENT_TYPES[piece])
                break
            if piece in _TYPE_FILLERS:
                break
        else:
            return None
        position += length
    kinds = [kind for kind in found if kind != "OTHER"]
    return kinds[-1] if len(found) > 1 and kinds else None


def _known_type_in_words(words: list[str]) -> str | None:
    """ "Full-time position, 40 hours" -> "FULL_TIME": the first one to three words that name a
    known type, in a short phrase only (prose names types in passing)."""
    if len(words) > 8:
        return None
    upper = [word.upper() for word in words]
    for start in range(len(upper)):
        for size in (3, 2, 1):
            piece = "".join(upper[start : start + size])
            if size > 1 and start + size > len(upper):
                continue
            kind = _EMPLOYMENT_TYPES.get(piece)
            if kind and kind != "OTHER" and (size > 1 or piece not in ("FULL", "PART", "BB")):
                return kind
    return None


def strip_accents(text: str) -> str:
    """ "Prácticas" -> "Practicas": for matching keywords, never for stored text."""
    if text.isascii():
        return text  # ASCII is its own NFKD form and holds no combining marks
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


# Currency symbols as pages print them -> ISO 4217 (a bare "$" is read as US dollars).
def remote_flag(*texts: str | None) -> bool | None:
    """True when the location or title says remote, False when it says hybrid or on-site
    (neither is a remote job), else None."""
    mode = work_mode(*texts)
    return None if mode is None else mode == "remote"
