"""Workday: POST /wday/cxs/{tenant}/{site}/jobs {"limit": 20, "offset": n, "appliedFacets"},
then GET /wday/cxs/{tenant}/{site}{externalPath} per job for its description.

board_token is the tenant and config names the rest, as in
https://acme.wd5.myworkdayjobs.com/External: token "acme", config {"pod": "wd5", "site":
"External"}; config["api_base"] replaces the host (then the pod is not needed).

Workday states `total` on the first page of a search only, and caps it (2,000). A search whose
total reaches the cap is split by a facet whose values cover every job (location, job family,
...) into searches under the cap, two levels deep at most; a part that stays at the cap, or any
search read short of its total, makes the listing incomplete.

A listing entry has no updated_at: a job's detail is read again only when the entry (title,
path, places, bullet fields; not the relative "Posted 3 Days Ago") changed, the job is new or
archived, or its re-verify is due (ats.common.Details).
"""

from __future__ import annotations

from ingestion.sources.ats.common import (
    AtsError,
    Details,
    api_base,
    board,
    capped,
    get_json,
    iso_date,
    job_record,
    key,
    listing_key,
    option,
    read_json,
    result,
    text_of,
)

PAGE = 20  # the CXS API refuses a larger limit
CAP = 2000
MAX_DEPTH = 2
TIME_TYPES = {"full time": "FULL_TIME", "part time": "PART_TIME"}


def discover(source: dict):
    cap = int((source.get("config") or {}).get("total_cap", CAP))
    found: dict[str, dict] = {}  # externalPath -> listing entry
    gaps: list[str] = []
    records: dict[str, dict] = {}
    details = Details.of(source)
    try:
        cxs, public = _endpoints(source)
        _search(cxs, {}, cap, 0, found, gaps)
        missing = _details(cxs, public, found, source.get("org_name"), records, details)
    except AtsError as exc:
        return capped(records, exc, details)
    if gaps or missing:
        note = "; ".join(gaps + [f"{len(missing)} job detail(s) unavailable: {', '.join(missing)}"])
        note = f"Workday listing incomplete: {note}"[:1000]
        return result(records, complete=False, note=note, details=details)
    return result(records, complete=True, details=details)


def _endpoints(source: dict) -> tuple[str, str]:
    """(the CXS API root of the site, its public site root)."""
    tenant = board(source)
    site = option(source, "site", r"[\w-]+", "the career site's name, as in .../External")
    if (source.get("config") or {}).get("api_base"):
        base = api_base(source, "")
    else:
        pod = option(source, "pod", r"wd\d+", "the Workday pod, as in acme.wd5.myworkdayjobs.com")
        base = f"https://{tenant}.{pod}.myworkdayjobs.com"
    return f"{base}/wday/cxs/{tenant}/{site}", f"{base}/{site}"


def _search(
    cxs: str, facets: dict, cap: int, depth: int, found: dict[str, dict], gaps: list[str]
) -> None:
    """Read one search (the whole site, or one facet value of it) into `found`."""
    first = _page(cxs, facets, 0)
    total = first.get("total")
    if not isinstance(total, int):
        raise AtsError(f"Workday answered {cxs}/jobs without a total")
    if total >= cap:
        split = _split(first, facets, total) if depth < MAX_DEPTH else None
        if split is not None:
            param, ids = split
            for value in ids:
                _search(cxs, {**facets, param: [value]}, cap, depth + 1, found, gaps)
            return
        gaps.append(f"{_name(facets)} reports {total} jobs, Workday's cap, and no facet splits it")
    seen = _add(first, found)
    offset = PAGE
    while offset < min(total, cap):
        page = _page(cxs, facets, offset)
        if not page["jobPostings"]:
            break
        seen += _add(page, found)
        offset += PAGE
    if seen < min(total, cap):
        gaps.append(f"{_name(facets)} listed {seen} of {total} jobs")


def _page(cxs: str, facets: dict, offset: int) -> dict:
    body = {"appliedFacets": facets, "limit": PAGE, "offset": offset, "searchText": ""}
    data = get_json(f"{cxs}/jobs", json_body=body)
    if not isinstance(data, dict) or not isinstance(data.get("jobPostings"), list):
        raise AtsError(f"Workday answered {cxs}/jobs without a jobPostings list")
    return data


