"""Greenhouse job boards: GET /v1/boards/{token}/jobs?content=true (one page, meta.total)."""

from __future__ import annotations

import datetime
import html

from extraction.normalize import remote_flag
from extraction.pay import salary_in_text
from ingestion.sources.ats.common import (
    AtsError,
    api_base,
    board,
    failed,
    get_jobs_listing,
    iso_date,
    job_record,
    key,
    place,
    requirements_of,
    result,
    schema_employment,
    stated_remote,
    text_of,
)

DEFAULT_API = "https://boards-api.greenhouse.io"


def discover(source: dict):
    try:
        base, token = api_base(source, DEFAULT_API), board(source)
        data = get_jobs_listing(f"{base}/v1/boards/{token}/jobs?content=true", "Greenhouse")
    except AtsError as exc:
        return failed(exc)
    records = {}
    for job in data["jobs"]:
        url = job.get("absolute_url")
        if not url or not job.get("title"):
            continue
        records[key(url)] = map_job(job, source.get("org_name"))
    total = (data.get("meta") or {}).get("total")
    if total is not None and total != len(data["jobs"]):
        return result(
            records,
            complete=False,
            note=f"Greenhouse listed {len(data['jobs'])} of {total} jobs: listing incomplete",
        )
    return result(records, complete=True)


# Custom fields boards commonly publish as metadata, by the name they give them.
WORKPLACE_FIELDS = ("workplace type", "workplace", "location type", "remote", "work mode",
                    "remote status", "work arrangement", "remote/hybrid/onsite")  # fmt: skip
EMPLOYMENT_FIELDS = ("employment type", "job type", "time type", "commitment")


def map_job(job: dict, employer: str | None) -> dict:
    """1. Location from the job, else its first office; every office kept in locations, by
       the place it states ("London, England, United Kingdom") rather than its internal name
       ("Office - London").
    2. Work mode from a "Workplace Type"-like metadata field, else the location's wording.
    3. Pay from pay_input_ranges (the pay-transparency API field), else the content's
       pay-transparency block (or any stated range), employment type from metadata; the
       posting date is first_published (updated_at changes on any edit), the deadline
       application_deadline.
    """
    offices = [_office_place(o) for o in job.get("offices") or [] if isinstance(o, dict)]
    offices = [o for o in offices if o]
    location = (job.get("location") or {}).get("name") or (offices[0] if offices else None)
    published = job.get("first_published") or job.get("updated_at")
    metadata = _metadata(job)
    workplace = next((metadata[name] for name in WORKPLACE_FIELDS if name in metadata), None)
    kind = next((metadata[name] for name in EMPLOYMENT_FIELDS if name in metadata), None)
    description = text_of(job.get("content"), escaped=True)
    remote = remote_flag(workplace) if workplace else None
    return job_record(
        title=job["title"].strip(),
        employer=job.get("company_name") or employer,
        location=location,
        locations=list(dict.fromkeys(filter(None, [location, *offices]))),
        remote=next(
            (
                v
                for v in (remote, remote_flag(location), stated_remote(description))
                if v is not None
            ),
            None,
        ),
        description=description,
        description_html=html.unescape(job.get("content") or ""),
        apply_url=job["absolute_url"],
        posted_on=_date(published),
        deadline=iso_date(job.get("application_deadline")),
        requirements=requirements_of(job.get("content"), escaped=True),
        employment_type=schema_employment(kind),
        salary=_pay_range(job.get("pay_input_ranges")) or salary_in_text(description),
        identifier=str(job.get("id") or "") or None,
    )


def _office_place(office: dict) -> str | None:
    """An office's place: its `location` (a string, or {"name": ...}), else its name."""
    where = office.get("location")
    if isinstance(where, dict):
        where = where.get("name")
    # "Lisbon, Lisbon, Portugal": a city-state's region repeats its city.
    return (place(*where.split(",")) if isinstance(where, str) else None) or office.get("name")


def _pay_range(ranges: object) -> dict | None:
    """The first of pay_input_ranges [{"min_cents", "max_cents", "currency_type", "title",
    "blurb"}]; the period from its title or blurb ("Hourly", "per year"), else a year for an
    amount that can only be one (10,000 or more), else none."""
    if not isinstance(ranges, list) or not ranges or not isinstance(ranges[0], dict):
        return None
    first = ranges[0]
    low, high = first.get("min_cents"), first.get("max_cents")
    if not isinstance(low, int | float) and not isinstance(high, int | float):
        return None
    words = " ".join(str(first.get(k) or "") for k in ("title", "blurb")).lower()
    unit = next((PAY_PERIODS[w] for w in PAY_PERIODS if w in words), None)
    top = max(v for v in (low, high) if isinstance(v, int | float)) / 100
    return {
        "min": low / 100 if isinstance(low, int | float) else None,
        "max": high / 100 if isinstance(high, int | float) else None,
        "currency": first.get("currency_type") or None,
        "unit": unit or ("YEAR" if top >= 10000 else None),
    }


PAY_PERIODS = {"hour": "HOUR", "daily": "DAY", "per day": "DAY", "week": "WEEK",
               "month": "MONTH", "annual": "YEAR", "year": "YEAR", "salary": "YEAR"}  # fmt: skip


def _metadata(job: dict) -> dict[str, str]:
    """Metadata values by lower-cased name; list values (multi-selects) joined."""
    found = {}
    for item in job.get("metadata") or []:
        if not isinstance(item, dict) or not item.get("name"):
            continue
        value = item.get("value")
        if isinstance(value, list):
            value = ", ".join(str(v) for v in value if v)
        if isinstance(value, str) and value.strip():
            found[str(item["name"]).strip().lower()] = value.strip()
    return found


def _date(value: str | None) -> datetime.date | None:
    if not value:
        return None
    try:
        return datetime.datetime.fromisoformat(value.replace("Z", "+00:00")).date()
    except ValueError:
        return None
