"""Recruitee careers sites: GET https://{company}.recruitee.com/api/offers/ (one page, no total).

Every published offer carries its whole text, so the listing is the only call; it is complete
when the site answered an "offers" list (an unknown company answers 404).
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

EMPLOYMENT = {
    "fulltime": "FULL_TIME",
    "parttime": "PART_TIME",
    "contract": "CONTRACTOR",
    "freelance": "CONTRACTOR",
    "internship": "INTERN",
    "traineeship": "INTERN",
    "temporary": "TEMPORARY",
}


def discover(source: dict):
    try:
        company = board(source)
        base = api_base(source, f"https://{company}.recruitee.com")
        data = get_listing(f"{base}/api/offers/", "Recruitee", "offers")
    except AtsError as exc:
        return failed(exc)
    records = {}
    for offer in data["offers"]:
        if not isinstance(offer, dict) or offer.get("status", "published") != "published":
            continue  # drafts and closed offers are not public
        if offer.get("careers_url") and offer.get("title"):
            records[key(offer["careers_url"])] = map_offer(offer, source.get("org_name"))
    return result(records, complete=True)


def map_offer(offer: dict, employer: str | None) -> dict:
    locations = [_place(p) for p in offer.get("locations") or [] if isinstance(p, dict)]
    locations = [p for p in dict.fromkeys(locations) if p]
    if not locations and offer.get("location"):
        locations = [offer["location"]]
    location = "; ".join(locations) or None
    if offer.get("remote") and location and "remote" not in location.lower():
        location = f"{location} (Remote)"
    body = offer.get("description") or ""
    return job_record(
        title=offer["title"].strip(),
        employer=offer.get("company_name") or employer,
        location=location or ("Remote" if offer.get("remote") else None),
        locations=locations,
        remote=True if offer.get("remote") else (False if offer.get("on_site") else None),
        description=text_of(body + (offer.get("requirements") or "")),
        description_html=body + (offer.get("requirements") or ""),
        apply_url=offer.get("careers_apply_url") or offer["careers_url"],
        posted_on=iso_date(offer.get("published_at") or offer.get("created_at")),
        requirements=list_items(offer.get("requirements")),
        employment_type=_employment(offer.get("employment_type_code")),
        salary=_salary(offer.get("salary")),
        identifier=str(offer.get("id") or "") or None,
    )


def _place(place: dict) -> str:
    parts = (place.get("city"), place.get("state"), place.get("country"))
    return place.get("name") or ", ".join(p for p in parts if p)


def _employment(code: str | None) -> str | None:
    """Codes such as "fulltime_permanent" or "parttime_fixed_term": the prefix decides."""
    prefix = (code or "").replace("_", "").lower()
    return next((v for k, v in EMPLOYMENT.items() if prefix.startswith(k)), None)


def _salary(salary: object) -> dict | None:
    if not isinstance(salary, dict) or not (salary.get("min") or salary.get("max")):
        return None
    return {
        "min": _number(salary.get("min")),
        "max": _number(salary.get("max")),
        "currency": salary.get("currency"),
        "unit": PAY_UNITS.get(str(salary.get("period") or "").lower()),
    }


def _number(value: object) -> float | None:
    try:
        return float(value) if value not in (None, "") else None  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
