"""Insert stage, the write: new, update, unchanged, restore, shadow."""

from __future__ import annotations

import datetime
import uuid

import pytest
from django.db import transaction
from django.utils import timezone

from extraction.models import Job, JobStatus, ShadowJob
from extraction.normalize import canonical_hash
from extraction.upsert import MissingFields, follow_moved, job_row, upsert_job, upsert_jobs
from tests.factories import extracted_job, make_source

pytestmark = pytest.mark.django_db


def row_for(
    job, source, *, fetched_at=None, page_url="http://127.0.0.1:9/jobs/1.html?utm_source=x"
):
    return job_row(
        job,
        source_id=source.id,
        page_url=page_url,
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
    assert (job.times_relisted, job.relisted_at is not None) == (1, True)  # its history


@pytest.mark.parametrize("how", ["one", "batch"])
def test_a_relisted_job_counts_each_return_and_an_update_is_not_one(how):
    from extraction.upsert import upsert_jobs

    source = make_source()

    def write(row):
        with transaction.atomic():
            return upsert_job("jobs", row) if how == "one" else upsert_jobs("jobs", [row])[0]

    _, job_id = write(row_for(extracted_job(), source))
    for _ in range(2):
        Job.objects.filter(id=job_id).update(status=JobStatus.ARCHIVED)
        assert write(row_for(extracted_job(), source))[0] == "updated"
    write(row_for(extracted_job(location="Lisbon"), source))  # changed, never archived

    assert Job.objects.get(id=job_id).times_relisted == 2


def test_it_writes_only_the_shadow_table_in_shadow_mode():
    outcome, _ = upsert("jobs_side", row_for(extracted_job(), make_source()))

    assert outcome == "added"
    assert (ShadowJob.objects.count(), Job.objects.count()) == (1, 0)


def test_it_dedups_the_same_job_found_at_two_urls():
    source = make_source()
    first = upsert("jobs", row_for(extracted_job(), source))
    second = upsert(
        "jobs",
        row_for(
            extracted_job(title="  backend   ENGINEER 1 "),
            source,
            page_url="http://127.0.0.1:9/other.html",
        ),
    )

    assert second[1] == first[1]
    assert Job.objects.count() == 1


def test_bulk_upsert_gives_the_outcomes_of_sequential_upserts():
    """The same mixed batch, once through upsert_jobs and once row by row: same outcomes,
    same table."""
    from extraction.upsert import upsert_jobs

    def scenario(write):
        Job.objects.all().delete()
        source = make_source()
        kept = row_for(extracted_job(1), source)
        edited = row_for(extracted_job(2), source)
        restored = row_for(extracted_job(3), source)
        for row in (kept, edited, restored):
            upsert("jobs", row)
        Job.objects.filter(canonical_hash=restored["canonical_hash"]).update(
            status=JobStatus.ARCHIVED, archived_at=timezone.now()
        )
        fresh = row_for(extracted_job(4), source)
        fresh_again = {**fresh, "location_raw": "Lisbon"}  # the same job listed twice
        batch = [kept, {**edited, "location_raw": "Remote"}, restored, fresh, fresh_again, fresh]
        with transaction.atomic():
            outcomes = [outcome for outcome, _ in write(batch)]
        table = sorted(
            Job.objects.values_list("canonical_hash", "location_raw", "status", "archived_at")
        )
        return outcomes, table

    bulk = scenario(lambda rows: upsert_jobs("jobs", rows))
    sequential = scenario(lambda rows: [upsert_job("jobs", row) for row in rows])

    assert bulk[0] == ["unchanged", "updated", "updated", "added", "updated", "updated"]
    assert bulk == sequential


def test_bulk_upsert_returns_the_ids_of_the_rows_it_wrote():
    from extraction.upsert import upsert_jobs

    source = make_source()
    rows = [row_for(extracted_job(n), source) for n in range(3)]

    with transaction.atomic():
        written = upsert_jobs("jobs_side", rows)

    assert [outcome for outcome, _ in written] == ["added"] * 3
    assert {job_id for _, job_id in written} == {
        str(i) for i in ShadowJob.objects.values_list("id", flat=True)
    }


def test_a_copy_refused_on_a_duplicate_hash_falls_back_to_upserting_row_by_row(monkeypatch):
    """Another batch inserted one of the new jobs between the lookup and the COPY: the COPY
    fails on the unique hash (here: the row sent twice), nothing of it stays, and every row
    goes through upsert_job instead."""
    from extraction import upsert as module

    source = make_source()
    rows = [row_for(extracted_job(n), source, page_url=f"http://127.0.0.1:9/{n}") for n in range(3)]
    insert_rows = module.bulk.insert_rows
    copies = []

    def racing(model, new_rows):
        copies.append(len(new_rows))
        insert_rows(model, [*new_rows, {**new_rows[1], "id": uuid.uuid4()}])

    monkeypatch.setattr(module.bulk, "insert_rows", racing)
    with transaction.atomic():
        written = upsert_jobs("jobs", rows)

    assert copies == [3]
    assert [outcome for outcome, _ in written] == ["added"] * 3
    assert {job_id for _, job_id in written} == {
        str(i) for i in Job.objects.values_list("id", flat=True)
    }


def follow_then_upsert(rows):
    with transaction.atomic():
        followed = follow_moved("jobs", rows)
        return followed, upsert_jobs("jobs", rows)


def test_a_retitled_posting_at_the_same_url_keeps_its_job():
    source = make_source()
    _, [first] = follow_then_upsert([row_for(extracted_job(), source)])

    followed, [(outcome, job_id)] = follow_then_upsert(
        [row_for(extracted_job(title="Staff Backend Engineer"), source)]
    )

    assert (followed.moved, followed.superseded, outcome, job_id) == (1, [], "updated", first[1])
    job = Job.objects.get()
    assert (job.title, job.status) == ("Staff Backend Engineer", JobStatus.ACTIVE)


def test_a_new_hash_another_job_holds_already_supersedes_the_job_at_the_url():
    source = make_source()
    old = upsert("jobs", row_for(extracted_job(), source))
    other = upsert(
        "jobs",
        row_for(
            extracted_job(title="Staff Backend Engineer"),
            source,
            page_url="http://127.0.0.1:9/jobs/2.html",
        ),
    )

    followed, [(outcome, job_id)] = follow_then_upsert(
        [row_for(extracted_job(title="Staff Backend Engineer"), source)]
    )

    assert (followed.moved, job_id) == (0, other[1])
    assert [str(i) for i in followed.superseded] == [old[1]]
    assert Job.objects.get(id=old[1]).title == "Backend Engineer 1"  # archived by the caller


def test_two_active_jobs_at_one_url_or_an_archived_one_are_left_alone():
    source = make_source()
    kept = upsert("jobs", row_for(extracted_job(), source))
    Job.objects.filter(id=kept[1]).update(status=JobStatus.ARCHIVED)

    followed, [(outcome, _)] = follow_then_upsert(
        [row_for(extracted_job(title="Staff Backend Engineer"), source)]
    )

    assert (followed.moved, followed.superseded, outcome) == (0, [], "added")
    assert Job.objects.get(id=kept[1]).status == JobStatus.ARCHIVED
    upsert("jobs", row_for(extracted_job(title="Principal Engineer"), source))  # 2 active there
    followed, [(outcome, _)] = follow_then_upsert(
        [row_for(extracted_job(title="Chief Engineer"), source)]
    )
    assert (followed.moved, followed.superseded, outcome) == (0, [], "added")
