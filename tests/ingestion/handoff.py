"""Whole runs over an ATS tenant whose postings' details the crawl stage reads (discovery's
detail budget 0), beside a run whose discovery reads them itself: what the tests of the
adapters of READS_DETAILS share."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from extraction.models import Job
from ingestion import runs
from ingestion.models import IngestionRun, PageState, RunUrl
from ingestion.tasks import start_run

# The columns a job's identity and content are made of (not its id or timestamps).
FIELDS = (
    *("canonical_hash", "url", "title", "org_name", "location_raw", "deadline"),
    *("description_snippet", "apply_url", "posted_on", "raw_metadata", "provenance"),
    *("content_hash", "status"),
)


def run_once(site, pump) -> IngestionRun:
    run = runs.create_run([site], use_storage=True, shadow_mode=False)
    start_run.enqueue(run.id, run_id=run.id)
    pump.drain()
    run.refresh_from_db()
    return run


def jobs() -> dict[str, dict]:
    """url -> the job's FIELDS."""
    return {row["url"]: row for row in Job.objects.values(*FIELDS)}


def outcomes(run: IngestionRun) -> dict[tuple[str, str], int]:
    counts: dict[tuple[str, str], int] = {}
    for pair in RunUrl.objects.filter(run=run).values_list("outcome", "unchanged_by"):
        counts[pair] = counts.get(pair, 0) + 1
    return counts


@dataclass
class Runs:
    in_discovery: dict[str, dict]  # the jobs of a run whose discovery read every detail
    in_crawl: dict[str, dict]  # the jobs of the same listing read by the crawl stage
    first: IngestionRun  # the run whose crawl stage read the details
    second: IngestionRun  # the next run over the unchanged listing
    second_details: dict[str, int]  # path -> detail requests the second run made


def read_in_both_places(site, pump, settings, http, is_detail: Callable[[str], bool]) -> Runs:
    """1. A run with the default budget (discovery reads the details); its jobs are kept and
    the jobs and page states removed. 2. A run with budget 0 over the same listing (the crawl
    stage reads them). 3. A second run with budget 0 over the unchanged listing."""
    in_discovery = run_once(site, pump)
    assert in_discovery.status == "completed", in_discovery.error_message
    assert not RunUrl.objects.filter(run=in_discovery).exclude(detail=None).exists()
    read_by_discovery = jobs()
    Job.objects.all().delete()
    PageState.objects.all().delete()
    settings.JOBPIPE_DISCOVERY_DETAIL_BUDGET = 0

    first = run_once(site, pump)
    read_by_crawl = jobs()
    http.hits.clear()
    second = run_once(site, pump)

    hits = {path: n for path, n in http.hits.items() if n and is_detail(path)}
    return Runs(read_by_discovery, read_by_crawl, first, second, hits)


def handed(run: IngestionRun) -> list[RunUrl]:
    """The run's URLs, each asserted to carry the detail spec discovery handed on."""
    urls = list(RunUrl.objects.filter(run=run).order_by("url"))
    assert urls and all(u.detail for u in urls), [u.url for u in urls if not u.detail]
    return urls
