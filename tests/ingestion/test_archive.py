"""Archive stage, in layers: only complete listings count, a job goes after K misses in a row
(or at once when its page is gone), and the mass-archive guard holds what looks like a bad
listing for an operator."""

from __future__ import annotations

import pytest
from django.utils import timezone

from extraction.models import Job, JobStatus, ShadowJob
from ingestion import archive
from ingestion.archive import archive_missing
from ingestion.models import HeldArchive, RunSource, SourceKind
from ingestion.sources import DiscoveryResult
from tests.factories import make_run, make_source
from tracking.models import Incident

pytestmark = pytest.mark.django_db
BASE = "http://127.0.0.1:9/jobs"


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


def listing(source, urls, *, table="jobs", complete=True, **config):
    """archive_missing for `source` with this listing, as a run's discovery calls it."""
    snapshot = {"id": source.id, "kind": source.kind, "config": config}
    run = make_run([source])
    result = DiscoveryResult(list(urls), complete=complete, note="" if complete else "page 2: 500")
    return archive_missing(table, snapshot, result, run_id=run.id)


def status(job) -> str:
    job.refresh_from_db()
    return job.status


def test_an_ats_listing_archives_only_its_own_missing_jobs_at_once():
    source, other = make_source(kind=SourceKind.GREENHOUSE), make_source()
    kept = [make_job(source, f"{BASE}/{n}") for n in range(3)]
    gone = make_job(source, f"{BASE}/9")
    elsewhere = make_job(other, f"{BASE}/8")

    done = listing(source, [j.url for j in kept])

    assert (done.archived, done.held) == (1, None)
    assert status(gone) == JobStatus.ARCHIVED and gone.archived_at is not None
    assert {status(j) for j in kept} == {JobStatus.ACTIVE}
    assert status(elsewhere) == JobStatus.ACTIVE


def test_a_page_sources_job_goes_after_two_complete_listings_without_it_in_a_row():
    source = make_source(kind=SourceKind.CAREERS_PAGE)
    kept = [make_job(source, f"{BASE}/{n}") for n in range(4)]
    flaky = make_job(source, f"{BASE}/flaky")
    urls = [j.url for j in kept]

    first = listing(source, urls)
    assert (first.archived, status(flaky), flaky.missed_listings) == (0, JobStatus.ACTIVE, 1)
    listing(source, urls, complete=False)  # an incomplete listing neither counts nor resets
    listing(source, [*urls, flaky.url])  # listed again: back to 0
    flaky.refresh_from_db()
    assert flaky.missed_listings == 0

    listing(source, urls)
    second = listing(source, urls)
    assert (second.archived, status(flaky)) == (1, JobStatus.ARCHIVED)


def test_a_sources_config_sets_its_own_number_of_misses():
    source = make_source(kind=SourceKind.LEVER)
    kept = [make_job(source, f"{BASE}/{n}") for n in range(4)]
    job = make_job(source, f"{BASE}/x")

    for _ in range(2):
        assert listing(source, [j.url for j in kept], delist_after=3).archived == 0
    assert listing(source, [j.url for j in kept], delist_after=3).archived == 1
    assert status(job) == JobStatus.ARCHIVED


def test_an_incomplete_listing_archives_nothing():
    source = make_source(kind=SourceKind.GREENHOUSE)
    job = make_job(source, f"{BASE}/1")

    done = listing(source, [], complete=False)

    assert done.archived == 0
    assert done.note == "archiving skipped, discovery incomplete: page 2: 500"
    assert status(job) == JobStatus.ACTIVE


def test_an_empty_listing_of_a_source_with_jobs_is_held_and_approval_archives_exactly_that():
    source = make_source(kind=SourceKind.CAREERS_PAGE)
    jobs = [make_job(source, f"{BASE}/{n}") for n in range(4)]

    done = listing(source, [])

    assert done.archived == 0 and done.held is not None
    assert "empty while the source has 4 active jobs" in done.note
    assert {status(j) for j in jobs} == {JobStatus.ACTIVE}
    assert {j.missed_listings for j in jobs} == {0}  # a held listing counts no miss
    incident = Incident.objects.open().get(kind="archive_held")
    assert source.name in incident.summary

    later = make_job(source, f"{BASE}/new")  # a job that appeared after the hold
    approved = archive.approve(done.held.id, by="ops")

    assert (approved.status, approved.archived, approved.decided_by) == ("approved", 4, "ops")
    assert {status(j) for j in jobs} == {JobStatus.ARCHIVED}
    assert status(later) == JobStatus.ACTIVE
    assert not Incident.objects.open().filter(kind="archive_held").exists()
    with pytest.raises(ValueError, match="already approved"):
        archive.approve(done.held.id, by="ops")


def test_a_rejected_hold_keeps_every_job():
    source = make_source(kind=SourceKind.GREENHOUSE)
    jobs = [make_job(source, f"{BASE}/{n}") for n in range(5)]

    done = listing(source, [jobs[0].url, jobs[1].url])  # would archive 3 of 5: 60 %

    assert done.held is not None and "archive 3 of 5 active jobs" in done.note
    rejected = archive.reject(done.held.id, by="ops")
    assert rejected.status == HeldArchive.Status.REJECTED
    assert {status(j) for j in jobs} == {JobStatus.ACTIVE}


def test_a_listing_that_shrank_well_below_its_median_is_held():
    source = make_source(kind=SourceKind.SITEMAP)
    jobs = [make_job(source, f"{BASE}/{n}") for n in range(10)]
    for _ in range(3):
        run = make_run([source])
        RunSource.objects.filter(run=run).update(
            complete=True, listed=10, settled_at=timezone.now()
        )

    done = listing(source, [j.url for j in jobs[:6]])  # 6 against a median of 10

    assert done.held is not None and "shrank to 6 URLs from a median of 10" in done.note
    assert {status(j) for j in jobs} == {JobStatus.ACTIVE}


def test_a_job_whose_page_is_gone_is_archived_at_once():
    source = make_source(kind=SourceKind.CAREERS_PAGE)
    job, other = make_job(source, f"{BASE}/1"), make_job(source, f"{BASE}/2")

    assert archive.archive_gone("jobs", source.id, [job.url]) == 1
    assert (status(job), status(other)) == (JobStatus.ARCHIVED, JobStatus.ACTIVE)


def test_it_archives_in_the_shadow_table_when_that_is_the_target():
    source = make_source(kind=SourceKind.GREENHOUSE)
    prod = make_job(source, f"{BASE}/1")
    shadow = [make_job(source, f"{BASE}/{n}", model=ShadowJob) for n in range(1, 5)]

    done = listing(source, [j.url for j in shadow[1:]], table="jobs_side")

    assert done.archived == 1
    assert status(shadow[0]) == JobStatus.ARCHIVED
    assert status(prod) == JobStatus.ACTIVE


def test_it_does_not_count_already_archived_jobs_again():
    source = make_source(kind=SourceKind.GREENHOUSE)
    make_job(source, f"{BASE}/1", status=JobStatus.ARCHIVED)

    assert listing(source, []).archived == 0
