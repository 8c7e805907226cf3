"""Insert stage, the write: new, update, unchanged, restore, shadow."""

from __future__ import annotations

import datetime

import pytest
from django.db import transaction
from django.utils import timezone

from extraction.models import Job, JobStatus, ShadowJob
from extraction.normalize import canonical_hash
from extraction.upsert import MissingFields, job_row, upsert_job
from tests.factories import extracted_job, make_source

pytestmark = pytest.mark.django_db


def row_for(job, source, *, fetched_at=None):
    return job_row(
        job,
        source_id=source.id,
        page_url="http://127.0.0.1:9/jobs/1.html?utm_source=x",
        org_fallback=source.org_name,
        fetched_at=fetched_at or timezone.now(),
    )


def upsert(target, row):
    with transaction.atomic():
        return upsert_job(target, row)


def test_it_maps_fields_to_columns():
    source = make_source(org_name="Fallback Inc")
    job = extracted_job(employer=None, deadline=datetime.date(2026, 12, 31))

    row = row_for(job, source)

    assert row["title"] == "Backend Engineer 1"
    assert row["org_name"] == "Fallback Inc"
    assert row["location_raw"] == "Berlin, DE"
    assert row["deadline"] == datetime.date(2026, 12, 31)
    assert row["description_snippet"] == "Build and run things."
    assert row["apply_url"] == "http://127.0.0.1:9/jobs/1/apply"
    assert row["raw_metadata"]["requirements"] == ["Python", "PostgreSQL"]
    assert row["url"] == "http://127.0.0.1:9/jobs/1.html"
    assert row["canonical_hash"] == canonical_hash(
        "Backend Engineer 1", "http://127.0.0.1:9/jobs/1/apply"
    )


def test_it_refuses_a_job_without_title_or_apply_url():
    with pytest.raises(MissingFields, match=r"missing required field\(s\): title, apply_url"):
        row_for(extracted_job(title=None, apply_url=None), make_source())


def test_it_adds_then_reports_unchanged_then_updates():
    source = make_source()
    added = upsert("jobs", row_for(extracted_job(), source))
    same = upsert("jobs", row_for(extracted_job(), source))
    changed = upsert("jobs", row_for(extracted_job(location="Lisbon"), source))

    assert added[0] == "added"
    assert same == ("unchanged", added[1])
    assert changed == ("updated", added[1])
    job = Job.objects.get()
    assert job.location_raw == "Lisbon"
    assert ShadowJob.objects.count() == 0


def test_it_restores_and_updates_an_archived_job():
    source = make_source()
    _, job_id = upsert("jobs", row_for(extracted_job(), source))
    Job.objects.filter(id=job_id).update(status=JobStatus.ARCHIVED, archived_at=timezone.now())

    outcome, same_id = upsert("jobs", row_for(extracted_job(), source))

    assert (outcome, same_id) == ("updated", job_id)
    job = Job.objects.get(id=job_id)
    assert (job.status, job.archived_at) == (JobStatus.ACTIVE, None)


def test_it_writes_only_the_shadow_table_in_shadow_mode():
    outcome, _ = upsert("jobs_side", row_for(extracted_job(), make_source()))

    assert outcome == "added"
    assert (ShadowJob.objects.count(), Job.objects.count()) == (1, 0)


def test_it_dedups_the_same_job_found_at_two_urls():
    source = make_source()
    first = upsert("jobs", row_for(extracted_job(), source))
    second = upsert(
        "jobs",
        job_row(
            extracted_job(title="  backend   ENGINEER 1 "),
            source_id=source.id,
            page_url="http://127.0.0.1:9/other.html",
            org_fallback="",
            fetched_at=timezone.now(),
        ),
    )

    assert second[1] == first[1]
    assert Job.objects.count() == 1
