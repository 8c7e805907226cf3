"""ExtractedJob's JSON form: what the crawl stage stores and the insert stage reads back."""

from __future__ import annotations

import datetime
import json

from extraction.types import ExtractedJob


def full_job() -> ExtractedJob:
    return ExtractedJob(
        title="Backend Engineer",
        employer="Northwind Tools",
        location="Leeds, GB; Remote",
        deadline=datetime.date(2026, 12, 31),
        description="Build things.",
        apply_url="https://example.com/jobs/1",
        posted_on=datetime.date(2026, 11, 2),
        requirements=["Python", "SQL"],
        employment_type="FULL_TIME",
        salary={"min": 55000.0, "max": 68000.0, "currency": "GBP", "unit": "YEAR"},
        identifier="NW-1",
        provenance={"title": {"source": "jsonld", "confidence": 0.95}},
    )


def test_it_serialises_dates_as_iso_strings():
    data = full_job().to_json()

    assert data["deadline"] == "2026-12-31"
    assert data["posted_on"] == "2026-11-02"
    assert json.loads(json.dumps(data)) == data


def test_it_round_trips_through_json():
    job = full_job()

    assert ExtractedJob.from_json(json.loads(json.dumps(job.to_json()))) == job
    assert ExtractedJob.from_json(ExtractedJob().to_json()) == ExtractedJob()


def test_it_loads_an_empty_record_and_ignores_unknown_keys():
    assert ExtractedJob.from_json({}) == ExtractedJob()
    assert ExtractedJob.from_json({"title": "QA", "added_later": 1}).title == "QA"


def test_it_does_not_share_containers_with_the_serialised_form():
    data = full_job().to_json()

    job = ExtractedJob.from_json(data)
    job.requirements.append("Go")
    job.provenance["title"]["confidence"] = 0.1

    assert data["requirements"] == ["Python", "SQL"]
    assert data["provenance"]["title"]["confidence"] == 0.95
