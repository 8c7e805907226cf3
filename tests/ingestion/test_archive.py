"""Archive stage: only a complete listing archives, and only that source's missing jobs."""

from __future__ import annotations

import pytest
from django.utils import timezone

from extraction.models import Job, JobStatus, ShadowJob
from ingestion.archive import archive_missing
from ingestion.sources import DiscoveryResult
from tests.factories import make_source

pytestmark = pytest.mark.django_db


def make_job(source, url: str, model=Job, **fields):
    return model.objects.create(
        canonical_hash=f"{url:.>32}"[-32:],
        source=source,
        url=url,
        title="Engineer",
        apply_url=url,
        fetched_at=timezone.now(),
        **fields,
    )


def test_it_archives_only_jobs_missing_from_a_complete_listing():
    source, other = make_source(), make_source()
    kept = make_job(source, "http://127.0.0.1:9/jobs/1")
    gone = make_job(source, "http://127.0.0.1:9/jobs/2")
    elsewhere = make_job(other, "http://127.0.0.1:9/jobs/3")

    archived, note = archive_missing(
        "jobs", source.id, DiscoveryResult(["http://127.0.0.1:9/jobs/1"], complete=True)
    )

    assert (archived, note) == (1, "")
    gone.refresh_from_db()
    assert gone.status == JobStatus.ARCHIVED and gone.archived_at is not None
    assert Job.objects.get(id=kept.id).status == JobStatus.ACTIVE
    assert Job.objects.get(id=elsewhere.id).status == JobStatus.ACTIVE


def test_it_refuses_to_archive_from_an_incomplete_listing():
    source = make_source()
    job = make_job(source, "http://127.0.0.1:9/jobs/1")

    archived, note = archive_missing(
        "jobs", source.id, DiscoveryResult([], complete=False, note="page 2: http_500")
    )

    assert archived == 0
    assert note == "archiving skipped, discovery incomplete: page 2: http_500"
    assert Job.objects.get(id=job.id).status == JobStatus.ACTIVE


def test_it_archives_in_the_shadow_table_when_that_is_the_target():
    source = make_source()
    prod = make_job(source, "http://127.0.0.1:9/jobs/1")
    shadow = make_job(source, "http://127.0.0.1:9/jobs/1", model=ShadowJob)

    archived, _ = archive_missing("jobs_side", source.id, DiscoveryResult([], complete=True))

    assert archived == 1
    assert ShadowJob.objects.get(id=shadow.id).status == JobStatus.ARCHIVED
    assert Job.objects.get(id=prod.id).status == JobStatus.ACTIVE


def test_it_does_not_count_already_archived_jobs_again():
    source = make_source()
    make_job(source, "http://127.0.0.1:9/jobs/1", status=JobStatus.ARCHIVED)

    archived, _ = archive_missing("jobs", source.id, DiscoveryResult([], complete=True))

    assert archived == 0
