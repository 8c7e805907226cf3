"""SmartRecruiters: GET /v1/companies/{id}/postings?offset=&limit=100 (totalFound), then each
posting's detail through its `ref` for the job ad sections, only for a posting that is new,
archived, due for re-verify, or whose listing entry changed (a hash of it: the listing states
no update time).

Unlike the other adapters of READS_DETAILS it reads every detail inside discovery, whatever
JOBPIPE_DISCOVERY_DETAIL_BUDGET says: a posting's URL is its detail's postingUrl (the id and a
slug of the title), which no listing field gives, and a URL must not depend on where the detail
was read."""

from __future__ import annotations

import datetime

from extraction.pay import salary_in_text
from ingestion.pacing import Pacing
from ingestion.sources.ats.common import (
    AtsError,
    Details,
    api_base,
    board,
    failed,
    get_json,
    job_record,
    key,
    list_items,
    listing_key,
    place,
    result,
    schema_employment,
    text_of,
)

DEFAULT_API = "https://api.smartrecruiters.com"
# One API host for every company, about 8-10 requests/s before it answers 429.
PACING = Pacing(rate=8, concurrency=4)
PAGE = 100
MAX_PAGES = 50
EMPLOYMENT = {
    "full-time": "FULL_TIME",
    "part-time": "PART_TIME",
    "contract": "CONTRACTOR",
    "temporary": "TEMPORARY",
    "intern": "INTERN",
    "internship": "INTERN",
}


def discover(source: dict):
    records: dict[str, dict] = {}
    details = Details.of(source)
    size = min(int((source.get("config") or {}).get("page_size", PAGE)), PAGE)
    try:
        seen, total = _list(source, size, records, details)
    except AtsError as exc:
        if records or details.unchanged:
            return result(records, complete=False, note=str(exc), details=details)
        return failed(exc)
    if total is not None and seen != total:
        note = f"SmartRecruiters listed {seen} of {total} postings: listing incomplete"
        return result(records, complete=False, note=note, details=details)
    return result(records, complete=True, details=details)


def _list(
    source: dict, size: int, records: dict[str, dict], details: Details
) -> tuple[int, int | None]:
    """Page through the listing into `records`; returns (postings seen, totalFound)."""
    seen, total = 0, None
    base, company = api_base(source, DEFAULT_API), board(source)
    for page in range(MAX_PAGES):
        data = get_json(f"{base}/v1/companies/{company}/postings?offset={page * size}&limit={size}")
        if not isinstance(data, dict) or not isinstance(data.get("content"), list):
            raise AtsError("SmartRecruiters answered without a content list")
        total = data.get("totalFound")
        for posting in data["content"]:
            seen += 1
            entry = listing_key(posting.get("id"), posting)
            if details.unchanged_entry(entry):
                continue
            detail = get_json(_detail_url(base, company, posting))
            if not isinstance(detail, dict):
                raise AtsError("SmartRecruiters answered a posting's detail without an object")
            url = _public_url(company, posting, detail)
            job = map_posting(posting, detail, source.get("org_name"), url)
            records[details.read(key(url), entry)] = job
        if not data["content"] or seen >= (total or 0):
            return seen, total
    raise AtsError(f"SmartRecruiters listing longer than {MAX_PAGES} pages")


def _detail_url(base: str, company: str, posting: dict) -> str:
    ref = posting.get("ref") or ""
    if ref.startswith(base):
        return ref
    return f"{base}/v1/companies/{company}/postings/{posting['id']}"


def _public_url(company: str, posting: dict, detail: dict) -> str:
    return detail.get("postingUrl") or f"https://jobs.smartrecruiters.com/{company}/{posting['id']}"


def map_posting(posting: dict, detail: dict, employer: str | None, url: str) -> dict:
    where = posting.get("location") or {}
    # fullLocation names the country ("Montreal, QC, Canada"); `country` is an ISO code.
    location = place(*str(where.get("fullLocation") or "").split(",")) or place(
        where.get("city"), where.get("region"), str(where.get("country") or "").upper()
    )
    base = location
    if where.get("remote") and "remote" not in location.lower():
        location = f"{location} (Remote)" if location else "Remote"
    elif where.get("hybrid") and location:
        location = f"{location} (Hybrid)"
    sections = ((detail.get("jobAd") or {}).get("sections")) or {}
    description = text_of((sections.get("jobDescription") or {}).get("text"))
    released = posting.get("releasedDate")
    kind = ((posting.get("typeOfEmployment") or {}).get("label") or "").lower()
    if not kind:
        kind = _custom_field(posting, EMPLOYMENT_FIELDS).lower()
    return job_record(
        title=posting["name"].strip(),
        employer=(posting.get("company") or {}).get("name") or employer,
        location=location or None,
        locations=[base] if base else [],
        # A hybrid job is not remote; so is one whose location says neither.
        remote=bool(where.get("remote")) and not where.get("hybrid"),
        description=description,
        description_html=(sections.get("jobDescription") or {}).get("text"),
        apply_url=detail.get("applyUrl") or url,
        posted_on=(
            datetime.datetime.fromisoformat(released.replace("Z", "+00:00")).date()
            if released
            else None
        ),
        requirements=list_items((sections.get("qualifications") or {}).get("text")),
        employment_type=EMPLOYMENT.get(kind) or schema_employment(kind),
        salary=salary_in_text(
            " ".join(
                filter(
                    None,
                    (
                        description,
                        text_of((sections.get("additionalInformation") or {}).get("text")),
                    ),
                )
            )
        ),
        identifier=posting.get("refNumber") or str(posting.get("id")),
    )


# customField labels that carry the employment type when typeOfEmployment is missing.
EMPLOYMENT_FIELDS = ("employment type", "contract type", "contract", "type of employment")


def _custom_field(posting: dict, names: tuple[str, ...]) -> str:
    """The valueLabel of the first customField whose fieldLabel is one of `names`."""
    fields = {
        str(f.get("fieldLabel") or "").strip().lower(): str(f.get("valueLabel") or "")
        for f in posting.get("customField") or []
        if isinstance(f, dict)
    }
    return next((fields[n] for n in names if fields.get(n)), "")
