"""schema.org JobPosting -> ExtractedJob, shared by the JSON-LD, microdata and RDFa readers.

Every reader first turns its markup into the same shape: a dict with lower-cased property names
("title", "hiringorganization", ...) whose values are strings, numbers, nested dicts or lists.
"""

from __future__ import annotations

import datetime
import html
import re
from collections.abc import Iterator

import lxml.etree
import lxml.html

from extraction import money, normalize
from extraction.parse import (
    absolute_url,
    element_text,
    html_to_text,
    sanitize_html,
    sanitized_text,
)
from extraction.parse.text_facts import TEXT_FACTS, facts_in_text
from extraction.types import ExtractedJob

Node = dict[str, object]

_REQUIREMENT_KEYS = ("qualifications", "skills", "experiencerequirements", "educationrequirements")
_BULLET = re.compile(r"^\s*(?:[-*\u2022\u00b7\u25aa\u2013]|\d+[.)])\s*")


def type_names(node: Node) -> set[str]:
    """The node's @type local names, lower-cased: "schema:JobPosting" -> {"jobposting"}."""
    types = node.get("@type")
    if types is None:
        return set()  # an address, a value, an organisation without a type
    if isinstance(types, str) and not any(c in types for c in "/:#"):
        return {types.lower()}  # the usual "JobPosting"
    values = types if isinstance(types, list) else [types]
    return {re.split(r"[/:#]", str(t))[-1].lower() for t in values if t}


def job_from_posting(
    node: Node, *, base_url: str, fetched_at: datetime.datetime, source: str, confidence: float
) -> ExtractedJob:
    """Map one JobPosting node to an ExtractedJob; every field found is credited to `source`."""
    places = locations(node)
    description_html = sanitize_html(raw_text(node.get("description")))
    job = ExtractedJob(
        title=text(node.get("title")) or text(node.get("name")),
        employer=organization(node.get("hiringorganization")),
        location="; ".join(places) or None,
        locations=places,
        remote=remote(node, places),
        deadline=date(node.get("validthrough"), fetched_at),
        # Read off the sanitised HTML: no second lxml parse of the same markup.
        description=sanitized_text(description_html) if description_html else None,
        description_html=description_html,
        apply_url=absolute_url(text(node.get("url")), base_url),
        posted_on=date(node.get("dateposted"), fetched_at),
        requirements=requirements(node),
        employment_type=employment_type(node.get("employmenttype")),
        salary=salary(node.get("basesalary")) or salary(node.get("estimatedsalary")),
        identifier=identifier(node.get("identifier")),
    )
    if job.salary and not job.salary.get("currency"):
        job.salary["currency"] = money.currency_code(text(node.get("salarycurrency")))
    # Pay, type and work mode that only the description's text states, read only for the ones
    # the markup left empty (on most JSON-LD pages that is the work mode alone).
    missing = [name for name in TEXT_FACTS if getattr(job, name) is None]
    if job.description and missing:
        for name, value in facts_in_text(job.description, fetched_at, missing).items():
            setattr(job, name, value)
    empty = set(job.empty_fields())
    job.provenance = {
        name: {"source": source, "confidence": confidence}
        for name in ExtractedJob.__dataclass_fields__
        if name != "provenance" and name not in empty
    }
    return job


def values(value: object) -> list[object]:
    """A property's values as a list, whether it held one value, a list, or nothing."""
    if value is None:
        return []
    return [v for v in value if v is not None] if isinstance(value, list) else [value]


def text(value: object) -> str | None:
    """The first textual value: strings are unescaped and stripped of tags."""
    if isinstance(value, str):
        return html_to_text(value) or None  # the usual single string, without a list of one
    for item in values(value):
        if isinstance(item, dict):
            found = text(item.get("@value")) or text(item.get("name")) or text(item.get("value"))
        elif isinstance(item, bool):
            continue
        else:
            found = html_to_text(str(item)) or None
        if found:
            return found
    return None


def raw_text(value: object) -> str | None:
    """The first string value as the page wrote it (markup kept)."""
    for item in values(value):
        if isinstance(item, dict):
            item = item.get("@value")
        if isinstance(item, str) and item.strip():
            return item
    return None


def date(value: object, fetched_at: datetime.datetime) -> datetime.date | None:
    raw = text(value)
    return normalize.parse_date(raw, relative_base=fetched_at) if raw else None


def organization(value: object) -> str | None:
    for item in values(value):
        if isinstance(item, dict):
            found = text(item.get("name")) or text(item.get("legalname"))
        else:
            found = text(item)
        if found:
            return found
    return None


