"""Manatal career pages: GET https://api.manatal.com/open/v3/career-page/{slug}/jobs/, a
Django REST page ({count, next, previous, results}) whose `next` link is followed.

Each result carries its whole description, so the pages are the only calls. The listing is
complete when `next` ran out and the results read equal `count`; a `next` link to another
host is not followed (incomplete). Public pages live at careers-page.com/{slug}/job/{hash}.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from ingestion.sources.ats.common import (
    AtsError,
    api_base,
    board,
    capped,
    get_listing,
    iso_date,
    job_record,
    key,
    result,
    text_of,
)

DEFAULT_API = "https://api.manatal.com"
CAREERS = "https://www.careers-page.com"
MAX_PAGES = 100


def discover(source: dict):
    config = source.get("config") or {}
    records: dict[str, dict] = {}
    try:
        base, slug = api_base(source, DEFAULT_API), board(source)
        careers = str(config.get("careers_base", CAREERS)).rstrip("/")
        seen, count = _list(base, slug, careers, source.get("org_name"), records)
    except AtsError as exc:
        return capped(records, exc)
    if isinstance(count, int) and seen != count:
        return result(
            records, complete=False, note=f"Manatal listed {seen} of {count} jobs: incomplete"
        )
    return result(records, complete=True)


def _list(
    base: str, slug: str, careers: str, employer: str | None, records: dict
) -> tuple[int, int | None]:
    """Follow `next` from the first page into `records`; returns (results seen, count)."""
    url: str | None = f"{base}/open/v3/career-page/{slug}/jobs/?page_size=100"
    seen, count = 0, None
    for _page in range(MAX_PAGES):
        if url is None:
            return seen, count
        data = get_listing(url, "Manatal", "results")
        count = data.get("count")
        for job in data["results"]:
            seen += 1
            if isinstance(job, dict) and job.get("hash") and job.get("position_name"):
                page_url = f"{careers}/{slug}/job/{job['hash']}"
                records[key(page_url)] = map_job(job, employer, page_url)
        url = _next(data.get("next"), base)
    if url is None:
        return seen, count
    raise AtsError(f"Manatal listing longer than {MAX_PAGES} pages")


def _next(link: object, base: str) -> str | None:
    if not link:
        return None
    if not isinstance(link, str) or urlsplit(link).netloc != urlsplit(base).netloc:
        raise AtsError(f"Manatal's next link {str(link)[:200]!r} leaves {base}: not followed")
    return link


def map_job(job: dict, employer: str | None, url: str) -> dict:
    parts = (job.get("city"), job.get("state"), job.get("country"))
    location = job.get("location_display") or ", ".join(p for p in parts if p) or None
    remote = job.get("is_remote") if isinstance(job.get("is_remote"), bool) else None
    if remote and location and "remote" not in location.lower():
        location = f"{location} (Remote)"
    return job_record(
        title=job["position_name"].strip(),
        employer=job.get("organization_name") or employer,
        location=location,
        remote=remote,
        description=text_of(job.get("description")),
        description_html=job.get("description"),
        apply_url=url,
        posted_on=iso_date(job.get("created_at")),
        identifier=str(job.get("id") or job["hash"]),
    )
