"""Pinpoint job boards: GET https://{company}.pinpointhq.com/postings.json (one page).

Each posting carries its text in several HTML sections, so the listing is the only call; it is
complete when a "data" list arrived. Postings state no publication date; pay is read only
when the board shows it (`compensation_visible`).
"""

from __future__ import annotations

from ingestion.sources.ats.common import (
    PAY_UNITS,
    AtsError,
    api_base,
    board,
    failed,
    get_listing,
    iso_date,
    job_record,
    key,
    list_items,
    result,
    text_of,
)

SECTIONS = ("description", "key_responsibilities", "skills_knowledge_expertise", "benefits")
EMPLOYMENT = {
    "full_time": "FULL_TIME",
    "part_time": "PART_TIME",
    "contract": "CONTRACTOR",
    "temporary": "TEMPORARY",
    "internship": "INTERN",
}


def discover(source: dict):
    try:
        company = board(source)
        base = api_base(source, f"https://{company}.pinpointhq.com")
        data = get_listing(f"{base}/postings.json", "Pinpoint", "data")
    except AtsError as exc:
        return failed(exc)
    records = {}
    for posting in data["data"]:
        if not isinstance(posting, dict) or not posting.get("title"):
            continue
        url = posting.get("url") or (f"{base}{posting['path']}" if posting.get("path") else None)
        if url:
            records[key(url)] = map_posting(posting, source.get("org_name"), url)
    return result(records, complete=True)


def map_posting(posting: dict, employer: str | None, url: str) -> dict:
    place = posting.get("location") or {}
    location = ", ".join(p for p in (place.get("city"), place.get("name")) if p) or None
    workplace = (posting.get("workplace_type") or "").lower()
    if workplace == "remote":
        location = f"{location} (Remote)" if location else "Remote"
    markup = "".join(posting.get(name) or "" for name in SECTIONS)
    return job_record(
        title=posting["title"].strip(),
        employer=employer,
        location=location,
        remote={"remote": True, "onsite": False, "on_site": False}.get(workplace),
        description=text_of(markup),
        description_html=markup,
        apply_url=url,
        deadline=iso_date(posting.get("deadline_at")),
        requirements=list_items(posting.get("skills_knowledge_expertise")),
        employment_type=EMPLOYMENT.get((posting.get("employment_type") or "").lower()),
        salary=_salary(posting),
        identifier=str(posting.get("id") or "") or None,
    )


def _salary(posting: dict) -> dict | None:
    if not posting.get("compensation_visible"):
        return None
    low, high = posting.get("compensation_minimum"), posting.get("compensation_maximum")
    if low is None and high is None:
        return None
    return {
        "min": low,
        "max": high,
        "currency": posting.get("compensation_currency"),
        "unit": PAY_UNITS.get((posting.get("compensation_frequency") or "").lower()),
    }
