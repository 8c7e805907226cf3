"""Incremental re-crawl: which of a batch's pages can be settled without extracting them again.

A page whose last full fetch gave a job that is still active, within its source's re-verify
window (`config.reverify_days`, else JOBPIPE_REVERIFY_DAYS), is fetched with its ETag and
Last-Modified: a 304, or a body with the stored hash, settles it `unchanged` with its job (the
job's fetched_at moves); a sitemap <lastmod> not newer than its last fetch settles it at
discovery, without a request or a crawl batch (unchanged_by_lastmod). Past the window, or for
an archived job, the page is fetched and extracted in full, so a server with wrong validators
is caught and a relisted job restored.

ATS postings whose detail is a request of its own (Workday, Workable, ...) use the same states:
each keeps the listing key of the entry its detail was read for (its updated_at, else a hash of
the entry). known_listing hands an adapter the keys of the active, recently verified ones, and
a posting whose entry still has that key is settled `unchanged` (by `listing`) at discovery,
without reading its detail; a new, changed, archived or due posting has its detail read.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from extraction.models import JobStatus, job_model
from ingestion.crawler import Known
from ingestion.models import IngestionRun, PageState, RunUrl, UnchangedBy
from ingestion.write import PageInfo, Result
from jobpipe import metrics


def known_pages(run: IngestionRun, run_urls: list[RunUrl]) -> dict[int, Known]:
    """The short-cut candidates among `run_urls`, by RunUrl id (one query)."""
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
            job_id__in=_active(table),
        )
    }
    known = {}
    for run_url in run_urls:
        state = states.get((run_url.source_id, run_url.url))
        if state is None:
            continue
        if state.verified_at + windows.get(run_url.source_id, datetime.timedelta()) <= now:
            continue  # due for a full fetch
        known[run_url.id] = Known(
            str(state.job_id), (state.etag, state.last_modified), state.body_hash
        )
    return known


def known_listing(run: IngestionRun, source: dict) -> dict[str, tuple[str, str]]:
    """{listing key: (url, job id)} of the source's ATS postings whose detail need not be read
    again while their listing entry keeps that key: the job is active and its detail was read
    within the re-verify window (one query)."""
    if not run.options.get("use_storage"):
        return {}
    table = run.options["target_table"]
    states = (
        PageState.objects.filter(
            table=table,
            source_id=source["id"],
            verified_at__gt=timezone.now() - _window(source),
            job_id__in=_active(table),
        )
        .exclude(listing_key="")
        .values_list("listing_key", "url", "job_id")
    )
    return {key: (url, str(job_id)) for key, url, job_id in states}


def unchanged_by_lastmod(
    run: IngestionRun, source: dict, lastmod: dict[str, datetime.datetime]
) -> dict[str, str]:
    """{url: job id} of the listed pages that discovery settles `unchanged` without a request:
    the listing's lastmod is not newer than the page's last fetch, whose job is active and was
    extracted in full within the re-verify window (one query)."""
    if not run.options.get("use_storage") or not lastmod:
        return {}
    table = run.options["target_table"]
    states = PageState.objects.filter(  # the source's, not url__in: a parameter per URL cost more
        table=table,
        source_id=source["id"],
        verified_at__gt=timezone.now() - _window(source),
        job_id__in=_active(table),
    ).values_list("url", "job_id", "fetched_at")
    return {
        url: str(job_id)
        for url, job_id, fetched_at in states
        if url in lastmod and lastmod[url] <= fetched_at
    }


def settled_unchanged(run: IngestionRun, rows: list[dict]) -> None:
    """After discovery settled these RunUrl rows unchanged: their page states' and jobs'
    fetched_at move (their re-verify time stays), and the metrics count them."""
    if not rows:
        return
    table, now = run.options["target_table"], timezone.now()
    # The rows are in the database already: join them there (a parameter per URL cost more).
    # A source is recorded once per run, so these are its rows settled by discovery.
    sources = {row["source_id"] for row in rows}
    settled_rows = RunUrl.objects.filter(
        run_id=run.id,
        source_id__in=sources,
        unchanged_by__in=[UnchangedBy.LASTMOD, UnchangedBy.LISTING],
    )
    PageState.objects.filter(
        Exists(settled_rows.filter(source_id=OuterRef("source_id"), url=OuterRef("url"))),
        table=table,
        source_id__in=sources,
    ).update(fetched_at=now)
    job_model(table).objects.filter(id__in=settled_rows.values("job_id")).update(fetched_at=now)
    settled = [(row["source_id"], row["outcome"], row["unchanged_by"]) for row in rows]
    transaction.on_commit(lambda: metrics.record_outcomes(run.id, table, settled))


def stored_result(run_url: RunUrl) -> Result:
    """What the batch writes for a URL whose record its listing gave (stage `extracted`): the
    record, inserted, its listing key kept for the next run."""
    page = PageInfo("", "", "", verified=True, listing_key=run_url.listing_key)
    return Result(extracted=run_url.extracted, page=page if run_url.listing_key else None)


def _active(table: str) -> QuerySet:
    """The ids of `table`'s active jobs, as a subquery: the page states' query joins them in
    the database rather than sending thousands of ids back to it."""
    return job_model(table).objects.filter(status=JobStatus.ACTIVE).values("id")


def _window(source: dict) -> datetime.timedelta:
    """The source's re-verify window: config `reverify_days`, else JOBPIPE_REVERIFY_DAYS."""
    days = (source.get("config") or {}).get("reverify_days", settings.JOBPIPE_REVERIFY_DAYS)
    return datetime.timedelta(days=days or 0)
