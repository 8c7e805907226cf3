"""Workable: the public widget listing, then each job's detail (by shortcode) for its text.

GET /api/v1/widget/accounts/{subdomain} and /api/v2/accounts/{subdomain}/jobs/{shortcode}.
A job's detail is read again only when its listing entry changed (the widget states no
updated_at: a hash of the entry), the job is new or archived, or its re-verify is due. Past the
discovery's detail budget the detail is handed to the crawl stage (read_detail); the job's URL
is the listing's `url` (else `shortlink`) either way.
"""

from __future__ import annotations

import datetime

from extraction.pay import salary_in_text
from ingestion.sources.ats.common import (
    AtsError,
    Details,
    api_base,
    board,
    failed,
    get_jobs_listing,
    get_json,
    job_record,
    key,
    list_items,
    listing_key,
    place,
    read_json,
    result,
    schema_employment,
    text_of,
)

DEFAULT_API = "https://apply.workable.com"
EMPLOYMENT = {
    "full-time": "FULL_TIME",
    "part-time": "PART_TIME",
    "contract": "CONTRACTOR",
    "temporary": "TEMPORARY",
    "internship": "INTERN",
}
# The detail's "workplace": hybrid and on-site jobs are not remote.
WORKPLACE = {"remote": True, "hybrid": False, "on_site": False, "onsite": False, "on-site": False}


def discover(source: dict):
    try:
        base, account = api_base(source, DEFAULT_API), board(source)
        listing = get_jobs_listing(f"{base}/api/v1/widget/accounts/{account}", "Workable")
    except AtsError as exc:
        return failed(exc)
    employer = listing.get("name") or source.get("org_name")
    records, missing, details = {}, [], Details.of(source)
    for job in listing["jobs"]:
        url, shortcode = job.get("url") or job.get("shortlink"), job.get("shortcode")
        if not url or not shortcode or not job.get("title"):
            continue
        entry = listing_key(shortcode, job)
        if details.unchanged_entry(entry):
            continue
        api = f"{base}/api/v2/accounts/{account}/jobs/{shortcode}"
        page = key(url)
        spec = {"kind": "workable", "api": api, "url": page, "job": job}
        if details.hand_on(page, entry, {**spec, "employer": employer}):
            continue
        try:
            records[details.read(page, entry)] = read_detail(spec, get_json, employer)
        except AtsError as exc:
            missing.append(f"{shortcode}: {exc}")
    if missing:
        return result(
            records,
            complete=False,
            note=f"{len(missing)} job detail(s) unavailable: {'; '.join(missing)[:500]}",
            details=details,
        )
    return result(records, complete=True, details=details)


def read_detail(spec: dict, get=read_json, employer: str | None = None) -> dict:
    """The record of one job from its listing entry and detail (discovery's get_json, or the
    crawl stage's read_json); a detail that is not an object leaves the entry's own text."""
    detail = get(spec["api"])
    detail = detail if isinstance(detail, dict) else {}
    return map_job(spec["job"], detail, employer or spec.get("employer"))


def _places(job: dict) -> list[str]:
    """Every place of a job: the widget's `locations` list (its first entry repeats the top
    level's city/state/country; hidden ones left out), else the top-level fields, else a
    `location` object (city/region/country, or its location_str)."""
    listed = [
        place(loc.get("city"), loc.get("region"), loc.get("country"))
        for loc in job.get("locations") or []
        if isinstance(loc, dict) and not loc.get("hidden")
    ]
    nested: dict = job["location"] if isinstance(job.get("location"), dict) else {}
    single = (
        place(job.get("city"), job.get("state"), job.get("country"))
        or place(nested.get("city"), nested.get("region"), nested.get("country"))
        or place(nested.get("location_str"))
    )
    return (
        list(dict.fromkeys(p for p in [*listed, single] if p))
        if any(listed)
        else ([single] if single else [])
    )


def map_job(job: dict, detail: dict, employer: str | None) -> dict:
    places = _places(job)
    # "Lisboa, Lisboa, Portugal": a city-state's region repeats its city (place drops it).
    where = "; ".join(places)
    nested: dict = job["location"] if isinstance(job.get("location"), dict) else {}
    mode = str(
        detail.get("workplace") or job.get("workplace") or nested.get("workplace_type") or ""
    ).lower()
    remote = WORKPLACE.get(mode)
    if remote is None:
        remote = bool(
            job.get("telecommuting") or nested.get("telecommuting") or detail.get("remote")
        )
    if remote:
        where = f"{where} (Remote)" if where else "Remote"
    elif mode == "hybrid" and where:
        where = f"{where} (Hybrid)"
    published = job.get("published_on") or job.get("created_at")
    description = text_of(detail.get("description") or job.get("description"))
    return job_record(
        title=job["title"].strip(),
        employer=employer,
        location=where or None,
        locations=places,
        remote=remote,
        description=description,
        description_html=detail.get("description") or job.get("description"),
        apply_url=job.get("application_url") or job.get("url") or job.get("shortlink"),
        posted_on=datetime.date.fromisoformat(published[:10]) if published else None,
        requirements=list_items(detail.get("requirements")),
        employment_type=EMPLOYMENT.get((job.get("employment_type") or "").lower())
        or schema_employment(job.get("employment_type")),
        salary=salary_in_text(
            " ".join(filter(None, (description, text_of(detail.get("benefits")))))
        ),
        identifier=job.get("shortcode"),
    )
