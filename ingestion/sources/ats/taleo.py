"""Oracle Taleo career sections: POST https://{tenant}.taleo.net/careersection/rest/jobboard/
searchjobs?lang=en&portal={portal} {"pageNo": n, ...}, the JSON search the section's own
page calls.

board_token is the tenant and config names the career section and its portal number
({"section": "ex", "portal": "101430233"}): the section names the public job pages, the
portal is what the search takes. The endpoint answers 500
without a time-zone header, so one is sent. Each requisition lists `contestNo` and `column`
(title, location, date) but no description, and Taleo's job pages render in the browser, so
the listing fields are the record. Complete when the distinct requisitions read equal
pagingData.totalCount (Taleo caches pages by number, so a count that drifts is caught
here); a section reporting careerSectionUnAvailable is an error.
"""

from __future__ import annotations

import datetime
import json

from ingestion.sources.ats.common import (
    AtsError,
    api_base,
    board,
    capped,
    get_listing,
    job_record,
    key,
    option,
    result,
)

MAX_PAGES = 200
HEADERS = {"tz": "GMT+00:00", "tzname": "UTC"}


def discover(source: dict):
    records: dict[str, dict] = {}
    try:
        section = option(
            source, "section", r"[\w-]+", "the career section, as in /careersection/ex/"
        )
        portal = option(source, "portal", r"\d+", "the section's portal number")
        base = api_base(source, f"https://{board(source)}.taleo.net")
        seen, total = _list(base, section, portal, source, records)
    except AtsError as exc:
        return capped(records, exc)
    if seen != total:
        note = f"Taleo listed {seen} distinct requisitions of {total}: listing incomplete"
        return result(records, complete=False, note=note)
    return result(records, complete=True)


def _list(base: str, section: str, portal: str, source: dict, records: dict) -> tuple[int, int]:
    """Read pages into `records`; returns (distinct requisitions seen, totalCount)."""
    url = f"{base}/careersection/rest/jobboard/searchjobs?lang=en&portal={portal}"
    seen: set[str] = set()
    total, page = 0, 1
    while page <= MAX_PAGES:
        data = get_listing(url, "Taleo", "requisitionList", json_body=_query(page), headers=HEADERS)
        if data.get("careerSectionUnAvailable"):
            raise AtsError(
                f"Taleo says career section {section!r} (portal {portal}) is unavailable"
            )
        paging = data.get("pagingData") or {}
        total, size = int(paging.get("totalCount") or 0), int(paging.get("pageSize") or 25)
        for requisition in data["requisitionList"]:
            number = str((requisition or {}).get("contestNo") or "")
            columns = (requisition or {}).get("column") or []
            if not number or not columns:
                continue
            seen.add(number)
            job_url = f"{base}/careersection/{section}/jobdetail.ftl?job={number}&lang=en"
            records[key(job_url)] = map_requisition(requisition, source.get("org_name"), job_url)
        if not data["requisitionList"] or page * size >= total:
            return len(seen), total
        page += 1
    raise AtsError(f"Taleo listing longer than {MAX_PAGES} pages")


def _query(page: int) -> dict:
    return {
        "multilineEnabled": False,
        "sortingSelection": {"sortBySelectionParam": "3", "ascendingSortingOrder": "false"},
        "fieldData": {"fields": {"KEYWORD": "", "LOCATION": ""}, "valid": True},
        "filterSelectionParam": {"searchFilterSelections": []},
        "advancedSearchFiltersSelectionParam": {"searchFilterSelections": []},
        "pageNo": page,
    }


def map_requisition(requisition: dict, employer: str | None, url: str) -> dict:
    columns = [str(c) if c is not None else "" for c in requisition["column"]]
    locations = _locations(columns[1] if len(columns) > 1 else "")
    return job_record(
        title=columns[0].strip(),
        employer=employer,
        location="; ".join(locations) or None,
        locations=locations,
        apply_url=url,
        posted_on=_date(columns[2] if len(columns) > 2 else ""),
        identifier=str(requisition["contestNo"]),
    )


def _locations(value: str) -> list[str]:
    """A location column is plain text or a JSON list of places ('["Toronto, ON"]')."""
    value = value.strip()
    if value.startswith("["):
        try:
            return [str(v).strip() for v in json.loads(value) if str(v).strip()]
        except ValueError:
            pass
    return [value] if value else []


def _date(value: str) -> datetime.date | None:
    for pattern in ("%b %d, %Y", "%d.%m.%Y", "%Y-%m-%d", "%m/%d/%Y"):
        try:
            return datetime.datetime.strptime(value.strip(), pattern).date()  # noqa: DTZ007
        except ValueError:
            continue
    return None
