"""Ashby job boards: GET /posting-api/job-board/{name}?includeCompensation=true."""

from __future__ import annotations

import datetime

from extraction.normalize import remote_flag
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
    schema_employment,
    stated_remote,
    text_of,
)

DEFAULT_API = "https://api.ashbyhq.com"
EMPLOYMENT = {
    "FullTime": "FULL_TIME",
    "PartTime": "PART_TIME",
    "Contract": "CONTRACTOR",
    "Intern": "INTERN",
    "Temporary": "TEMPORARY",
}
INTERVALS = {
    "1 YEAR": "YEAR",
    "1 MONTH": "MONTH",
    "1 WEEK": "WEEK",
    "1 DAY": "DAY",
    "1 HOUR": "HOUR",
}


def discover(source: dict):
    try:
        base, name = api_base(source, DEFAULT_API), board(source)
        data = get_jobs_listing(
            f"{base}/posting-api/job-board/{name}?includeCompensation=true", "Ashby"
        )
    except AtsError as exc:
        return failed(exc)
    records = {}
    for job in data["jobs"]:
        if job.get("isListed") is False or not job.get("jobUrl") or not job.get("title"):
            continue  # unlisted postings are not public
        records[key(job["jobUrl"])] = map_job(job, source.get("org_name"))
    return result(records, complete=True)


def map_job(job: dict, employer: str | None) -> dict:
    named = [job.get("location")] + [s.get("location") for s in job.get("secondaryLocations") or []]
    locations = [str(loc) for loc in named if loc]
    location = "; ".join(locations) or None
    mode = _mode_label(job)
    if mode and location and mode.lower() not in location.lower():
        location = f"{location} ({mode})"
    published = job.get("publishedAt")
    description = job.get("descriptionPlain") or text_of(job.get("descriptionHtml"))
    return job_record(
        title=job["title"].strip(),
        employer=employer,
        location=location or (mode if mode == "Remote" else None),
        locations=locations,
        remote=_remote(job, location, description),
        description=description,
        description_html=job.get("descriptionHtml"),
        apply_url=job.get("applyUrl") or job["jobUrl"],
        posted_on=(
            datetime.datetime.fromisoformat(published.replace("Z", "+00:00")).date()
            if published
            else None
        ),
        requirements=requirements_of(job.get("descriptionHtml")),
        employment_type=EMPLOYMENT.get(job.get("employmentType") or "")
        or schema_employment(job.get("employmentType")),
        salary=_salary(job.get("compensation") or {})
        or _summary_salary(job.get("compensation") or {})
        or salary_in_text(description),
        identifier=job.get("id"),
    )


# workplaceType, in the newer board API: hybrid and on-site jobs are not remote.
WORKPLACE = {"remote": True, "hybrid": False, "onsite": False, "on-site": False}


def _mode_label(job: dict) -> str | None:
    """ "Remote" or "Hybrid" for the location: workplaceType when given (a hybrid job can carry
    isRemote true: remote days), else isRemote."""
    mode = str(job.get("workplaceType") or "").lower()
    if mode in WORKPLACE:
        return {"remote": "Remote", "hybrid": "Hybrid"}.get(mode)
    return "Remote" if job.get("isRemote") else None


def _remote(job: dict, location: str | None, description: str | None) -> bool | None:
    """workplaceType, else isRemote, else what the location says ("Remote (EMEA)"), else
    what the description states."""
    mode = WORKPLACE.get(str(job.get("workplaceType") or "").lower())
    if mode is not None:
        return mode
    if isinstance(job.get("isRemote"), bool):
        return job["isRemote"]
    from_location = remote_flag(location)
    return from_location if from_location is not None else stated_remote(description)


def _salary(compensation: dict) -> dict | None:
    for component in compensation.get("summaryComponents") or []:
        if component.get("compensationType") == "Salary":
            return {
                "min": component.get("minValue"),
                "max": component.get("maxValue"),
                "currency": component.get("currencyCode"),
                "unit": INTERVALS.get(component.get("interval") or ""),
            }
    return None


def _summary_salary(compensation: dict) -> dict | None:
    """ "€90K – €120K" (compensationTierSummary) when no salary component is given."""
    summary = compensation.get("compensationTierSummary") or compensation.get(
        "scrapeableCompensationSalarySummary"
    )
    return salary_in_text(f"salary {summary}") if isinstance(summary, str) else None
