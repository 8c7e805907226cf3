"""Crawl stage, batched: one task fetches, extracts and inserts a batch of a run's URLs.

Per-URL tasks pay the broker, the ledger and a transaction for every page; a batch pays them
once for JOBPIPE_CRAWL_BATCH_SIZE pages while every guarantee stays per URL:
- only URLs still unsettled are worked on, and they are locked (SELECT ... FOR UPDATE) and
  re-checked in the transaction that writes their jobs and outcomes, so a batch delivered twice
  or re-driven by the sweeper settles each URL once;
- each URL gets its own outcome, HTTP status and error; counters move with F() in that same
  transaction;
- a transient failure (timeout, 429, 5xx) leaves the URL unsettled and returns it for a retry
  batch with a countdown, until its attempts run out and it settles as failed.
URLs that reached `extracted` (an ATS listing that carried the whole job, or a crash between
stages) skip the fetch and are only inserted.
"""

from __future__ import annotations

import contextlib
import functools
import itertools
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from queue import Empty, SimpleQueue
from typing import TypeVar
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.db.models import F

from extraction.types import DiscoveryContext
from ingestion import crawler, recrawl, runs
from ingestion.fetch import FetchResult, fetch
from ingestion.hostqueue import HostQueue
from ingestion.models import IngestionRun, RunUrl, SourceKind, UrlStage
from ingestion.write import Result, write_results

T = TypeVar("T", bound=RunUrl)


# A batch holds at least this many URLs (unless the maximum is lower): smaller batches would
# cost more in per-task overhead than they win in parallelism.
MIN_BATCH = 10
BATCHES_PER_CALL = 4


