"""Teamtailor careers sites: GET https://{company}.teamtailor.com/jobs.rss?offset=&per_page=
(RSS 2.0 with a tt: namespace), pages until a short one.

The feed carries each job's whole description, so it is the only call. Without per_page the
feed stops at its first 100 items, so the adapter always pages; a page that cannot be read
after others were makes the listing incomplete with what was read.
"""

from __future__ import annotations

from email.utils import parsedate_to_datetime

from ingestion.pacing import Pacing
from ingestion.sources.ats.common import (
    AtsError,
    api_base,
    board,
    capped,
    get_xml,
    job_record,
    key,
    result,
    text_of,
)

PAGE = 100
MAX_PAGES = 50
TT = "{https://teamtailor.com/locations}"
REMOTE = {"fully": True, "none": False}  # "hybrid" and "temporary" stay unknown
# One host per company, one limit behind them: bursts near 60/s are refused.
PACING = Pacing(rate=10, concurrency=6)


def discover(source: dict):
    size = min(int((source.get("config") or {}).get("page_size", PAGE)), 200)
    records: dict[str, dict] = {}
    try:
        company = board(source)
        base = api_base(source, f"https://{company}.teamtailor.com")
        for page in range(MAX_PAGES):
            url = f"{base}/jobs.rss?offset={page * size}&per_page={size}"
            channel = get_xml(url, "Teamtailor", "rss").find("channel")
            if channel is None:
                return capped(records, AtsError(f"Teamtailor's feed at {url} has no <channel>"))
            employer = _text(channel, "title") or source.get("org_name")
            items = channel.findall("item")
            for item in items:
                if _text(item, "link") and _text(item, "title"):
                    records[key(_text(item, "link"))] = map_item(item, employer)
            if len(items) < size:
                return result(records, complete=True)
    except AtsError as exc:
        return capped(records, exc)
    return result(records, complete=False, note=f"Teamtailor feed longer than {MAX_PAGES} pages")


def map_item(item, employer: str | None) -> dict:
    places = []
    for place in item.iter(f"{TT}location"):
        name = _text(place, f"{TT}name")
        city, country = _text(place, f"{TT}city"), _text(place, f"{TT}country")
        places.append(", ".join(p for p in (city, country) if p) or name)
    locations = list(dict.fromkeys(p for p in places if p))
    status = _text(item, "remoteStatus").lower()
    location = "; ".join(locations) or None
    if status == "fully":
        location = f"{location} (Remote)" if location else "Remote"
    published = _text(item, "pubDate")
    return job_record(
        title=_text(item, "title"),
        employer=employer,
        location=location,
        locations=locations,
        remote=REMOTE.get(status),
        description=text_of(_text(item, "description")),
        description_html=_text(item, "description"),
        apply_url=_text(item, "link"),
        posted_on=_date(published),
        identifier=_text(item, "guid") or None,
    )


def _date(value: str):
    try:
        return parsedate_to_datetime(value).date() if value else None
    except (TypeError, ValueError):
        return None


def _text(element, path: str) -> str:
    found = element.find(path)
    return (found.text or "").strip() if found is not None else ""
