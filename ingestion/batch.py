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
from django.db.models import F, QuerySet

from extraction.types import DiscoveryContext
from ingestion import claims, crawler, recrawl, runs
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
    taken: int = 0  # the run's unstarted URLs this batch took on when its own ran low
    outcomes: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {
            "settled": self.settled,
            "noop": self.noop,
            "retry": self.retry,
            "carry_over": self.carry_over,
            "taken": self.taken,
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
    limit of a batch's threads wait on one host; the rest work on other hosts. When the batch's
    own URLs run low it takes more of the run's unstarted URLs (ingestion.claims), so its
    process keeps every host busy instead of waiting out its slowest URL. A batch stops
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
    todo = _load(RunUrl.objects.filter(id__in=url_ids, run_id=run_id, outcome=""))
    with claims.held(task_id) as claim:
        spent, elsewhere = claims.spend_attempts(
            [u.id for u in todo if u.stage == UrlStage.DISCOVERED], task_id, claim.id
        )
        todo = [u for u in todo if u.id not in elsewhere]
        summary.noop = len(url_ids) - len(todo)
        for run_url in todo:
            run_url.attempts += run_url.id in spent  # now: the attempts including this one
        run = IngestionRun.objects.only("sources", "options").get(id=run_id)
        overrides = {s["id"]: (s.get("config") or {}).get("politeness") for s in run.sources}
        pending = {u.id: recrawl.stored_result(u) for u in todo if u.stage == UrlStage.EXTRACTED}
        queue: HostQueue[RunUrl] = HostQueue(
            [],
            host=lambda u: _host(u.url),
            limit=lambda u: _concurrency(overrides.get(u.source_id)),
            deadline=deadline,
            clock=clock,
        )
        done: SimpleQueue[tuple[RunUrl, Result | crawler.Retry | BaseException] | None] = (
            SimpleQueue()
        )
        state = crawler.Threads(queue, done, overrides, fetch_page)
        workers = _Workers(functools.partial(crawler.crawl, state, max_attempts, IDLE_EXIT), queue)
        taker = _Taker(run, claim, state)
        taker.admit([u for u in todo if u.stage != UrlStage.EXTRACTED])
        workers.grow()
        failure: BaseException | None = None
        written_at = time.monotonic()
        while True:
            if workers.all_finished():
                if failure is None and taker.take(force=True):
                    workers.grow()
                    continue
                break
            with contextlib.suppress(Empty):  # nothing finished for a while: still write, take
                item = done.get(timeout=TAKE_EVERY if taker.enabled else WRITE_EVERY)
                if item is None:
                    workers.finished += 1
                elif isinstance(item[1], BaseException):
                    failure = failure or item[1]
                elif isinstance(item[1], Result):
                    pending[item[0].id] = item[1]
                else:
                    _note_retry(summary, item[0], item[1])
            claim.renew()
            if failure is None and taker.take():
                workers.grow()
            elif failure is None:
                workers.maybe_grow()
            if pending and time.monotonic() - written_at >= WRITE_EVERY:
                _count_retries(state.retried)
                _write(run_id, pending, summary)
                written_at = time.monotonic()
        summary.carry_over.extend(u.id for u in queue.leftovers())
        summary.taken = len(taker.taken)
        # Never sent (not started, the host asked for a pause, or was busy): give back the
        # attempts this call spent.
        spent |= taker.taken
        unspent = spent.intersection(summary.carry_over + summary.deferred) - state.sent
        if unspent:
            RunUrl.objects.filter(id__in=unspent).update(
                attempts=F("attempts") - 1, attempt_task=""
            )
        claims.release(summary.retry + summary.carry_over, claim.id)
        _count_retries(state.retried)
        _write(run_id, pending, summary)
        if failure is not None:
            raise failure
        return summary


def _load(run_urls: QuerySet[RunUrl]) -> list[RunUrl]:
    """The RunUrls with what a batch needs of them, in id order."""
    return list(
        run_urls.order_by("id").only(
            *("id", "url", "stage", "attempts", "extracted", "fetched_at", "source_id", "lastmod"),
            *("unchanged_by", "job_id", "listing_key", "detail"),  # ATS listings' postings
            "anchor_text",
        )
    )


class _Workers:
    """A batch's crawl threads: as many as its queue can keep busy (per host its share of the
    host's in-flight limit), up to JOBPIPE_CRAWL_THREADS. More start as the queue gets URLs; a
    thread that found nothing to take for IDLE_EXIT seconds ends."""

    def __init__(self, crawl: Callable[[], None], queue: HostQueue[RunUrl]) -> None:
        self.crawl, self.queue = crawl, queue
        self.started = self.finished = 0
        self.grown_at = 0.0

    def grow(self) -> None:
        self.grown_at = time.monotonic()
        wanted = min(
            settings.JOBPIPE_CRAWL_THREADS, self.queue.useful_threads(UNLIMITED_HOST_THREADS)
        )
        for _ in range(wanted - self.queue.takers()):
            self.started += 1
            self.queue.join()
            name = f"crawl-{self.started}"
            threading.Thread(target=self.crawl, name=name, daemon=True).start()

    def maybe_grow(self) -> None:
        if time.monotonic() - self.grown_at >= GROW_EVERY:
            self.grow()

    def all_finished(self) -> bool:
        return self.finished >= self.started


# Seconds: a crawl thread that found nothing to take for IDLE_EXIT ends; the batch looks for
# work its threads could do at most every GROW_EVERY.
IDLE_EXIT = 1.0
GROW_EVERY = 0.1


class _Taker:
    """Puts URLs in a batch's queue: its own, and, when they run low, more of the run's
    unstarted ones (ingestion.claims), while its time budget allows."""

    def __init__(self, run: IngestionRun, claim: claims.Claim, state: crawler.Threads) -> None:
        self.run, self.claim, self.state = run, claim, state
        self.by_source = {s["id"]: s for s in run.sources}
        self.taken: set[int] = set()
        self.next_ask = self.next_take = 0.0
        self.enabled = bool(claim.id) and settings.JOBPIPE_CRAWL_TAKE_UNSTARTED

    def admit(self, run_urls: list[RunUrl]) -> None:
        """Queue `run_urls` (attempts spent) with what extraction knows of them."""
        for u in run_urls:
            if u.source_id in self.by_source:
                source = self.by_source[u.source_id]
                self.state.contexts[u.id] = discovery_context(source, u.anchor_text)
        pages = [u for u in run_urls if not u.detail]
        self.state.known.update(recrawl.known_pages(self.run, pages))
        self.state.queue.add(run_urls)

    def take(self, *, force: bool = False) -> bool:
        """Take more of the run's unstarted URLs while fewer than TAKE_BELOW batches' worth
        wait in the queue (`force`: the threads ran out); True if any came. Sources take turns
        in what is taken, so a source recorded since the last take starts at once."""
        size = settings.JOBPIPE_CRAWL_BATCH_SIZE
        queue = self.state.queue
        now = time.monotonic()
        if not self.enabled or now < self.next_ask or (now < self.next_take and not force):
            return False
        self.next_take = now + TAKE_EVERY  # the queue is looked at that often, not per result
        waiting = 0 if force else queue.waiting()
        if waiting >= TAKE_BELOW * size:
            return False
        if queue.time_left() < settings.JOBPIPE_CRAWL_BATCH_BUDGET / 4:
            return False
        ids = claims.take_unstarted(self.run.id, self.claim.task_id, self.claim.id, size)
        if not ids:
            self.next_ask = now + TAKE_PAUSE
            return False
        self.taken.update(ids)
        order = {url_id: n for n, url_id in enumerate(ids)}
        self.admit(sorted(_load(RunUrl.objects.filter(id__in=ids)), key=lambda u: order[u.id]))
        return True


# A batch keeps up to TAKE_BELOW batches' worth of URLs waiting; it takes URLs at most every
# TAKE_EVERY seconds, and after finding none asks again only after TAKE_PAUSE; it takes none in
# the last quarter of its time budget (they would mostly be handed back).
TAKE_BELOW = 2
TAKE_EVERY = 0.2
TAKE_PAUSE = 0.5


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