def _add(page: dict, found: dict[str, dict]) -> int:
    postings = [p for p in page["jobPostings"] if isinstance(p, dict)]
    for posting in postings:
        if posting.get("externalPath") and posting.get("title"):
            found.setdefault(posting["externalPath"], posting)
    return len(postings)


def _split(first: dict, applied: dict, total: int) -> tuple[str, list[str]] | None:
    """The facet (not yet applied) whose values cover all `total` jobs in the smallest parts:
    (its parameter, its value ids), or None. Facet groups nest one level (locationMainGroup
    holds locations)."""
    candidates = []
    for facet in _facets(first.get("facets") or []):
        values = [v for v in facet.get("values") or [] if v.get("id") and v.get("count")]
        param = facet.get("facetParameter")
        if not param or param in applied or not values:
            continue
        counts = [int(v["count"]) for v in values]
        if sum(counts) >= total:
            candidates.append((max(counts), param, [str(v["id"]) for v in values]))
    if not candidates:
        return None
    _largest, param, ids = min(candidates, key=lambda c: c[0])
    return param, ids


def _facets(facets: list) -> list[dict]:
    flat = []
    for facet in facets:
        if not isinstance(facet, dict):
            continue
        nested = [v for v in facet.get("values") or [] if isinstance(v, dict) and "values" in v]
        flat.extend(nested if nested else [facet])
    return flat


def _name(facets: dict) -> str:
    if not facets:
        return "the site"
    return "the search " + ", ".join(f"{k}={'+'.join(v)}" for k, v in facets.items())


def _details(
    cxs: str,
    public: str,
    found: dict[str, dict],
    employer: str | None,
    records: dict,
    details: Details,
) -> list[str]:
    """Each new or changed job's detail into `records` (or, past the discovery's budget, handed
    to the crawl stage); returns the externalPaths whose detail failed."""
    missing = []
    for path, posting in found.items():
        entry = listing_key(path, posting, ignore=("postedOn",))
        if details.unchanged_entry(entry):
            continue
        # The job's URL is its public page (the detail's externalUrl is the same page).
        url = key(f"{public}{path}")
        spec = {"kind": "workday", "api": f"{cxs}{path}", "url": url, "posting": posting}
        if details.hand_on(url, entry, {**spec, "employer": employer}):
            continue
        try:
            records[details.read(url, entry)] = read_detail(spec, get_json, employer)
        except AtsError:
            missing.append(path)
    return missing


def read_detail(spec: dict, get=read_json, employer: str | None = None) -> dict:
    """The record of one job from its detail (discovery's get_json, or the crawl stage's
    read_json whose failures are retried like a page's)."""
    detail = get(spec["api"])
    if not isinstance(detail, dict) or not isinstance(detail.get("jobPostingInfo"), dict):
        raise AtsError(f"Workday answered {spec['api']} without a jobPostingInfo")
    url = detail["jobPostingInfo"].get("externalUrl") or spec["url"]
    return map_job(spec["posting"], detail, employer or spec.get("employer"), url)


def map_job(posting: dict, detail: dict, employer: str | None, url: str) -> dict:
    info = detail.get("jobPostingInfo") or {}
    places = [info.get("location"), *(info.get("additionalLocations") or [])]
    locations = [str(p) for p in places if p] or (
        [posting["locationsText"]] if posting.get("locationsText") else []
    )
    remote = _remote(info.get("remoteType"))
    bullets = posting.get("bulletFields") or []
    return job_record(
        title=(info.get("title") or posting["title"]).strip(),
        employer=(detail.get("hiringOrganization") or {}).get("name") or employer,
        location="; ".join(locations) or None,
        locations=locations,
        remote=remote,
        description=text_of(info.get("jobDescription")),
        description_html=info.get("jobDescription"),
        apply_url=url,
        posted_on=iso_date(info.get("startDate")),
        employment_type=TIME_TYPES.get(str(info.get("timeType") or "").lower()),
        identifier=info.get("jobReqId") or (str(bullets[0]) if bullets else None),
    )


def _remote(value: object) -> bool | None:
    """remoteType is a string or {"descriptor": ...}: "Fully Remote", "Hybrid", "On-site"."""
    text = str((value.get("descriptor") if isinstance(value, dict) else value) or "").lower()
    if "remote" in text and "hybrid" not in text:
        return True
    if "site" in text or "office" in text:
        return False
    return None
