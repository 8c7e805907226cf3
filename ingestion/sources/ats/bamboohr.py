"""BambooHR careers sites: GET https://{company}.bamboohr.com/careers/list, then
/careers/{id}/detail per opening for its description.

An opening's detail is read again only when its list entry changed (a hash of it), it is new
or archived, or its re-verify is due; past the discovery's detail budget it is handed to the
crawl stage (read_detail). The opening's URL is /careers/{id} from its list entry's id, the page
its detail's jobOpeningShareUrl names (which stays the apply URL). The list is complete when it
holds meta.totalCount openings and every detail read in discovery arrived. An unknown company
answers 200 with BambooHR's home page (HTML), which is reported as such.
"""

from __future__ import annotations

from ingestion.sources.ats.common import (
    AtsError,
    Details,
    api_base,
    board,
    failed,
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

EMPLOYMENT = {
    "full-time": "FULL_TIME",
    "part-time": "PART_TIME",
    "contract": "CONTRACTOR",
    "contractor": "CONTRACTOR",
    "temporary": "TEMPORARY",
    "intern": "INTERN",
    "internship": "INTERN",
}


def discover(source: dict):
    try:
        company = board(source)
        base = api_base(source, f"https://{company}.bamboohr.com")
        listing = get_listing(f"{base}/careers/list", "BambooHR", "result")
    except AtsError as exc:
        return failed(exc)
    records, missing, details = {}, [], Details.of(source)
    employer = source.get("org_name")
    openings = [o for o in listing["result"] if isinstance(o, dict) and o.get("id")]
    for opening in openings:
        entry = listing_key(opening["id"], opening)
        if details.unchanged_entry(entry):
            continue
        page = f"{base}/careers/{opening['id']}"
        url = key(page)
        spec = {"kind": "bamboohr", "api": f"{page}/detail", "url": url, "opening": opening}
        if details.hand_on(url, entry, {**spec, "employer": employer}):
            continue
        try:
            records[details.read(url, entry)] = read_detail(spec, get_json, employer)
        except AtsError as exc:
            missing.append(f"{opening['id']}: {exc}")
    notes = []
    total = (listing.get("meta") or {}).get("totalCount")
    if isinstance(total, int) and total != len(openings):
        notes.append(f"BambooHR listed {len(openings)} of {total} openings")
    if missing:
        notes.append(f"{len(missing)} opening detail(s) unavailable: {'; '.join(missing)[:500]}")
    if notes:
        note = "; ".join(notes) + ": listing incomplete"
        return result(records, complete=False, note=note, details=details)
    return result(records, complete=True, details=details)


def read_detail(spec: dict, get=read_json, employer: str | None = None) -> dict:
    """The record of one opening from its detail (discovery's get_json, or the crawl stage's
    read_json whose failures are retried like a page's)."""
    data = get(spec["api"])
    job = ((data.get("result") or {}) if isinstance(data, dict) else {}).get("jobOpening")
    if not isinstance(job, dict):
        raise AtsError(f"{spec['api']} answered without result.jobOpening")
    url = job.get("jobOpeningShareUrl") or spec["url"]
    return map_opening(spec["opening"], job, employer or spec.get("employer"), url)


def map_opening(opening: dict, job: dict, employer: str | None, url: str) -> dict:
    place = job.get("location") or opening.get("atsLocation") or opening.get("location") or {}
    parts = (place.get("city"), place.get("state") or place.get("province"), place.get("country"))
    location = ", ".join(p for p in parts if p) or None
    remote = job.get("isRemote", opening.get("isRemote"))
    if remote and location:
        location = f"{location} (Remote)"
    status = str(job.get("employmentStatusLabel") or opening.get("employmentStatusLabel") or "")
    status = status.lower()
    return job_record(
        title=(job.get("jobOpeningName") or opening["jobOpeningName"]).strip(),
        employer=employer,
        location=location or ("Remote" if remote else None),
        remote=remote if isinstance(remote, bool) else None,
        description=text_of(job.get("description")),
        description_html=job.get("description"),
        apply_url=url,
        posted_on=iso_date(job.get("datePosted")),
        employment_type=next((v for k, v in EMPLOYMENT.items() if k in status), None),
        identifier=str(opening["id"]),
    )
