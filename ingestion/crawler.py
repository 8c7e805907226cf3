"""A crawl batch's threads: each takes the next ready URL from the batch's HostQueue, fetches
and extracts it, and hands the outcome to the batch's writer (ingestion.batch); no database.

A transient failure with attempts left is tried again inside the batch after a short backoff,
and a host's short pause (Retry-After, an open breaker, Redis unreachable) is waited out in the
batch, so a failing page costs its own attempts, not new tasks; a longer wait becomes a retry
batch.
"""

from __future__ import annotations

import hashlib
import random
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from queue import SimpleQueue

from django.conf import settings
from django.utils import timezone

from extraction.extract import extract_job
from extraction.types import DiscoveryContext
from ingestion import sources
from ingestion.errors import FetchError
from ingestion.fetch import FetchResult, release_session
from ingestion.hostqueue import HostQueue
from ingestion.models import RunUrl, UnchangedBy, UrlOutcome
from ingestion.sources.ats.common import AtsError, NotListed
from ingestion.write import PageInfo, Result

# Politeness outcomes (ingestion.politeness): the request was never sent. A host whose
# in-flight slots other processes hold keeps the URL in the batch for a moment; a pause
# (Retry-After, an open breaker) gives it back for a retry batch.
POLITENESS_DEFERRALS = frozenset(
    {"domain_throttled", "domain_busy", "circuit_open", "politeness_unavailable"}
)


@dataclass(frozen=True)
class Retry:
    """A URL to try again in a later batch; `spent` says whether this try counts."""

    spent: bool
    retry_after: float | None


@dataclass(frozen=True)
class Later:
    """The host's in-flight slots are all taken by other processes: put the URL back in the
    batch's queue for `seconds`, and let this thread work on another host."""

    seconds: float


# A deferral without a Retry-After is tried again in the batch after this long.
BUSY_POLL = 0.05
# A host whose shared in-flight slots are all taken (by other processes too) is asked again
# when one of the batch's own requests to it finishes, or after this long when the batch has
# none in flight there; after JOBPIPE_POLITENESS_MAX_WAIT seconds of that the URL gives up
# (a deferral: a retry batch).
BUSY_WAIT = 0.25


@dataclass
class Threads:
    """What a batch's threads share: the URLs to take, the outcomes to hand over, and what
    the batch's writer needs to know about their tries."""

    queue: HostQueue[RunUrl]
    done: SimpleQueue
    overrides: dict
    fetch_page: Callable[..., FetchResult]
    contexts: dict[int, DiscoveryContext] = field(default_factory=dict)  # by RunUrl id
    known: dict[int, Known] = field(default_factory=dict)  # by RunUrl id
    busy_waited: dict[int, float] = field(default_factory=lambda: defaultdict(float))
    paused: dict[int, float] = field(default_factory=lambda: defaultdict(float))
    sent: set[int] = field(default_factory=set)  # URLs whose request went out
    retried: SimpleQueue[int] = field(default_factory=SimpleQueue)  # one id per extra attempt


@dataclass(frozen=True)
class Known:
    """A page's last full fetch: it gave the active job `job_id`, within the re-verify window."""

    job_id: str
    validators: tuple[str, str]  # ETag, Last-Modified
    body_hash: str


# A transient failure or a host's pause shorter than this is waited out inside the batch (the
# batch's other URLs go on meanwhile) instead of a new task for it; a longer one, or one that
# would not fit in the batch's time budget, goes to a retry batch.
IN_BATCH_WAIT = 10.0


def crawl(state: Threads, max_attempts: int, idle_exit: float | None = None) -> None:
    """One batch thread: take the next ready URL, fetch and extract it, hand the outcome to
    the batch's writer. A URL whose host is not ready goes back in the queue; a transient
    failure with attempts left is tried again in the batch after a backoff, and a host's short
    pause is waited out in the batch: a failing page costs its own attempts, not new tasks."""
    queue, done = state.queue, state.done
    try:
        while (run_url := queue.take(idle_exit)) is not None:
            limits = state.overrides.get(run_url.source_id)
            final = run_url.attempts >= max_attempts
            try:
                context = state.contexts.get(run_url.id)
                known = state.known.get(run_url.id)
                outcome = fetch_and_extract(
                    run_url, limits, state.fetch_page, final, context, known
                )
            except BaseException as exc:  # noqa: BLE001 - re-raised on the batch's own thread
                queue.done(run_url)
                queue.close()
                done.put((run_url, exc))
                return
            if isinstance(outcome, Later):
                state.busy_waited[run_url.id] += outcome.seconds
                if state.busy_waited[run_url.id] <= settings.JOBPIPE_POLITENESS_MAX_WAIT:
                    queue.busy(run_url, outcome.seconds)
                    continue
                outcome = Retry(spent=False, retry_after=1.0)  # busy too long: a retry batch
            if isinstance(outcome, Result) or (isinstance(outcome, Retry) and outcome.spent):
                state.sent.add(run_url.id)
            if isinstance(outcome, Retry) and _again_in_batch(state, run_url, outcome):
                continue
            queue.done(run_url)
            done.put((run_url, outcome))
    finally:
        release_session()  # its keep-alive connections serve the next batch
        done.put(None)


