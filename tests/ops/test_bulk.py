"""jobpipe.bulk: COPY inserts and one-statement updates write every value as Django would."""

from __future__ import annotations

import datetime
import uuid

import pytest
from django.db import DataError, IntegrityError, connection, transaction

from extraction.models import Job
from ingestion.models import RunUrl, UrlOutcome, UrlStage
from jobpipe.bulk import insert_rows, update_rows
from tests.factories import make_job, make_run

pytestmark = pytest.mark.django_db


def test_runs_on_postgresql():
    assert connection.vendor == "postgresql"  # the COPY path, not bulk_create's


def test_values_that_copy_escapes_arrive_as_written():
    run = make_run()
    source_id = run.sources[0]["id"]
    job_id = uuid.uuid4()
    lastmod = datetime.datetime(
        2026, 3, 1, 12, 30, tzinfo=datetime.timezone(datetime.timedelta(hours=2))
    )
    awkward = "tab\there, line\nbreak, cr\r, back\\slash, \\N, \\t literal, Zürich — 東京"
    detail = {
        "request": {"url": "http://127.0.0.1:9/x?a=1&b=2"},
        "entry": {"t": awkward, "n": None},
    }
    common = {"run_id": run.id, "source_id": source_id}
    insert_rows(
        RunUrl,
        [
            {
                **common,
                "url": "http://127.0.0.1:9/jobs/1",
                "anchor_text": awkward,
                "lastmod": lastmod,
                "detail": detail,
                "job_id": job_id,
                "stage": UrlStage.SETTLED,
                "outcome": UrlOutcome.UNCHANGED,
                "http_status": 304,
            },
            {
                **common,
                "url": "http://127.0.0.1:9/jobs/2",
                "anchor_text": "\\N",
                "lastmod": None,
                "detail": None,
                "job_id": None,
                "stage": UrlStage.DISCOVERED,
                "outcome": "",
                "http_status": None,
            },
        ],
    )
    first, second = RunUrl.objects.filter(run=run).order_by("url")
    assert first.anchor_text == awkward
    assert first.detail == detail
    assert first.lastmod == lastmod
    assert first.job_id == job_id
    assert (first.stage, first.outcome, first.http_status) == ("settled", "unchanged", 304)
    assert first.extracted is None and first.fetched_at is None  # NULL, not "null" or ""
    assert first.created_at is not None  # auto_now_add, as save() sets it
    assert second.anchor_text == "\\N"  # a literal backslash-N is text, not NULL
    assert (second.stage, second.outcome, second.attempts, second.error_message) == (
        "discovered",
        "",
        0,
        "",
    )


def test_a_duplicate_row_raises_djangos_integrity_error():
    run = make_run()
    row = {"run_id": run.id, "source_id": run.sources[0]["id"], "url": "http://127.0.0.1:9/j/1"}
    with pytest.raises(IntegrityError), transaction.atomic():
        insert_rows(RunUrl, [row, row])
    assert not RunUrl.objects.filter(run=run).exists()


def test_an_unknown_field_is_named():
    with pytest.raises(ValueError, match="RunUrl has no field colour"):
        insert_rows(RunUrl, [{"url": "http://127.0.0.1:9/j/1", "colour": "red"}])


def test_update_rows_sets_each_rows_own_values():
    first, second, untouched = make_job(n=1), make_job(n=2), make_job(n=3)
    awkward = "tab\there, line\nbreak, back\\slash, quote ' and \" — 東京"
    metadata = {"salary": {"min": 50000, "currency": "EUR"}, "note": awkward, "none": None}
    update_rows(
        Job,
        [
            {
                "id": first.id,
                "title": awkward,
                "raw_metadata": metadata,
                "posted_on": datetime.date(2026, 11, 30),
                "archived_at": None,
            },
            {
                "id": second.id,
                "title": "Second",
                "raw_metadata": {},
                "posted_on": None,
                "archived_at": datetime.datetime(2026, 12, 1, tzinfo=datetime.UTC),
            },
        ],
    )
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.title, first.raw_metadata, first.posted_on) == (
        awkward,
        metadata,
        datetime.date(2026, 11, 30),
    )
    assert (second.title, second.raw_metadata, second.posted_on) == ("Second", {}, None)
    assert second.archived_at == datetime.datetime(2026, 12, 1, tzinfo=datetime.UTC)
    assert Job.objects.get(id=untouched.id).title == "Engineer 3"


def test_update_rows_refuses_a_value_too_long_for_its_column_instead_of_cutting_it():
    job = make_job(n=1)
    with pytest.raises(DataError), transaction.atomic():
        update_rows(Job, [{"id": job.id, "title": "x" * 501}])
    assert Job.objects.get(id=job.id).title == "Engineer 1"


def test_rows_that_give_their_primary_key_keep_it_and_the_rest_get_defaults():
    run = make_run()
    ids = [uuid.uuid4(), uuid.uuid4()]
    insert_rows(
        Job,
        [
            {
                "id": job_id,
                "canonical_hash": f"{n:032x}",
                "source_id": run.sources[0]["id"],
                "url": f"http://127.0.0.1:9/{n}",
                "title": f"Job {n}",
                "apply_url": f"http://127.0.0.1:9/{n}/apply",
                "raw_metadata": {"n": n},
                "provenance": {},
                "fetched_at": datetime.datetime(2026, 12, 1, tzinfo=datetime.UTC),
            }
            for n, job_id in enumerate(ids)
        ],
    )

    jobs = {job.id: job for job in Job.objects.filter(id__in=ids)}
    assert set(jobs) == set(ids)
    assert [jobs[i].raw_metadata for i in ids] == [{"n": 0}, {"n": 1}]
    assert {(job.status, job.times_relisted) for job in jobs.values()} == {("active", 0)}
    assert all(job.created_at is not None for job in jobs.values())
