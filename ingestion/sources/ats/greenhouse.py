"""Greenhouse job boards: GET /v1/boards/{token}/jobs?content=true (one page, meta.total)."""

from __future__ import annotations

import datetime
import html

from extraction.normalize import remote_flag
from ingestion.sources.ats.common import (
    AtsError,
    api_base,
    board,
    failed,
    get_jobs_listing,
    job_record,
    key,
    result,
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


def map_job(job: dict, employer: str | None) -> dict:
    offices = [o.get("name") for o in job.get("offices") or [] if o.get("name")]
    location = (job.get("location") or {}).get("name") or (offices[0] if offices else None)
    updated = job.get("updated_at") or job.get("first_published")
    return job_record(
        title=job["title"].strip(),
        employer=job.get("company_name") or employer,
        location=location,
        locations=list(dict.fromkeys(filter(None, [location, *offices]))),
        remote=remote_flag(location),
        description=text_of(job.get("content"), escaped=True),
        description_html=html.unescape(job.get("content") or ""),
        apply_url=job["absolute_url"],
        posted_on=_date(updated),
        identifier=str(job.get("id") or "") or None,
    )


def _date(value: str | None) -> datetime.date | None:
    if not value:
        return None
    try:
        return datetime.datetime.fromisoformat(value.replace("Z", "+00:00")).date()
    except ValueError:
        return None
