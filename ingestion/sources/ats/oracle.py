"""Oracle Recruiting Cloud (Fusion HCM candidate experience): GET
/hcmRestApi/resources/latest/recruitingCEJobRequisitions?onlyData=true&expand=
requisitionList.secondaryLocations&finder=findReqs;siteNumber={site},limit=,offset=,sortBy= then
recruitingCEJobRequisitionDetails with the ById finder per requisition for its text.

board_token is the siteNumber ("CX_1") and config["host"] the Fusion host
("acme.fa.us2.oraclecloud.com"); config["api_base"] replaces the host. limit and offset go
inside the finder, not the query string. The answer holds one search item with TotalJobsCount
and its requisitionList. The API serves a window of 10,000 results: a site with more is
incomplete. The listing is complete when the requisitions read equal TotalJobsCount and every
detail read in discovery arrived. A requisition's detail is read again only when its list entry
changed (a hash of it), it is new or archived, or its re-verify is due; past the discovery's
detail budget it is handed to the crawl stage (read_detail). A job's URL is its candidate
experience page, /hcmUI/CandidateExperience/en/sites/{site}/job/{Id}.
"""

from __future__ import annotations

from urllib.parse import quote

from ingestion.sources.ats.common import (
    AtsError,
    Details,
    api_base,
    board,
    capped,
    get_json,
    get_listing,
    iso_date,
    job_record,
    key,
    listing_key,
    option,
    read_json,
    result,
    text_of,
)

PAGE = 25
SORT = "POSTING_DATES_DESC"
WINDOW = 10_000
RESOURCES = "/hcmRestApi/resources/latest"
SCHEDULES = {"full time": "FULL_TIME", "part time": "PART_TIME"}
WORKPLACE = {"remote": True, "on-site": False, "onsite": False}
DETAIL_TEXT = ("ExternalDescriptionStr", "ExternalResponsibilitiesStr", "ExternalQualificationsStr")


def discover(source: dict):
    size = min(int((source.get("config") or {}).get("page_size", PAGE)), 200)
    records: dict[str, dict] = {}
    details = Details.of(source)
    try:
        base, site = _site(source)
        found, total = _list(base, site, size)
        missing = _details(base, site, found, source.get("org_name"), records, details)
    except AtsError as exc:
        return capped(records, exc, details)
    notes = []
    if total > WINDOW:
        notes.append(f"the site reports {total} jobs, beyond the API's {WINDOW}-result window")
    elif len(found) != total:
        notes.append(f"listed {len(found)} of {total} requisitions")
    if missing:
        notes.append(f"{len(missing)} requisition detail(s) unavailable: {', '.join(missing)}")
    if notes:
        note = f"Oracle: {'; '.join(notes)}"[:1000]
        return result(records, complete=False, note=note, details=details)
    return result(records, complete=True, details=details)


def _site(source: dict) -> tuple[str, str]:
    site = board(source)
    if (source.get("config") or {}).get("api_base"):
        return api_base(source, ""), site
    host = option(source, "host", r"[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+", "the Fusion host name")
    return f"https://{host}", site


def _list(base: str, site: str, size: int) -> tuple[dict[str, dict], int]:
    """{requisition Id: entry} read page by page, and TotalJobsCount."""
    found: dict[str, dict] = {}
    total, offset = None, 0
    while total is None or offset < min(total, WINDOW):
        finder = (
            f"findReqs;siteNumber={site},limit={size},offset={offset},sortBy=POSTING_DATES_DESC"
        )
        url = (
            f"{base}{RESOURCES}/recruitingCEJobRequisitions?onlyData=true"
            f"&expand=requisitionList.secondaryLocations&finder={finder}"
        )
        search = _search_item(get_listing(url, "Oracle", "items"), url)
        total = int(search.get("TotalJobsCount") or 0)
        page = [r for r in search.get("requisitionList") or [] if isinstance(r, dict)]
        for requisition in page:
            if requisition.get("Id") and requisition.get("Title"):
                found.setdefault(str(requisition["Id"]), requisition)
        if not page:
            break
        offset += size
    return found, total or 0


def _search_item(data: dict, url: str) -> dict:
    items = data["items"]
    if not items or not isinstance(items[0], dict):
        raise AtsError(f"Oracle answered {url} without a search item")
    return items[0]


def _details(
    base: str, site: str, found: dict, employer: str | None, records: dict, details: Details
) -> list[str]:
    """Each new or changed requisition's detail into `records` (or, past the discovery's
    budget, handed to the crawl stage); returns the Ids whose detail failed."""
    missing = []
    for ident, requisition in found.items():
        entry = listing_key(ident, requisition)
        if details.unchanged_entry(entry):
            continue
        finder = f"ById;Id={quote(chr(34) + ident + chr(34))},siteNumber={site}"
        api = f"{base}{RESOURCES}/recruitingCEJobRequisitionDetails?expand=all&onlyData=true"
        url = key(f"{base}/hcmUI/CandidateExperience/en/sites/{site}/job/{quote(ident)}")
        spec = {
            "kind": "oracle",
            "api": f"{api}&finder={finder}",
            "url": url,
            "requisition": requisition,
        }
        if details.hand_on(url, entry, {**spec, "employer": employer}):
            continue
        try:
            records[details.read(url, entry)] = read_detail(spec, get_json, employer)
        except AtsError:
            missing.append(ident)
    return missing


def read_detail(spec: dict, get=read_json, employer: str | None = None) -> dict:
    """The record of one requisition from its detail (discovery's get_json, or the crawl
    stage's read_json whose failures are retried like a page's)."""
    data = get(spec["api"])
    items = data.get("items") if isinstance(data, dict) else None
    if not isinstance(items, list) or not items or not isinstance(items[0], dict):
        raise AtsError(f"Oracle answered {spec['api']} without the requisition's item")
    employer = employer or spec.get("employer")
    return map_requisition(spec["requisition"], items[0], employer, spec["url"])


def map_requisition(requisition: dict, detail: dict, employer: str | None, url: str) -> dict:
    places = [requisition.get("PrimaryLocation")] + [
        s.get("Name") for s in requisition.get("secondaryLocations") or [] if isinstance(s, dict)
    ]
    locations = list(dict.fromkeys(str(p) for p in places if p))
    markup = "".join(detail.get(name) or "" for name in DETAIL_TEXT)
    workplace = str(detail.get("WorkplaceType") or requisition.get("WorkplaceType") or "")
    return job_record(
        title=str(detail.get("Title") or requisition["Title"]).strip(),
        employer=employer,
        location="; ".join(locations) or None,
        locations=locations,
        remote=WORKPLACE.get(workplace.lower()),
        description=text_of(markup) or requisition.get("ShortDescriptionStr"),
        description_html=markup,
        apply_url=url,
        posted_on=iso_date(requisition.get("PostedDate") or detail.get("ExternalPostedStartDate")),
        employment_type=SCHEDULES.get(str(detail.get("JobSchedule") or "").lower()),
        identifier=str(requisition["Id"]),
    )
