"""Breezy HR careers sites: GET https://{company}.breezy.hr/json (a flat list, one page).

The list gives title, place, type, date and pay but, on most boards, no description: a
position without one is returned as a plain URL so the crawler reads its page (which carries
JSON-LD) instead of inserting a job with no text; one with a description becomes a record.
Complete when the list arrived. An unknown company is redirected to Breezy's home page
(HTML), reported as such.
"""

from __future__ import annotations

from extraction.normalize import canonical_url
from ingestion.sources.ats.common import (
    AtsError,
    api_base,
    board,
    failed,
    get_json,
    iso_date,
    job_record,
    key,
    text_of,
)
from ingestion.sources.base import DiscoveryResult

TYPES = {
    "fulltime": "FULL_TIME",
    "parttime": "PART_TIME",
    "contract": "CONTRACTOR",
    "temporary": "TEMPORARY",
    "internship": "INTERN",
}


def discover(source: dict):
    try:
        company = board(source)
        base = api_base(source, f"https://{company}.breezy.hr")
        positions = get_json(f"{base}/json")
        if not isinstance(positions, list):
            return failed(AtsError("Breezy answered without a list of positions"))
    except AtsError as exc:
        return failed(exc)
    urls, records = [], {}
    for position in positions:
        if not isinstance(position, dict) or not position.get("url") or not position.get("name"):
            continue
        url = canonical_url(position["url"])
        urls.append(url)
        if position.get("description"):
            records[key(url)] = map_position(position, source.get("org_name"))
    return DiscoveryResult(urls=urls, complete=True, records=records)


def map_position(position: dict, employer: str | None) -> dict:
    places = position.get("locations") or (
        [position["location"]] if position.get("location") else []
    )
    locations = list(
        dict.fromkeys(p for p in (_place(p) for p in places if isinstance(p, dict)) if p)
    )
    remote = any(p.get("is_remote") for p in places if isinstance(p, dict)) or None
    kind = str((position.get("type") or {}).get("id") or "").replace("-", "").lower()
    return job_record(
        title=position["name"].strip(),
        employer=(position.get("company") or {}).get("name") or employer,
        location="; ".join(locations) or ("Remote" if remote else None),
        locations=locations,
        remote=remote,
        description=text_of(position.get("description")),
        description_html=position.get("description"),
        apply_url=position["url"],
        posted_on=iso_date(position.get("published_date")),
        employment_type=TYPES.get(kind),
        identifier=str(position.get("id") or "") or None,
    )


def _place(place: dict) -> str:
    if place.get("name"):
        return str(place["name"])
    country = place.get("country") or {}
    state = place.get("state") or {}
    parts = (place.get("city"), state.get("name"), country.get("name"))
    return ", ".join(p for p in parts if p)