def _again_in_batch(state: Threads, run_url: RunUrl, retry: Retry) -> bool:
    """Put a URL to retry back in the batch when its wait is short and fits the budget."""
    if retry.spent:
        wait = retry.retry_after or backoff(run_url.attempts - 1)
    else:
        wait = retry.retry_after if retry.retry_after is not None else BUSY_POLL
    if not retry.spent:  # pauses: at most IN_BATCH_WAIT in all per URL, then a retry batch
        state.paused[run_url.id] += wait
    waited = wait if retry.spent else state.paused[run_url.id]
    if waited > IN_BATCH_WAIT or wait + settings.JOBPIPE_FETCH_TIMEOUT > state.queue.time_left():
        return False
    if retry.spent:  # a new attempt of the page itself: after the host's other URLs
        run_url.attempts += 1
        state.retried.put(run_url.id)
        state.queue.retry(run_url, wait)
    else:  # the host asked for a pause (Retry-After, breaker): the whole host waits
        state.queue.later(run_url, wait)
    return True


def backoff(retries: int) -> float:
    """0.5, 1, 2 ... seconds with jitter, for a page's retry inside its batch (the host's
    spacing and in-flight limit still apply to it)."""
    return 0.5 * 2.0**retries + random.uniform(0, 0.25)


def fetch_and_extract(
    run_url: RunUrl,
    limits: dict | None,
    fetch_page: Callable,
    final: bool,
    context: DiscoveryContext | None = None,
    known: Known | None = None,
) -> Result | Retry | Later:
    """Fetch and extract one URL; runs on a batch thread, so it touches no database.

    With `known` (the page's last full fetch gave an active job, recently enough), the fetch
    is a conditional GET: a 304, or a body whose hash is the stored one, settles the URL as
    unchanged without extracting (`unchanged_by` says which)."""
    if run_url.detail:  # an ATS posting's detail, handed on by discovery
        return read_posting(run_url, final)
    fetched_at = timezone.now()
    conditional = {"validators": known.validators} if known and any(known.validators) else {}
    try:
        page = fetch_page(run_url.url, limits=limits, **conditional)
    except FetchError as exc:
        return _failed(exc, final, fetched_at)
    body_hash = hashlib.md5(page.body).hexdigest() if page.status != 304 else ""
    state = PageInfo(page.etag, page.last_modified, body_hash or (known.body_hash if known else ""))
    if known is not None and (page.status == 304 or body_hash == known.body_hash):
        by = UnchangedBy.NOT_MODIFIED if page.status == 304 else UnchangedBy.SAME_BODY
        fields = {"http_status": page.status, "fetched_at": fetched_at, "unchanged_by": by}
        return Result(UrlOutcome.UNCHANGED, {**fields, "job_id": known.job_id}, page=state)
    extraction = extract_job(page.body, page.url, fetched_at=fetched_at, context=context)
    if not extraction.is_job or extraction.job is None:
        return Result(
            UrlOutcome.NOT_A_JOB,
            {
                "http_status": page.status,
                "error_message": extraction.reason[:2000],
                "fetched_at": fetched_at,
            },
        )
    return Result(
        fields={"http_status": page.status, "fetched_at": fetched_at},
        extracted=extraction.job,
        score=round(extraction.score, 3),
        page=replace(state, verified=True),
    )


def read_posting(run_url: RunUrl, final: bool) -> Result | Retry | Later:
    """Read an ATS posting's detail (run_url.detail, the spec discovery handed on) into its
    record; its listing key is kept, as when discovery reads the detail itself. A detail that
    says the posting is no public job (NotListed) settles the URL `skipped`, as discovery would
    have left it out."""
    fetched_at = timezone.now()
    try:
        record = sources.read_detail(run_url.detail or {})
    except FetchError as exc:
        return _failed(exc, final, fetched_at)
    except NotListed as exc:
        fields = {"error_message": str(exc)[:2000], "fetched_at": fetched_at}
        return Result(UrlOutcome.SKIPPED, fields)
    except AtsError as exc:
        fields = {"error_class": "bad_detail", "error_message": str(exc)[:2000]}
        return Result(UrlOutcome.FAILED, {**fields, "fetched_at": fetched_at})
    page = PageInfo("", "", "", verified=True, listing_key=run_url.listing_key)
    return Result(fields={"fetched_at": fetched_at}, extracted=record, page=page)


def _failed(exc: FetchError, final: bool, fetched_at) -> Result | Retry | Later:
    """What a failed request makes of its URL: a wait, a retry, or a failed outcome."""
    if exc.error_class == "domain_busy":
        return Later(BUSY_WAIT)
    if exc.error_class in POLITENESS_DEFERRALS:
        # Not the page's failure: the host asked for a pause (or is busy, or its breaker is
        # open). Retry later without spending one of the URL's attempts.
        return Retry(spent=False, retry_after=exc.retry_after)
    if exc.transient and not final:
        return Retry(spent=True, retry_after=exc.retry_after)
    return Result(
        UrlOutcome.FAILED,
        {
            "http_status": exc.http_status,
            "error_class": exc.error_class,
            "error_message": exc.message[:2000],
            "fetched_at": fetched_at,
        },
    )
