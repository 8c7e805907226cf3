"""Rippling job boards: GET https://ats.rippling.com/api/v2/board/{board}/jobs?page=&pageSize=
({items, page, pageSize, totalItems, totalPages}), then /jobs/{id} per job for its text.

A job open in several places is listed once per location, so items are merged by id. The
listing is complete when every page up to totalPages was read, the items counted equal
totalItems and every job's detail read in discovery arrived. A job's detail is read again only
when its items changed (a hash of them), it is new or archived, or its re-verify is due; past
the discovery's detail budget it is handed to the crawl stage (read_detail). A job's URL is its
item's `url`. A detail marked unlistedFromSearch is no job: discovery leaves it out of the
listing, the crawl stage settles its URL `skipped`.
"""

from __future__ import annotations

import json

from ingestion.sources.ats.common import (
    PAY_UNITS,
    AtsError,
    Details,
    NotListed,
    api_base,
    board,
    capped,
    get_json,
    get_listing,
    iso_date,
    job_record,
    key,
    listing_key,
    read_json,
    result,
    text_of,
)

DEFAULT_API = "https://ats.rippling.com"
PAGE = 50
MAX_PAGES = 50
WORKPLACE = {"REMOTE": True, "ON_SITE": False}


def discover(source: dict):
    size = int((source.get("config") or {}).get("page_size", PAGE))
    records: dict[str, dict] = {}
    details = Details.of(source)
    employer = source.get("org_name")
    try:
        base, name = api_base(source, DEFAULT_API), board(source)
        jobs, gap = _list(f"{base}/api/v2/board/{name}/jobs", size)
        missing = []
        for ident, (item, places) in jobs.items():
            # Its places in a stable order: the items of one job can come on any page.
            entry = listing_key(ident, [item, sorted(places, key=_text)])
            if details.unchanged_entry(entry):
                continue
            url = key(item["url"])
            spec = {
                "kind": "rippling",
                "api": f"{base}/api/v2/board/{name}/jobs/{ident}",
                "url": url,
                "item": item,
                "places": places,
            }
            if details.hand_on(url, entry, {**spec, "employer": employer}):
                continue
            try:
                records[details.read(url, entry)] = read_detail(spec, get_json, employer)
            except NotListed:
                continue
            except AtsError as exc:
                missing.append(f"{ident}: {exc}")
    except AtsError as exc:
        return capped(records, exc, details)
    notes = ([gap] if gap else []) + (
        [f"{len(missing)} job detail(s) unavailable: {'; '.join(missing)[:500]}"] if missing else []
    )
    if notes:
        note = "Rippling: " + "; ".join(notes)
        return result(records, complete=False, note=note, details=details)
    return result(records, complete=True, details=details)


def _text(place: dict) -> str:
    return json.dumps(place, sort_keys=True, default=str)


def _list(url: str, size: int) -> tuple[dict[str, tuple[dict, list[dict]]], str]:
    """{job id: (its first item, every location item)} and a gap note ("" when whole)."""
    jobs: dict[str, tuple[dict, list[dict]]] = {}
    seen, total, pages = 0, None, 1
    page = 0
    while page < min(pages, MAX_PAGES):
        data = get_listing(f"{url}?page={page}&pageSize={size}", "Rippling", "items")
        total, pages = data.get("totalItems"), int(data.get("totalPages") or 0)
        for item in data["items"]:
            seen += 1
            if isinstance(item, dict) and item.get("id") and item.get("url") and item.get("name"):
                jobs.setdefault(str(item["id"]), (item, []))[1].extend(item.get("locations") or [])
        page += 1
    if pages > MAX_PAGES:
        return jobs, f"listing longer than {MAX_PAGES} pages"
    if isinstance(total, int) and seen != total:
        return jobs, f"listed {seen} of {total} items"
    return jobs, ""


def read_detail(spec: dict, get=read_json, employer: str | None = None) -> dict:
    """The record of one job from its items and detail (discovery's get_json, or the crawl
    stage's read_json); NotListed when the detail is not an object or is unlisted from search."""
    detail = get(spec["api"])
    if not isinstance(detail, dict):
        raise NotListed(f"Rippling answered {spec['api']} without a job object")
    if detail.get("unlistedFromSearch"):
        raise NotListed(f"Rippling marks {spec['api']} unlistedFromSearch")
    return map_job(spec["item"], spec["places"], detail, employer or spec.get("employer"))


def map_job(item: dict, places: list[dict], detail: dict, employer: str | None) -> dict:
    locations = list(dict.fromkeys(str(p["name"]) for p in places if p.get("name")))
    kinds = {str(p.get("workplaceType") or "").upper() for p in places}
    remote = WORKPLACE.get(kinds.pop()) if len(kinds) == 1 else None
    text = detail.get("description") or {}
    markup = "".join(text.get(part) or "" for part in ("role", "company"))
    return job_record(
        title=(detail.get("name") or item["name"]).strip(),
        employer=detail.get("companyName") or employer,
        location="; ".join(locations) or None,
        locations=locations,
        remote=remote,
        description=text_of(markup),
        description_html=markup,
        apply_url=item["url"],
        posted_on=iso_date(detail.get("createdOn")),
        employment_type=_employment((detail.get("employmentType") or {}).get("label")),
        salary=_salary(detail.get("payRangeDetails") or []),
        identifier=str(item["id"]),
    )


def _employment(label: str | None) -> str | None:
    """Labels such as SALARIED_FT, HOURLY_PT, CONTRACTOR, INTERN, TEMP."""
    label = (label or "").upper()
    for marker, kind in (
        ("_FT", "FULL_TIME"),
        ("_PT", "PART_TIME"),
        ("CONTRACT", "CONTRACTOR"),
        ("INTERN", "INTERN"),
        ("TEMP", "TEMPORARY"),
    ):
        if marker in label:
            return kind
    return None


def _salary(ranges: list) -> dict | None:
    for pay in ranges:
        if isinstance(pay, dict) and (pay.get("rangeStart") or pay.get("rangeEnd")):
            return {
                "min": pay.get("rangeStart"),
                "max": pay.get("rangeEnd"),
                "currency": pay.get("currency"),
                "unit": PAY_UNITS.get(str(pay.get("frequency") or "").lower()),
            }
    return None