def batch_size(urls: int, maximum: int) -> int:
    """URLs per batch: up to `maximum` (each batch pays a task, a ledger row and a transaction
    once), but a short list is still cut into BATCHES_PER_CALL batches so several workers share
    it."""
    return max(min(maximum, -(-urls // BATCHES_PER_CALL)), min(MIN_BATCH, maximum), 1)


@dataclass
class BatchSummary:
    settled: int = 0
    noop: int = 0
    retry: list[int] = field(default_factory=list)
    carry_over: list[int] = field(default_factory=list)  # not reached within the time budget
    deferred: list[int] = field(default_factory=list)  # of `retry`: never sent, attempt unspent
    retry_after: float | None = None
    retry_attempt: int = 0  # attempts made so far by the URLs to retry
    outcomes: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {
            "settled": self.settled,
            "noop": self.noop,
            "retry": self.retry,
            "carry_over": self.carry_over,
            "outcomes": self.outcomes,
        }


def crawl_batch(
    run_id: int,
    url_ids: list[int],
    *,
    fetch_page: Callable[..., FetchResult] = fetch,
    max_attempts: int | None = None,
    clock: Callable[[], float] = time.monotonic,
    task_id: str = "",
) -> BatchSummary:
    """Work the batch's unsettled URLs: fetch and extract them on JOBPIPE_CRAWL_THREADS threads
    (so one slow host does not hold the others' requests), write their outcomes as they come.

    Threads only fetch and extract; this thread does every database write, at most every
    WRITE_EVERY seconds, so progress moves during the batch. At most the host's concurrency
    limit of a batch's threads wait on one host; the rest work on other hosts. A batch stops
    starting fetches once it has spent JOBPIPE_CRAWL_BATCH_BUDGET seconds (slow hosts must not
    run it into the task's time limit): the URLs it did not start are handed back in
    `carry_over`, their attempt unspent, for a new batch. Attempts are spent once per
    `task_id`: the same message delivered twice, or retried after an outage, spends none again.
    """
    summary = BatchSummary()
    deadline = clock() + settings.JOBPIPE_CRAWL_BATCH_BUDGET
    if not runs.is_active(run_id):
        summary.noop = len(url_ids)
        return summary
    max_attempts = max_attempts or settings.JOBPIPE_FETCH_RETRIES + 1
    todo = list(
        RunUrl.objects.filter(id__in=url_ids, run_id=run_id, outcome="")
        .order_by("id")
        .only(
            *("id", "url", "stage", "attempts", "extracted", "fetched_at", "source_id", "lastmod"),
            *("unchanged_by", "job_id", "listing_key", "detail"),  # ATS listings' postings
            "anchor_text",
        )
    )
    summary.noop = len(url_ids) - len(todo)
    spent = _spend_attempts([u.id for u in todo if u.stage == UrlStage.DISCOVERED], task_id)
    for run_url in todo:
        run_url.attempts += run_url.id in spent  # now: the attempts including this one
    run = IngestionRun.objects.only("sources", "options").get(id=run_id)
    snapshots = run.sources
    overrides = {s["id"]: (s.get("config") or {}).get("politeness") for s in snapshots}
    pending = {u.id: recrawl.stored_result(u) for u in todo if u.stage == UrlStage.EXTRACTED}
    fetchable = [u for u in todo if u.stage != UrlStage.EXTRACTED]
    by_source = {s["id"]: s for s in snapshots}
    contexts = {
        u.id: discovery_context(by_source[u.source_id], u.anchor_text)
        for u in fetchable
        if u.source_id in by_source
    }
    queue = HostQueue(
        fetchable,
        host=lambda u: _host(u.url),
        limit=lambda u: _concurrency(overrides.get(u.source_id)),
        deadline=deadline,
        clock=clock,
    )
    done: SimpleQueue[tuple[RunUrl, Result | crawler.Retry | BaseException] | None] = SimpleQueue()
    state = crawler.Threads(queue, done, overrides, fetch_page, contexts)
    state.known = recrawl.known_pages(run, [u for u in fetchable if not u.detail])
    crawl = functools.partial(crawler.crawl, state)
    threads = [
        threading.Thread(target=crawl, args=(max_attempts,), name=f"crawl-{n}", daemon=True)
        for n in range(
            min(settings.JOBPIPE_CRAWL_THREADS, queue.useful_threads(UNLIMITED_HOST_THREADS))
        )
    ]
    for thread in threads:
        thread.start()
    failure: BaseException | None = None
    written_at, finished = time.monotonic(), 0
    while finished < len(threads):
        with contextlib.suppress(Empty):  # nothing finished for a while: still write
            item = done.get(timeout=WRITE_EVERY)
            if item is None:
                finished += 1
            elif isinstance(item[1], BaseException):
                failure = failure or item[1]
            elif isinstance(item[1], Result):
                pending[item[0].id] = item[1]
            else:
                _note_retry(summary, item[0], item[1])
        if pending and time.monotonic() - written_at >= WRITE_EVERY:
            _count_retries(state.retried)
            _write(run_id, pending, summary)
            written_at = time.monotonic()
    summary.carry_over.extend(u.id for u in queue.leftovers())
    # Never sent (not started, the host asked for a pause, or was busy): give back the
    # attempts this call spent.
    unspent = spent.intersection(summary.carry_over + summary.deferred) - state.sent
    if unspent:
        RunUrl.objects.filter(id__in=unspent).update(attempts=F("attempts") - 1, attempt_task="")
    _count_retries(state.retried)
    _write(run_id, pending, summary)
    if failure is not None:
        raise failure
    return summary


def discovery_context(source: dict, anchor_text: str = "") -> DiscoveryContext:
    """What discovery knew of a URL of `source` (the run's snapshot of it), for extraction:
    the source's organisation as the employer a page does not name, the listing's link text
    as a title candidate, and whether being listed is a prior that the page is a job."""
    # The prior weighs 0.25 in extraction.verdict, below its 0.3 threshold: with one more sign
    # of its own (a location, a job-like URL) a titled page is a job. A careers page's job
    # links and an ATS's postings were listed as jobs, so they get it. A sitemap lists every
    # page of a site (about, blog, contact, "life at" pages under /careers/), so its URLs get
    # it only when the source's job_url_pattern kept just the job pages, or when a careers
    # page of the run linked it as a job too (its link text, filled in at discovery); an
    # unfiltered sitemap's page must show two signs of its own.
    config = source.get("config") or {}
    listed_as_job = (
        source.get("kind") != SourceKind.SITEMAP
        or bool(config.get("job_url_pattern"))
        or bool(anchor_text)
    )
    return DiscoveryContext(
        anchor_text=anchor_text or None,
        employer=source.get("org_name") or None,
        from_listing=listed_as_job,
    )


def _spend_attempts(url_ids: list[int], task_id: str) -> set[int]:
    """Count one attempt for each URL about to be fetched, unless this task already did (a
    duplicate delivery); returns the URLs whose attempt this call spent. Spent before the
    fetch, so a page that kills its worker still runs out of attempts."""
    if not url_ids:
        return set()
    if not task_id:
        RunUrl.objects.filter(id__in=url_ids).update(attempts=F("attempts") + 1)
        return set(url_ids)
    with transaction.atomic():
        mine = set(
            RunUrl.objects.select_for_update()
            .filter(id__in=url_ids)
            .exclude(attempt_task=task_id)
            .values_list("id", flat=True)
        )
        RunUrl.objects.filter(id__in=mine).update(attempts=F("attempts") + 1, attempt_task=task_id)
    return mine


# Seconds between a batch's writes: progress moves every couple of seconds, while a batch on
# fast hosts still writes once (each write is a transaction that locks its URLs).
WRITE_EVERY = 2.0


def _write(run_id: int, pending: dict[int, Result], summary: BatchSummary) -> None:
    if not pending:
        return
    written = write_results(run_id, pending)
    summary.settled += written.settled
    summary.noop += written.noop
    for outcome, n in written.outcomes.items():
        summary.outcomes[outcome] = summary.outcomes.get(outcome, 0) + n
    pending.clear()


def urls_of(url_ids: list[int]) -> list[RunUrl]:
    """The RunUrls of `url_ids` (id and url only), in id order."""
    return list(RunUrl.objects.filter(id__in=url_ids).order_by("id").only("id", "url"))


def interleave_by_host(run_urls: list[T]) -> list[T]:
    """The same URLs, hosts taken in turn (a1 b1 c1 a2 b2 ...), to cut batches from: each batch
    spreads over many hosts, and a large source's URLs do not all come before a small one's."""
    by_host: dict[str, list[T]] = defaultdict(list)
    for run_url in run_urls:
        by_host[_host(run_url.url)].append(run_url)
    turns = itertools.zip_longest(*by_host.values())
    return [run_url for turn in turns for run_url in turn if run_url is not None]


def _host(url: str) -> str:
    """The host politeness keys its limits by (ingestion.fetch passes it the same)."""
    return urlsplit(url).hostname or ""


def _concurrency(limits: dict | None) -> int:
    """The host's in-flight limit (0: none): a source's override, else the setting."""
    return (limits or {}).get("concurrency", settings.JOBPIPE_DOMAIN_CONCURRENCY) or 0


# Threads a batch has at most JOBPIPE_CRAWL_THREADS, and no more than it can keep busy: per
# host its in-flight limit, or this many for a host without one (past this, more threads on
# one host mostly take turns at the GIL: its answers come as fast as they are parsed).
UNLIMITED_HOST_THREADS = 16


def _note_retry(summary: BatchSummary, run_url: RunUrl, retry: crawler.Retry) -> None:
    summary.retry.append(run_url.id)
    if not retry.spent:
        summary.deferred.append(run_url.id)
    attempts = run_url.attempts - (0 if retry.spent else 1)
    summary.retry_attempt = max(summary.retry_attempt, attempts)
    if retry.retry_after is not None:
        summary.retry_after = max(summary.retry_after or 0, retry.retry_after)


def _count_retries(retried: SimpleQueue[int]) -> None:
    """Record the attempts made by in-batch retries (one id per attempt)."""
    counts: dict[int, int] = defaultdict(int)
    with contextlib.suppress(Empty):
        while True:
            counts[retried.get_nowait()] += 1
    by_count: dict[int, list[int]] = defaultdict(list)
    for url_id, n in counts.items():
        by_count[n].append(url_id)
    for n, ids in by_count.items():
        RunUrl.objects.filter(id__in=ids).update(attempts=F("attempts") + n)
