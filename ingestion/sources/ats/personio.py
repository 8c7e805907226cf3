"""Personio job pages: GET https://{company}.jobs.personio.de/xml?language=en (one XML feed).

Each <position> carries its whole text in <jobDescriptions>, so the feed is the only call; it
is complete when a <workzag-jobs> document arrived. config: "language" (default "en") and
"domain" ("jobs.personio.com" for companies hosted there).
"""

from __future__ import annotations

from urllib.parse import quote

from ingestion.sources.ats.common import (
    AtsError,
    api_base,
    board,
    failed,
    get_xml,
    iso_date,
    job_record,
    key,
    result,
    text_of,
)

KINDS = {
    "intern": "INTERN",
    "trainee": "INTERN",
    "working_student": "PART_TIME",
    "freelance": "CONTRACTOR",
    "temporary": "TEMPORARY",
}
SCHEDULES = {"full-time": "FULL_TIME", "part-time": "PART_TIME"}


def discover(source: dict):
    config = source.get("config") or {}
    language = quote(str(config.get("language", "en")))
    try:
        company = board(source)
        base = api_base(source, f"https://{company}.{config.get('domain', 'jobs.personio.de')}")
        root = get_xml(f"{base}/xml?language={language}", "Personio", "workzag-jobs")
    except AtsError as exc:
        return failed(exc)
    records = {}
    for position in root.iter("position"):
        ident, name = _text(position, "id"), _text(position, "name")
        if not ident or not name:
            continue
        url = f"{base}/job/{quote(ident)}?language={language}"
        records[key(url)] = map_position(position, source.get("org_name"), url)
    return result(records, complete=True)


def map_position(position, employer: str | None, url: str) -> dict:
    offices = [_text(position, "office")] + [
        (o.text or "").strip() for o in position.findall("additionalOffices/office")
    ]
    locations = list(dict.fromkeys(o for o in offices if o))
    sections = []
    for part in position.findall("jobDescriptions/jobDescription"):
        heading, value = _text(part, "name"), _text(part, "value")
        if value:
            sections.append(f"<h3>{heading}</h3>{value}" if heading else value)
    markup = "".join(sections)
    kind = _text(position, "employmentType").lower()
    return job_record(
        title=_text(position, "name"),
        employer=_text(position, "subcompany") or employer,
        location="; ".join(locations) or None,
        locations=locations,
        description=text_of(markup),
        description_html=markup,
        apply_url=f"{url}#apply",
        posted_on=iso_date(_text(position, "createdAt")),
        employment_type=KINDS.get(kind) or SCHEDULES.get(_text(position, "schedule").lower()),
        identifier=_text(position, "id"),
    )


def _text(element, path: str) -> str:
    found = element.find(path)
    return (found.text or "").strip() if found is not None else ""
