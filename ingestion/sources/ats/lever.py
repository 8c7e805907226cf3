"""Lever postings: GET /v0/postings/{site}?mode=json&skip=&limit= (pages until a short one).

config: {"region": "eu"} uses the EU host api.eu.lever.co.
"""

from __future__ import annotations

import datetime

from extraction.normalize import remote_flag
from extraction.pay import salary_in_text
from ingestion.sources.ats.common import (
    REQUIREMENT_LIST_HEADING,
    AtsError,
    api_base,
    board,
    failed,
    get_postings_list,
    job_record,
    key,
    list_items,
    result,
    schema_employment,
    stated_remote,
    text_of,
)

HOSTS = {"global": "https://api.lever.co", "eu": "https://api.eu.lever.co"}
PAGE = 100
MAX_PAGES = 50
WORKPLACE = {"remote": "Remote", "hybrid": "Hybrid"}
# workplaceType -> remote: hybrid and on-site jobs are not remote ("unspecified" says nothing).
REMOTE = {"remote": True, "hybrid": False, "on-site": False, "onsite": False}
INTERVALS = {
    "per-year-salary": "YEAR",
    "per-month-salary": "MONTH",
    "per-week-salary": "WEEK",
    "per-day-wage": "DAY",
    "per-hour-wage": "HOUR",
}


def discover(source: dict):
    config = source.get("config") or {}
    region = config.get("region", "global")
    size = int(config.get("page_size", PAGE))
    records: dict[str, dict] = {}
    try:
        base, site = api_base(source, HOSTS.get(region, HOSTS["global"])), board(source)
        for page in range(MAX_PAGES):
            postings = get_postings_list(
                f"{base}/v0/postings/{site}?mode=json&skip={page * size}&limit={size}", "Lever"
            )
            for posting in postings:
                url = posting.get("hostedUrl")
                if url and posting.get("text"):
                    records[key(url)] = map_posting(posting, source.get("org_name"))
            if len(postings) < size:
                return result(records, complete=True)
    except AtsError as exc:
        return result(records, complete=False, note=str(exc)) if records else failed(exc)
    return result(records, complete=False, note=f"Lever listing longer than {MAX_PAGES} pages")


def map_posting(posting: dict, employer: str | None) -> dict:
    categories = posting.get("categories") or {}
    location = categories.get("location")
    workplace = WORKPLACE.get((posting.get("workplaceType") or "").lower())
    if workplace and location and workplace not in location:
        location = f"{location} ({workplace})"
    requirements = _requirements(posting.get("lists"))
    created = posting.get("createdAt")
    description = posting.get("descriptionPlain") or text_of(posting.get("description"))
    mode = (posting.get("workplaceType") or "").lower()
    remote = REMOTE.get(mode)
    salary = _salary(posting.get("salaryRange")) or salary_in_text(
        " ".join(
            filter(
                None, (posting.get("salaryDescriptionPlain"), text_of(posting.get("additional")))
            )
        )
        or description
    )
    return job_record(
        title=posting["text"].strip(),
        employer=employer,
        location=location or (workplace if workplace else None),
        locations=categories.get("allLocations") or [],
        remote=next(
            (
                v
                for v in (remote, remote_flag(location), stated_remote(description))
                if v is not None
            ),
            None,
        ),
        description=description,
        description_html=posting.get("description"),
        apply_url=posting.get("applyUrl") or posting["hostedUrl"],
        posted_on=(
            datetime.datetime.fromtimestamp(created / 1000, tz=datetime.UTC).date()
            if isinstance(created, int | float)
            else None
        ),
        requirements=requirements,
        employment_type=schema_employment(categories.get("commitment")),
        salary=salary,
        identifier=posting.get("id"),
    )


def _salary(salary_range: object) -> dict | None:
    """salaryRange {"min", "max", "currency", "interval": "per-year-salary"} as our salary."""
    if not isinstance(salary_range, dict):
        return None
    low, high = salary_range.get("min"), salary_range.get("max")
    if not isinstance(low, int | float) and not isinstance(high, int | float):
        return None
    return {
        "min": float(low) if isinstance(low, int | float) else None,
        "max": float(high) if isinstance(high, int | float) else None,
        "currency": salary_range.get("currency") or None,
        "unit": INTERVALS.get(salary_range.get("interval") or ""),
    }


def _requirements(lists: object) -> list[str]:
    """The items of the `lists` headed as requirements ("Requirements", "Who You Are", "What
    you'll bring"); a posting's other lists ("What You'll Do", "Where You'll Be", "Benefits")
    are not. Lists with no heading count when no list is headed as requirements."""
    blocks = [b for b in lists or [] if isinstance(b, dict)] if isinstance(lists, list) else []
    chosen = [b for b in blocks if REQUIREMENT_LIST_HEADING.search(str(b.get("text") or ""))]
    if not chosen:
        chosen = [b for b in blocks if not str(b.get("text") or "").strip()]
    return [item for block in chosen for item in list_items(block.get("content"))]
