"""Comeet careers: GET https://www.comeet.co/careers-api/2.0/company/{uid}/positions?token=
{token}&details=true (one list with each position's text in `details`).

board_token is the company uid and config["token"] its public API token: both are in the
careers page's Comeet snippet. Complete when the list arrived; Comeet answers 400 "Token is
missing" or 401/403 for a wrong token, which is reported as such.
"""

from __future__ import annotations

from urllib.parse import quote

from ingestion.sources.ats.common import (
    AtsError,
    api_base,
    board,
    failed,
    get_json,
    iso_date,
    job_record,
    key,
    list_items,
    option,
    result,
    text_of,
)

DEFAULT_API = "https://www.comeet.co"
EMPLOYMENT = {
    "full-time": "FULL_TIME",
    "part-time": "PART_TIME",
    "contractor": "CONTRACTOR",
    "freelance": "CONTRACTOR",
    "internship": "INTERN",
    "temporary": "TEMPORARY",
}


def discover(source: dict):
    try:
        uid, token = _token(source)
        base = api_base(source, DEFAULT_API)
        query = f"token={quote(token)}&details=true"
        positions = get_json(f"{base}/careers-api/2.0/company/{uid}/positions?{query}")
    except AtsError as exc:
        if "http_4xx" in str(exc):
            exc = AtsError(f"Comeet refused the company uid with its token (wrong token?): {exc}")
        return failed(exc)
    if not isinstance(positions, list):
        return failed(AtsError("Comeet answered without a list of positions"))
    records = {}
    for position in positions:
        if not isinstance(position, dict) or not position.get("name"):
            continue
        url = position.get("url_active_page") or position.get("url_comeet_hosted_page")
        if url:
            records[key(url)] = map_position(position, source.get("org_name"), url)
    return result(records, complete=True)


def _token(source: dict) -> tuple[str, str]:
    token = option(source, "token", r"[\w.-]+", "the public token of Comeet's careers API")
    return board(source), token


def map_position(position: dict, employer: str | None, url: str) -> dict:
    place = position.get("location") or {}
    location = place.get("name") or ", ".join(
        p for p in (place.get("city"), place.get("country")) if p
    )
    remote = place.get("is_remote") if isinstance(place.get("is_remote"), bool) else None
    if remote and location and "remote" not in location.lower():
        location = f"{location} (Remote)"
    sections = sorted(
        (d for d in position.get("details") or [] if isinstance(d, dict) and d.get("value")),
        key=lambda d: d.get("order") or 0,
    )
    markup = "".join(
        f"<h3>{d['name']}</h3>{d['value']}" if d.get("name") else d["value"] for d in sections
    )
    requirements = [
        item
        for d in sections
        if "requirement" in str(d.get("name") or "").lower()
        for item in list_items(d["value"])
    ]
    return job_record(
        title=position["name"].strip(),
        employer=position.get("company_name") or employer,
        location=location or ("Remote" if remote else None),
        remote=remote,
        description=text_of(markup),
        description_html=markup,
        apply_url=position.get("url_comeet_hosted_page") or url,
        posted_on=iso_date(position.get("time_updated")),
        requirements=requirements,
        employment_type=EMPLOYMENT.get(str(position.get("employment_type") or "").lower()),
        identifier=position.get("uid"),
    )
