"""Incremental re-crawl: which of a batch's pages can be settled without extracting them again.

A page whose last full fetch gave a job that is still active, within its source's re-verify
window (`config.reverify_days`, else JOBPIPE_REVERIFY_DAYS), is fetched with its ETag and
Last-Modified: a 304, or a body with the stored hash, settles it `unchanged` with its job (the
job's fetched_at moves); a sitemap <lastmod> not newer than its last fetch settles it without a
request. Past the window, or for an archived job, the page is fetched and
extracted in full, so a server with wrong validators is caught and a relisted job restored.

ATS postings whose detail is a request of its own (Workday, Workable, ...) use the same states:
each keeps the listing key of the entry its detail was read for (its updated_at, else a hash of
the entry). known_listing hands an adapter the keys of the active, recently verified ones, and
a posting whose entry still has that key is settled `unchanged` (by `listing`) without reading
its detail; a new, changed, archived or due posting has its detail read.
"""

from __future__ import annotations

import datetime
from dataclasses import replace

from django.conf import settings
from django.utils import timezone

from extraction.models import JobStatus, job_model
from ingestion.crawler import Known
from ingestion.models import IngestionRun, PageState, RunUrl, UnchangedBy, UrlOutcome
from ingestion.write import PageInfo, Result


def known_pages(run: IngestionRun, run_urls: list[RunUrl]) -> dict[int, Known]:
    """The short-cut candidates among `run_urls`, by RunUrl id (one query each for the page
    states and their jobs)."""
    if not run.options.get("use_storage") or not run_urls:
        return {}
    table = run.options["target_table"]
    now = timezone.now()
    windows = {s["id"]: _window(s) for s in run.sources}
    states = {
        (state.source_id, state.url): state
        for state in PageState.objects.filter(
            table=table,
            source_id__in={u.source_id for u in run_urls},
            url__in={u.url for u in run_urls},
        )
    }
    if not states:
        return {}
    active = _active(table, [s.job_id for s in states.values()])
    known = {}
    for run_url in run_urls:
        state = states.get((run_url.source_id, run_url.url))
        if state is None or state.job_id not in active:
            continue
        if state.verified_at + windows.get(run_url.source_id, datetime.timedelta()) <= now:
            continue  # due for a full fetch
        known[run_url.id] = Known(
            str(state.job_id),
            (state.etag, state.last_modified),
            state.body_hash,
            # The sitemap says it has not changed since we last read it: no request at all.
            unchanged=run_url.lastmod is not None and run_url.lastmod <= state.fetched_at,
        )
    return known


def known_listing(run: IngestionRun, source: dict) -> dict[str, tuple[str, str]]:
    """{listing key: (url, job id)} of the source's ATS postings whose detail need not be read
    again while their listing entry keeps that key: the job is active and its detail was read
    within the re-verify window (two queries)."""
    if not run.options.get("use_storage"):
        return {}
    table = run.options["target_table"]
    states = list(
        PageState.objects.filter(
            table=table, source_id=source["id"], verified_at__gt=timezone.now() - _window(source)
        )
        .exclude(listing_key="")
        .values_list("listing_key", "url", "job_id")
    )
    if not states:
        return {}
    active = _active(table, [job_id for _, _, job_id in states])
    return {key: (url, str(job_id)) for key, url, job_id in states if job_id in active}


def stored_result(run_url: RunUrl) -> Result:
    """What the batch writes for a URL its listing settled (stage `extracted`): the record,
    inserted (its listing key kept for the next run), or, for a posting whose listing entry
    did not change, `unchanged` with its job (whose fetched_at moves)."""
    page = PageInfo("", "", "", verified=True, listing_key=run_url.listing_key)
    if run_url.unchanged_by == UnchangedBy.LISTING:
        fields = {"job_id": run_url.job_id, "unchanged_by": UnchangedBy.LISTING}
        return Result(UrlOutcome.UNCHANGED, fields, page=replace(page, verified=False))
    return Result(extracted=run_url.extracted, page=page if run_url.listing_key else None)


def _active(table: str, job_ids: list) -> set:
    """Those of `job_ids` whose job in `table` is active (one query)."""
    model = job_model(table)
    return set(
        model.objects.filter(id__in=job_ids, status=JobStatus.ACTIVE).values_list("id", flat=True)
    )


def _window(source: dict) -> datetime.timedelta:
    """The source's re-verify window: config `reverify_days`, else JOBPIPE_REVERIFY_DAYS."""
    days = (source.get("config") or {}).get("reverify_days", settings.JOBPIPE_REVERIFY_DAYS)
    return datetime.timedelta(days=days or 0)
