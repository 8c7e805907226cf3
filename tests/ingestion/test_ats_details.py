"""ATS details only for new or changed postings: a second run over an unchanged Workday tenant
reads its listing and no detail; a changed entry, a posting due for re-verify and an archived
posting that reappears have their detail read again."""

from __future__ import annotations

import datetime
import json

import pytest
from django.utils import timezone

from extraction.models import Job, JobStatus
from ingestion import runs
from ingestion.models import PageState, RunUrl, SourceKind
from ingestion.tasks import start_run
from tests.factories import make_source
from tests.ingestion.samples import JSON
from tests.ingestion.samples import workday as samples

pytestmark = pytest.mark.django_db(transaction=True)


class Tenant(samples.Site):
    """A Workday site whose listing entries and details a test can change between runs."""

    def __init__(self, http, n: int) -> None:
        super().__init__(http, samples.jobs(n))
        self.places: dict[str, str] = {}  # externalPath -> a new place in listing and detail
        self.hidden: set[str] = set()  # externalPaths the listing leaves out

    def search(self, body):
        status, headers, payload = super().search(body)
        page = json.loads(payload)
        page["jobPostings"] = [
            {**p, "locationsText": self.places.get(p["externalPath"], p["locationsText"])}
            for p in page["jobPostings"]
            if p["externalPath"] not in self.hidden
        ]
        if page["total"]:
            page["total"] -= len(self.hidden)
        return status, headers, json.dumps(page).encode()

    def move(self, job: dict, place: str) -> None:
        """The posting moves to `place`: its listing entry and its detail say so."""
        self.places[job["path"]] = place
        detail = json.loads(samples.detail(self.http.base, job))
        detail["jobPostingInfo"]["location"] = place
        self.http.route(f"{samples.CXS}{job['path']}", body=json.dumps(detail).encode(), **JSON)

    def details_read(self) -> int:
        details = f"{samples.CXS}/job/"
        return sum(n for path, n in self.http.hits.items() if path.startswith(details))


@pytest.fixture
def tenant(http):
    return Tenant(http, 10)


@pytest.fixture
def site(http):
    return make_source(
        kind=SourceKind.WORKDAY,
        url="",
        board_token="acme",
        config={"api_base": http.base, "site": "External"},
    )


def run_once(site, pump):
    run = runs.create_run([site], use_storage=True, shadow_mode=False)
    start_run.enqueue(run.id, run_id=run.id)
    pump.drain()
    run.refresh_from_db()
    return run


def outcomes(run) -> dict[tuple[str, str], int]:
    counts: dict[tuple[str, str], int] = {}
    for pair in RunUrl.objects.filter(run=run).values_list("outcome", "unchanged_by"):
        counts[pair] = counts.get(pair, 0) + 1
    return counts


def test_it_reads_only_the_listing_of_an_unchanged_tenant(http, tenant, site, pump, client):
    first = run_once(site, pump)
    assert (first.status, first.jobs_added, tenant.details_read()) == ("completed", 10, 10)
    fetched_before = dict(Job.objects.values_list("id", "fetched_at"))
    http.hits.clear()

    second = run_once(site, pump)

    assert second.status == "completed"
    assert http.hits == {f"{samples.CXS}/jobs": 1}  # one listing page, no detail
    assert outcomes(second) == {("unchanged", "listing"): 10}
    assert (second.jobs_skipped, second.jobs_archived) == (10, 0)
    assert Job.objects.filter(status=JobStatus.ACTIVE).count() == 10
    jobs = dict(Job.objects.values_list("id", "fetched_at"))
    assert all(jobs[job_id] > fetched_before[job_id] for job_id in jobs)  # fetched_at moved
    settled = RunUrl.objects.filter(run=second)
    assert {str(u.job_id) for u in settled} == {str(job_id) for job_id in jobs}
    metrics = client.get("/metrics").content.decode()  # the reason is counted
    labels = f'reason="listing",source_id="{site.id}",table="jobs"'
    assert f"jobpipe_urls_unchanged_total{{{labels}}} 10.0" in metrics


def test_a_changed_listing_entry_has_its_detail_read_and_its_job_updated(http, tenant, site, pump):
    run_once(site, pump)
    changed = tenant.jobs[3]
    tenant.move(changed, "Lisbon")
    http.hits.clear()

    second = run_once(site, pump)

    assert tenant.details_read() == 1
    assert http.hits[f"{samples.CXS}{changed['path']}"] == 1
    assert outcomes(second) == {("unchanged", "listing"): 9, ("updated", ""): 1}
    job = Job.objects.get(title="Engineer 3")
    assert (job.location_raw, job.status) == ("Lisbon", JobStatus.ACTIVE)
    http.hits.clear()

    third = run_once(site, pump)  # the new entry is now the known one

    assert tenant.details_read() == 0
    assert outcomes(third) == {("unchanged", "listing"): 10}


def test_a_posting_past_the_reverify_window_has_its_detail_read(http, tenant, site, pump):
    run_once(site, pump)
    due = tenant.jobs[5]
    url = f"{http.base}/External{due['path']}"
    PageState.objects.filter(url=url).update(
        verified_at=timezone.now() - datetime.timedelta(days=8)  # JOBPIPE_REVERIFY_DAYS is 7
    )
    http.hits.clear()

    second = run_once(site, pump)

    assert tenant.details_read() == 1 and http.hits[f"{samples.CXS}{due['path']}"] == 1
    assert outcomes(second) == {("unchanged", "listing"): 9, ("unchanged", ""): 1}
    state = PageState.objects.get(url=url)
    assert state.verified_at > timezone.now() - datetime.timedelta(minutes=5)


def test_a_source_with_reverify_days_zero_reads_every_detail(http, tenant, site, pump):
    run_once(site, pump)
    site.config = {**site.config, "reverify_days": 0}
    site.save()
    http.hits.clear()

    second = run_once(site, pump)

    assert tenant.details_read() == 10
    assert outcomes(second) == {("unchanged", ""): 10}


def test_an_archived_posting_that_reappears_is_read_and_relisted(http, tenant, site, pump):
    run_once(site, pump)
    gone = tenant.jobs[7]
    tenant.hidden.add(gone["path"])
    second = run_once(site, pump)
    assert second.jobs_archived == 1
    job = Job.objects.get(title="Engineer 7")
    assert job.status == JobStatus.ARCHIVED
    tenant.hidden.clear()
    http.hits.clear()

    third = run_once(site, pump)

    assert tenant.details_read() == 1 and http.hits[f"{samples.CXS}{gone['path']}"] == 1
    assert outcomes(third) == {("unchanged", "listing"): 9, ("updated", ""): 1}
    job.refresh_from_db()
    assert job.status == JobStatus.ACTIVE
