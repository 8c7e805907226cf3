"""What extraction produces: one job's fields with their provenance, and the page verdict."""

from __future__ import annotations

import dataclasses
import datetime
from dataclasses import dataclass, field
from typing import Any

_DATE_FIELDS = ("deadline", "posted_on")


@dataclass
class ExtractedJob:
    title: str | None = None
    employer: str | None = None
    location: str | None = None  # every place, joined with "; " (the jobs table's location_raw)
    locations: list[str] = field(default_factory=list)  # the same places, one per item
    remote: bool | None = None  # True remote, False on-site, None unknown
    deadline: datetime.date | None = None  # schema.org validThrough
    description: str | None = None  # clean text
    description_html: str | None = None  # sanitised HTML (nh3: no scripts, styles, handlers)
    apply_url: str | None = None  # absolute URL
    posted_on: datetime.date | None = None  # schema.org datePosted
    requirements: list[str] = field(default_factory=list)
    employment_type: str | None = None  # FULL_TIME, PART_TIME, CONTRACTOR, TEMPORARY, INTERN...
    salary: dict | None = None  # {"min": float|None, "max": float|None, "currency", "unit"}
    identifier: str | None = None
    # field name -> {"source": "ats"|"jsonld"|"microdata"|"rdfa"|"heuristic", "confidence": 0..1}
    provenance: dict[str, dict] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """A JSON-serialisable dict: dates become ISO strings, containers are copied.
        (Hand-rolled rather than dataclasses.asdict, whose deep copies cost more than the
        whole JSON-LD parse of a page.)"""
        data = {f.name: _copy(getattr(self, f.name)) for f in dataclasses.fields(self)}
        for name in _DATE_FIELDS:
            value = data[name]
            data[name] = value.isoformat() if value is not None else None
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ExtractedJob:
        """The inverse of to_json. Unknown keys are ignored so older stored records still load."""
        names = {f.name for f in dataclasses.fields(cls)}
        values = {k: v for k, v in data.items() if k in names}
        for name in _DATE_FIELDS:
            if values.get(name):
                values[name] = datetime.date.fromisoformat(values[name])
        values["requirements"] = list(values.get("requirements") or [])
        values["locations"] = list(values.get("locations") or [])
        values["provenance"] = {k: dict(v) for k, v in (values.get("provenance") or {}).items()}
        if values.get("salary") is not None:
            values["salary"] = dict(values["salary"])
        return cls(**values)

    def empty_fields(self) -> list[str]:
        """Names of the data fields (not provenance) that hold no value yet: None, "", [] or {}
        (False and 0 are values). Called several times per page, so a filled value is not
        compared with each of the four."""
        return [
            name
            for name in _DATA_FIELDS
            if (value := getattr(self, name)) is None
            or (not value and isinstance(value, _EMPTY_TYPES))
        ]


_DATA_FIELDS = tuple(f.name for f in dataclasses.fields(ExtractedJob) if f.name != "provenance")


_EMPTY_TYPES = (str, list, dict)  # a tuple: `str | list | dict` is rebuilt on every call


def _copy(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_copy(v) for v in value]
    return value


@dataclass
class Extraction:
    is_job: bool
    reason: str  # e.g. "jsonld JobPosting", "listing page: 12 job links"
    job: ExtractedJob | None
    score: float  # 0..1 job-likeness


@dataclass(frozen=True)
class DiscoveryContext:
    """What discovery knew about a URL before it was fetched: a careers-page or sitemap entry
    is a strong prior that the page is a job, its link text a title candidate and the source's
    organisation the employer when the page names none."""

    anchor_text: str | None = None
    employer: str | None = None
    from_listing: bool = True  # found as a job link of a listing or sitemap
