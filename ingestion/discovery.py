"""Discover stage: list a source's job URLs, archive what disappeared, record the URLs."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from ingestion import recrawl, runs
from ingestion.archive import Archived, archive_missing
from ingestion.choices import OUTCOME_COUNTERS
from ingestion.models import (
    IngestionRun,
    RunSource,
    RunUrl,
    UnchangedBy,
    UrlOutcome,
    UrlStage,
)
from ingestion.sources import READS_DETAILS, adapter_for
from ingestion.sources.ats.common import KNOWN
from ingestion.sources.base import DiscoveryResult
from jobpipe import bulk

UNCHANGED_COUNTER = OUTCOME_COUNTERS[UrlOutcome.UNCHANGED]
ANCHOR_BOUND = RunUrl._meta.get_field("anchor_text").max_length  # a link text is cut there


@dataclass(frozen=True)
class DiscoverySummary:
    run_id: int
    settled: bool  # False: already settled by an earlier delivery, or the run is not active
    urls_found: int = 0
    archived: int = 0
    note: str = ""

    def as_dict(self) -> dict:
        return {
            "run_id": self.run_id,
            "settled": self.settled,
            "urls_found": self.urls_found,
            "archived": self.archived,
            "note": self.note,
        }


def discover_source(run_source_id: int) -> DiscoverySummary:
    """discover_sources() for one source."""
    return discover_sources([run_source_id])[0]


def discover_sources(
    run_source_ids: list[int], on_recorded: Callable[[list[int]], object] | None = None
) -> list[DiscoverySummary]:
    """Discover each source, in order of the listings' arrival:
    1. List the URLs (network, outside any transaction), every source's listing on its own
       thread, so one slow careers site does not hold the others.
    2. Lock the RunSource row; if it is already settled, stop (redelivery).
    3. Archive the source's jobs missing from a complete listing.
    4. Insert one RunUrl per URL, count them, settle the RunSource, decrement sources_pending.
    Threads only fetch; this thread does every database write. `on_recorded(run_source_ids)`
    hears of the sources recorded, at most every RECORDED_EVERY seconds and after the last
    (their crawl can start while the others' listings are still coming).
    """
    summaries, todo = [], []
    for run_source in RunSource.objects.select_related("run").filter(id__in=run_source_ids):
        run = run_source.run
        if not run.is_active or run_source.status != RunSource.Status.PENDING:
            summaries.append(DiscoverySummary(run.id, settled=False))
            continue
        runs.touch(run.id)
        snapshot = run.snapshot_of(run_source.source_id)
        if snapshot["kind"] in READS_DETAILS:  # which postings' details it may skip
            snapshot = {**snapshot, KNOWN: recrawl.known_listing(run, snapshot)}
        todo.append((run_source.id, snapshot))
    if not todo:
        return summaries
    recorded: list[int] = []
    told_at = time.monotonic()
    with ThreadPoolExecutor(len(todo), "discover") as pool:  # a task has few sources
        listings = {pool.submit(_list, snapshot): run_source_id for run_source_id, snapshot in todo}
        waiting = set(listings)
        while waiting:  # the listings that arrived together are recorded together
            arrived, waiting = wait(waiting, return_when=FIRST_COMPLETED)
            batch = sorted((listings[f], f.result()) for f in arrived)
            settled = record_discoveries(batch)
            summaries.extend(settled)
            recorded += [i for (i, _), s in zip(batch, settled, strict=True) if s.settled]
            if (
                on_recorded
                and recorded
                and (not waiting or time.monotonic() - told_at >= RECORDED_EVERY)
            ):
                on_recorded(recorded)
                recorded, told_at = [], time.monotonic()
    return summaries


# Seconds between a discovery task's hand-overs of recorded sources to the crawl: each is a
# few crawl batches, so listings that arrive one by one do not each make their own.
RECORDED_EVERY = 0.25


def _list(snapshot: dict) -> DiscoveryResult:
    """The source's listing; runs on a discovery thread, so it touches no database."""
    try:
        result = adapter_for(snapshot["kind"])(snapshot)
    except Exception as exc:  # noqa: BLE001 - an adapter bug must not stall the run
        return DiscoveryResult(
            complete=False, note=f"discovery crashed: {type(exc).__name__}: {exc}"
        )
    cap = settings.JOBPIPE_MAX_LISTING_URLS
    if len(result.urls) > cap:  # cut, and so incomplete: it archives nothing
        kept = result.urls[:cap]
        listed = set(kept)
        records = {u: r for u, r in result.records.items() if u in listed}
        note = f"over JOBPIPE_MAX_LISTING_URLS ({cap}) URLs, cut there"
        return DiscoveryResult(
            kept,
            complete=False,
            note=note,
            records=records,
            listing={u: k for u, k in result.listing.items() if u in listed},
            unchanged={u: j for u, j in result.unchanged.items() if u in listed},
            details={u: spec for u, spec in result.details.items() if u in listed},
            anchors={u: text for u, text in result.anchors.items() if u in listed},
        )
    return result


def record_discovery(run_source_id: int, result: DiscoveryResult) -> DiscoverySummary:
    return record_discoveries([(run_source_id, result)])[0]


def record_discoveries(listings: list[tuple[int, DiscoveryResult]]) -> list[DiscoverySummary]:
    """Record sources' listings in one transaction: their runs locked once (sources of one run
    record one at a time, so a URL that two sources list, a careers page and its sitemap, is
    recorded once, by the first), one query for the URLs already recorded, one insert."""
    with transaction.atomic():
        run_of = dict(
            RunSource.objects.filter(id__in=[i for i, _ in listings]).values_list("id", "run_id")
        )
        locked = IngestionRun.objects.select_for_update().filter(id__in=set(run_of.values()))
        run_by_id = {run.id: run for run in locked.order_by("id")}
        run_sources = {
            rs.id: rs for rs in RunSource.objects.select_for_update().filter(id__in=run_of)
        }
        recorded = {
            run_id: dict(
                RunUrl.objects.filter(
                    run_id=run_id,
                    url__in={u for i, r in listings if run_of[i] == run_id for u in r.urls},
                ).values_list("url", "source_id")
            )
            for run_id in run_by_id
        }
        summaries, new_urls = [], []
        totals: dict[int, Counter] = {run_id: Counter() for run_id in run_by_id}
        # Link texts for URLs another source recorded first (a sitemap before its careers page)
        anchors: dict[int, dict[str, str]] = {run_id: {} for run_id in run_by_id}
        for run_source_id, result in listings:
            run, run_source = run_by_id[run_of[run_source_id]], run_sources[run_source_id]
            if run_source.status != RunSource.Status.PENDING or not run.is_active:
                summaries.append(DiscoverySummary(run.id, settled=False))
                continue
            taken = recorded[run.id]
            anchors[run.id].update((u, t) for u, t in result.anchors.items() if u in taken)
            summary, urls = _record(run, run_source, result, taken)
            new_urls.extend(urls)
            totals[run.id].update(
                total_jobs_found=summary.urls_found, jobs_archived=summary.archived, settled=1
            )
            summaries.append(summary)
        bulk.insert_rows(RunUrl, new_urls)
        for run_id, texts in anchors.items():
            _fill_anchor_texts(run_id, texts)
        unchanged = [row for row in new_urls if row["outcome"]]
        for row in unchanged:
            totals[row["run_id"]]["unchanged"] += 1
        for run_id, total in totals.items():
            if total["settled"]:
                IngestionRun.objects.filter(id=run_id).update(
                    total_jobs_found=F("total_jobs_found") + total["total_jobs_found"],
                    jobs_archived=F("jobs_archived") + total["jobs_archived"],
                    sources_pending=F("sources_pending") - total["settled"],
                    jobs_processed=F("jobs_processed") + total["unchanged"],
                    **{UNCHANGED_COUNTER: F(UNCHANGED_COUNTER) + total["unchanged"]},
                    last_heartbeat=timezone.now(),
                )
        for run_id in run_by_id:
            recrawl.settled_unchanged(
                run_by_id[run_id], [row for row in unchanged if row["run_id"] == run_id]
            )
    return summaries


def _record(
    run: IngestionRun, run_source: RunSource, result: DiscoveryResult, recorded: dict[str, int]
) -> tuple[DiscoverySummary, list[dict]]:
    """Archive what the listing misses, settle its RunSource and return its new RunUrl rows
    (not saved); `recorded` (url -> source id) grows by them."""
    source = run.snapshot_of(run_source.source_id)
    archive = _archive(run, source, result)
    urls = list(dict.fromkeys(result.urls))
    known = {u: recorded[u] for u in urls if u in recorded}
    note = "; ".join(filter(None, [_already_listed(run, known), _note(result, archive)]))
    now = timezone.now()
    # Settled here, `unchanged` with their job and no request: an ATS posting whose listing
    # entry did not change, a sitemap page whose lastmod is not newer than its last fetch.
    unchanged = {u: (job, UnchangedBy.LISTING) for u, job in result.unchanged.items()}
    for u, job in recrawl.unchanged_by_lastmod(run, source, result.lastmod).items():
        unchanged.setdefault(u, (job, UnchangedBy.LASTMOD))
    # RunUrl rows (jobpipe.bulk.insert_rows: a model instance each cost more)
    created: list[dict[str, Any]] = [
        {
            "run_id": run.id,
            "source_id": run_source.source_id,
            "url": u,
            # A job the listing described in full goes straight to the insert stage.
            "stage": _stage(u, result, unchanged),
            "outcome": UrlOutcome.UNCHANGED if u in unchanged else "",
            "extracted": result.records.get(u),
            "fetched_at": now if u in result.records or u in unchanged else None,
            "settled_at": now if u in unchanged else None,
            "lastmod": result.lastmod.get(u),
            "listing_key": result.listing.get(u, ""),
            "anchor_text": result.anchors.get(u, "")[:ANCHOR_BOUND],
            "unchanged_by": unchanged[u][1] if u in unchanged else "",
            "job_id": unchanged[u][0] if u in unchanged else None,
            "detail": result.details.get(u),  # an ATS detail the crawl stage reads
        }
        for u in urls
        if u not in known
    ]
    recorded.update((row["url"], run_source.source_id) for row in created)
    failed = not result.complete and not result.urls
    RunSource.objects.filter(id=run_source.id).update(
        status=RunSource.Status.FAILED if failed else RunSource.Status.DISCOVERED,
        urls_found=len(urls),  # what this listing found, those recorded first included
        complete=result.complete,
        archived=archive.archived,
        listed=len(urls) if result.complete else None,
        archive_held=archive.held is not None,
        note=note,
        settled_at=now,
    )
    return DiscoverySummary(run.id, True, len(created), archive.archived, note), created


def _fill_anchor_texts(run_id: int, texts: dict[str, str]) -> None:
    """Give the run's unsettled URLs that have no link text the one a later listing gave
    them: a careers page's titles reach extraction even when its sitemap recorded first."""
    if not texts:
        return
    rows = RunUrl.objects.filter(run_id=run_id, url__in=list(texts), anchor_text="", outcome="")
    bulk.update_rows(
        RunUrl,
        [
            {"id": id_, "anchor_text": texts[url][:ANCHOR_BOUND]}
            for id_, url in rows.values_list("id", "url")
        ],
    )


def _stage(url: str, result: DiscoveryResult, unchanged: dict) -> str:
    if url in unchanged:
        return UrlStage.SETTLED
    return UrlStage.EXTRACTED if url in result.records else UrlStage.DISCOVERED


def _already_listed(run: IngestionRun, known: dict[str, int]) -> str:
    """ "6 already listed by Acme careers": the URLs another source of the run recorded first
    (a careers page and its sitemap), so a source with no new URLs does not look empty."""
    by_source = Counter(known.values())
    return ", ".join(
        f"{n} already listed by {run.snapshot_of(source_id)['name']}"
        for source_id, n in by_source.most_common()
    )


def _note(result: DiscoveryResult, archive: Archived) -> str:
    """The listing's own note (why it failed), else what archiving did or held."""
    if archive.held is not None:
        return archive.note
    return result.note or archive.note


def _archive(run: IngestionRun, source: dict, result: DiscoveryResult) -> Archived:
    if not run.options.get("use_storage"):
        return Archived(note="archiving skipped: storage disabled (dry run)")
    return archive_missing(run.options["target_table"], source, result, run_id=run.id)
