"""Incremental re-crawl: which of a batch's pages can be settled without extracting them again.

A page whose last full fetch gave a job that is still active, within its source's re-verify
window (`config.reverify_days`, else JOBPIPE_REVERIFY_DAYS), is fetched with its ETag and
Last-Modified: a 304, or a body with the stored hash, settles it `unchanged` with its job (the
job's fetched_at moves); a sitemap <lastmod> not newer than its last fetch settles it without a
request. Past the window, or for an archived job, the page is fetched and
extracted in full, so a server with wrong validators is caught and a relisted job restored.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.utils import timezone

from extraction.models import JobStatus, job_model
from ingestion.crawler import Known
from ingestion.models import IngestionRun, PageState, RunUrl


def known_pages(run: IngestionRun, run_urls: list[RunUrl]) -> dict[int, Known]:
    """The short-cut candidates among `run_urls`, by RunUrl id (one query each for the page
    states and their jobs)."""
    if not run.options.get("use_storage") or not run_urls:
        return {}
    table = run.options["target_table"]
    now = timezone.now()
    windows = {
        s["id"]: (s.get("config") or {}).get("reverify_days", settings.JOBPIPE_REVERIFY_DAYS)
        for s in run.sources
    }
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
    active = {
        str(job_id)
        for job_id in job_model(table)
        .objects.filter(id__in=[s.job_id for s in states.values()], status=JobStatus.ACTIVE)
        .values_list("id", flat=True)
    }
    known = {}
    for run_url in run_urls:
        state = states.get((run_url.source_id, run_url.url))
        if state is None or str(state.job_id) not in active:
            continue
        window = datetime.timedelta(days=windows.get(run_url.source_id) or 0)
        if state.verified_at + window <= now:
            continue  # due for a full fetch
        known[run_url.id] = Known(
            str(state.job_id),
            (state.etag, state.last_modified),
            state.body_hash,
            # The sitemap says it has not changed since we last read it: no request at all.
            unchanged=run_url.lastmod is not None and run_url.lastmod <= state.fetched_at,
        )
    return known
