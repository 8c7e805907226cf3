"""Greenhouse job boards: GET /v1/boards/{token}/jobs?content=true (one page, meta.total)."""

from __future__ import annotations

import datetime
import html

from extraction.normalize import employment_type, remote_flag
from extraction.pay import salary_in_text
from ingestion.sources.ats.common import (
    AtsError,
    api_base,
    board,
    failed,
    get_jobs_listing,
    job_record,
    key,
    requirements_of,
    result,
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
    """1. Location from the job, else its first office; every office kept in locations.
    2. Work mode from a "Workplace Type"-like metadata field, else the location's wording.
    3. Pay from the content's pay-transparency block (or any stated range), employment type
       from metadata; the posting date is first_published (updated_at changes on any edit).
    """
    offices = [o.get("name") for o in job.get("offices") or [] if o.get("name")]
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
        requirements=requirements_of(job.get("content"), escaped=True),
        employment_type=employment_type(kind) if kind else None,
        salary=salary_in_text(description),
        identifier=str(job.get("id") or "") or None,
    )


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
