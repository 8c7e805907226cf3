"""The write of a batch: a URL that reached `extracted` (an ATS listing that carried the whole
job, or a crash between fetch and write) is only inserted, settled and counted, once."""

from __future__ import annotations

import pytest

from extraction.models import Job, ShadowJob
from ingestion.batch import crawl_batch
from ingestion.models import IngestionRun, RunUrl
from tests.factories import extracted_job, make_run, make_run_url

pytestmark = pytest.mark.django_db


def test_it_inserts_settles_and_counts_once():
    run = make_run()
    run_url = make_run_url(run, job=extracted_job())

    first = crawl_batch(run.id, [run_url.id])
    again = crawl_batch(run.id, [run_url.id])

    assert (first.outcomes, first.settled, first.noop) == ({"added": 1}, 1, 0)
    assert (again.outcomes, again.settled, again.noop) == ({}, 0, 1)
    run.refresh_from_db()
    assert (run.jobs_processed, run.jobs_added, run.status) == (1, 1, "completed")
    run_url.refresh_from_db()
    assert str(run_url.job_id) == str(Job.objects.get().id)


def test_it_skips_a_job_missing_its_title_with_the_reason():
    run = make_run()
    run_url = make_run_url(run, job=extracted_job(title=None))

    assert crawl_batch(run.id, [run_url.id]).outcomes == {"skipped": 1}

    run_url.refresh_from_db()
    assert (run_url.error_class, run_url.error_message) == (
        "missing_fields",
        "missing required field(s): title",
    )
    assert IngestionRun.objects.get(id=run.id).jobs_skipped == 1
    assert Job.objects.count() == 0


def test_it_writes_nothing_in_a_dry_run():
    run = make_run(use_storage=False)
    run_url = make_run_url(run, job=extracted_job())

    assert crawl_batch(run.id, [run_url.id]).outcomes == {"skipped": 1}
    assert RunUrl.objects.get(id=run_url.id).error_message == "storage disabled (dry run)"
    assert (Job.objects.count(), ShadowJob.objects.count()) == (0, 0)


def test_it_uses_the_shadow_table_chosen_when_the_run_started(settings):
    run = make_run(shadow_mode=True)
    settings.EXTRACTION_SHADOW_MODE = False  # a settings change mid-run does not split the run
    run_url = make_run_url(run, job=extracted_job())

    crawl_batch(run.id, [run_url.id])

    assert (ShadowJob.objects.count(), Job.objects.count()) == (1, 0)