def locations(node: Node) -> list[str]:
    """Every place as "Locality, Region, Country", plus "Remote (regions)" for telecommuting."""
    found = values(node.get("joblocation"))
    places = [name for place in found if (name := _place(place))]
    if len(set(places)) < len(places):
        named = [text(place.get("name")) for place in found if isinstance(place, dict)]
        if len(named) == len(found) and all(named):
            # Every address repeats the head office and only each Place's name tells them apart.
            places = [name for name in named if name]
    if _telecommute(node):
        regions = [
            name
            for region in values(node.get("applicantlocationrequirements"))
            if (name := organization(region) if isinstance(region, dict) else text(region))
        ]
        places.append(f"Remote ({', '.join(regions)})" if regions else "Remote")
    return list(dict.fromkeys(places))


def remote(node: Node, places: list[str]) -> bool | None:
    """jobLocationType TELECOMMUTE (or a place that says remote) is remote; a place that says
    hybrid or on-site is not; else unknown."""
    if _telecommute(node):
        return True
    return normalize.remote_flag(*places, *(text(v) for v in values(node.get("joblocationtype"))))


def _telecommute(node: Node) -> bool:
    return any(str(t).upper() == "TELECOMMUTE" for t in values(node.get("joblocationtype")))


def _place(place: object) -> str | None:
    if not isinstance(place, dict):
        return text(place)
    address = place.get("address", place)
    if isinstance(address, list):
        address = address[0] if address else None
    if isinstance(address, dict):
        parts = [
            organization(address.get(key))
            for key in ("addresslocality", "addressregion", "addresscountry")
        ]
        # "Berlin, Berlin, DE": a city-state's region repeats its locality.
        kept = [p for i, p in enumerate(parts) if p and p not in parts[:i]]
        if kept:
            return ", ".join(kept)
    elif address is not None and (found := text(address)):
        return found
    return text(place.get("name"))


def employment_type(value: object) -> str | None:
    found = [normalize.employment_type(t) for item in values(value) if (t := text(item))]
    return ", ".join(dict.fromkeys(t for t in found if t)) or None


def salary(value: object) -> dict | None:
    """MonetaryAmount -> {"min", "max", "currency", "unit"}; None without any amount."""
    for item in values(value):
        if not isinstance(item, dict):
            amount = _number(item)
            if amount is not None:
                return money.plausible_salary(
                    {"min": amount, "max": amount, "currency": None, "unit": None}
                )
            continue
        inner = item.get("value")
        currency = text(item.get("currency")) or text(item.get("salarycurrency"))
        unit = text(item.get("unittext"))
        if isinstance(inner, list):
            inner = next((v for v in inner if isinstance(v, dict)), inner[0] if inner else None)
        if isinstance(inner, dict):
            currency = currency or text(inner.get("currency"))
            low = _number(inner.get("minvalue"))
            high = _number(inner.get("maxvalue"))
            exact = _number(inner.get("value"))
            unit = text(inner.get("unittext")) or unit
        else:
            low = high = None
            exact = _number(inner)
        if exact is not None:
            low = low if low is not None else exact
            high = high if high is not None else exact
        if low is None and high is None:
            continue
        return money.plausible_salary(
            {
                "min": low,
                "max": high,
                "currency": money.currency_code(currency),
                "unit": unit.upper() if unit else None,
            }
        )
    return None


def _number(value: object) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, dict):
        return _number(value.get("@value"))
    raw = str(value or "").strip()
    if not raw:
        return None
    # A string, not a JSON number: "85,000", "1.800" (European grouping), "1.800,50".
    amount = money.parse_amount(raw)
    return float(amount) if amount is not None else None


def identifier(value: object) -> str | None:
    for item in values(value):
        if isinstance(item, dict):
            found = text(item.get("value")) or text(item.get("name"))
        else:
            found = text(item)
        if found:
            return found
    return None


def requirements(node: Node) -> list[str]:
    """Requirement lines from qualifications, skills, experience and education requirements."""
    lines: list[str] = []
    for key in _REQUIREMENT_KEYS:
        for item in values(node.get(key)):
            lines.extend(_requirement_lines(item))
    return list(dict.fromkeys(lines))


def _requirement_lines(item: object) -> Iterator[str]:
    if isinstance(item, dict):
        found = (
            text(item.get("description"))
            or text(item.get("credentialcategory"))
            or text(item.get("name"))
        )
        if found:
            yield found
        return
    raw = str(item)
    if "<li" in raw.lower() or "&lt;li" in raw.lower():
        yield from _list_items(raw)
        return
    # Plain text with one requirement per line, often bulleted.
    for line in re.split(r"[\r\n]+", raw):
        cleaned = html_to_text(_BULLET.sub("", line))
        if cleaned:
            yield cleaned


def _list_items(markup: str) -> Iterator[str]:
    try:
        fragment = lxml.html.fragment_fromstring(html.unescape(markup), create_parent="div")
    except (lxml.etree.ParserError, ValueError):
        return
    for li in fragment.iter("li"):
        found = element_text(li)
        if found:
            yield found
