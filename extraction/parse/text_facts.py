"""Facts a description states in its text: labelled lines ("Job Type & Duration: Permanent,
Full-Time", "Hourly Rate: $18.50"), pay in prose and work-mode hashtags.

Shared by the markup strategies (whose description is JSON or an attribute, not page elements)
and the plain-HTML heuristics, so both read the same way.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Collection

from extraction import money, normalize, pay, workmode
from extraction.parse import labels

# Fields worth reading out of prose (what facts_in_text can fill); a "Location:" inside a
# description is too often an office list or an example to trust over the posting's own.
TEXT_FACTS = ("salary", "employment_type", "remote")
_TEXT_FIELDS = frozenset(TEXT_FACTS)
_VALUE_END = re.compile(r"(?<!\d)[.;!?](?!\d)|\s[|\u00b7\u2022]\s")
_MAX_VALUE = 150


def convert(field: str, raw: str, fetched_at: datetime.datetime, label: str = "") -> object:
    """A label's value as the field's type, or None when it does not look like one."""
    raw = normalize.clean_text(raw) or ""
    if not raw or len(raw) > _MAX_VALUE:
        return None
    if field in ("deadline", "posted_on"):
        raw = re.sub(r"^(?:on|by|before)\s+", "", raw, flags=re.I)
        return normalize.parse_date(raw, relative_base=fetched_at)
    if field == "salary":
        salary = money.parse_salary(raw) or pay.salary_in_text(f"salary {raw}")
        if salary is not None and salary["unit"] is None:
            # "Hourly Rate: $17.80", "연봉 5,000만원": the period is in the label or its lead.
            salary["unit"] = pay.pay_period(f"{label} {raw}")
        return salary
    if field == "employment_type":
        for part in re.split(r"[,;/(|&+\uff08\u3001\uff0c\u30fb]|\band\b|\bor\b", raw):
            kind = normalize.employment_type(part) if part.strip() else None
            if kind in normalize.KNOWN_EMPLOYMENT_TYPES and kind != "OTHER":
                return kind
        return None
    if field == "remote":
        return remote_value(raw)
    return raw


def remote_value(raw: str) -> bool | None:
    """A work-mode label's value: "Hybrid" and "On-site" are False, "Remote" and "Yes" True."""
    mode = workmode.work_mode(raw)
    if mode is not None:
        return mode == "remote"
    word = raw.strip(" .!").casefold()
    if word in labels.YES_WORDS:
        return True
    if word in labels.NO_WORDS:
        return False
    return None


def facts_in_text(
    text: str | None,
    fetched_at: datetime.datetime,
    fields: Collection[str] = _TEXT_FIELDS,
) -> dict[str, object]:
    """employment_type, salary and remote as the description's text states them.
    `fields` limits the reading to those (the ones the caller still lacks): each field is read
    on its own, so the others' scans (pay's above all) are skipped at no change to the rest."""
    found: dict[str, object] = {}
    if not text or not fields:
        return found
    text = text[:20_000]
    spans = labels.labelled_spans(text)
    for index, (field, start, value_start) in enumerate(spans):
        if field not in _TEXT_FIELDS or field not in fields or field in found:
            continue
        limit = spans[index + 1][1] if index + 1 < len(spans) else len(text)
        rest = text[value_start : min(limit, value_start + 80)]
        end = _VALUE_END.search(rest)
        value = convert(
            field, rest[: end.start()] if end else rest, fetched_at, text[start:value_start]
        )
        if value is not None:
            found[field] = value
    if "salary" in fields and "salary" not in found:
        salary = pay.salary_in_text(text)
        if salary is not None:
            found["salary"] = salary
    if "remote" in fields and "remote" not in found:
        mode = workmode.hashtag_work_mode(text)
        if mode is not None:
            found["remote"] = mode == "remote"
    return found
