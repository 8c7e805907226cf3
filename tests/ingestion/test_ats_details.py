"""ATS details only for new or changed postings: a second run over an unchanged Workday tenant
reads its listing and no detail; a changed entry, a posting due for re-verify and an archived
posting that reappears have their detail read again. Each holds whether discovery reads the
details itself or, past JOBPIPE_DISCOVERY_DETAIL_BUDGET, hands them to the crawl stage."""

from __future__ import annotations

import datetime
import json

import pytest
from django.utils import timezone

from extraction.models import Job, JobStatus
from ingestion import pacing, runs, sources
from ingestion.models import PageState, RunUrl, SourceKind
from ingestion.sources.ats import common
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


@pytest.fixture(params=["in discovery", "in the crawl"])
def reader(request, settings):
    """Where the details are read: discovery within its budget, or the crawl stage (budget 0)."""
    if request.param == "in the crawl":
        settings.JOBPIPE_DISCOVERY_DETAIL_BUDGET = 0
    return request.param


both_readers = pytest.mark.usefixtures("reader")


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


@both_readers
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


@both_readers
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


@both_readers
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


@both_readers
def test_a_source_with_reverify_days_zero_reads_every_detail(http, tenant, site, pump):
    run_once(site, pump)
    site.config = {**site.config, "reverify_days": 0}
    site.save()
    http.hits.clear()

    second = run_once(site, pump)

    assert tenant.details_read() == 10
    assert outcomes(second) == {("unchanged", ""): 10}


@both_readers
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


def test_details_past_the_budget_are_read_by_the_crawl_stage(
    http, tenant, site, pump, settings, monkeypatch
):
    settings.JOBPIPE_DISCOVERY_DETAIL_BUDGET = 2.5
    ticks = iter(range(1000))  # one second per look at the clock
    monkeypatch.setattr(common, "detail_clock", lambda: float(next(ticks)))

    first = run_once(site, pump)

    handed = RunUrl.objects.filter(run=first).exclude(detail=None)
    assert handed.count() == 8  # read at t=1 and t=2, then the budget (2.5 s) was spent
    assert {u.outcome for u in handed} == {"added"}
    assert (first.status, first.jobs_added, tenant.details_read()) == ("completed", 10, 10)
    assert Job.objects.filter(status=JobStatus.ACTIVE).count() == 10
    http.hits.clear()

    second = run_once(site, pump)  # the listing keys of the crawl's reads were kept too

    assert tenant.details_read() == 0
    assert outcomes(second) == {("unchanged", "listing"): 10}


def test_a_handed_detail_retries_a_transient_failure_and_fails_a_bad_answer(
    http, tenant, site, pump, settings
):
    settings.JOBPIPE_DISCOVERY_DETAIL_BUDGET = 0
    settings.JOBPIPE_FETCH_RETRIES = 1
    flaky, broken = tenant.jobs[2], tenant.jobs[4]
    good = http.routes[f"{samples.CXS}{flaky['path']}"]
    http.route(f"{samples.CXS}{flaky['path']}", status=503, body=b"busy")
    http.route(f"{samples.CXS}{broken['path']}", body=b"{not json", **JSON)

    def recover(path):  # the flaky detail answers on its second request
        if path == f"{samples.CXS}{flaky['path']}" and http.hits[path] == 2:
            http.routes[path] = good

    http.on_request = recover

    run = run_once(site, pump)

    assert http.hits[f"{samples.CXS}{flaky['path']}"] == 2
    assert Job.objects.filter(title="Engineer 2").exists()
    failed = RunUrl.objects.get(run=run, outcome="failed")
    assert failed.url.endswith(broken["path"]) and failed.error_class == "bad_detail"
    assert "not valid JSON" in failed.error_message
    assert (run.jobs_added, run.jobs_failed, run.jobs_processed) == (9, 1, 10)
    assert not PageState.objects.filter(url=failed.url).exists()  # read again next run


def test_a_handed_detail_is_read_as_its_provider(monkeypatch):
    seen = []

    def reader(spec):
        seen.append((spec["api"], pacing.current()))
        return {"title": "x"}

    monkeypatch.setattr("ingestion.sources.ats.workday.read_detail", reader)
    assert sources.read_detail({"kind": "workday", "api": "a"}) == {"title": "x"}
    assert seen == [("a", "workday")]
    with pytest.raises(common.AtsError, match="no detail reader for kind 'lever'"):
        sources.read_detail({"kind": "lever"})
