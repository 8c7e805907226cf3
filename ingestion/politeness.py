"""Politeness shared by every worker process: robots.txt, per-domain spacing and concurrency,
and a per-domain circuit breaker.

State lives in ingestion.shared_state (Redis, or one process's memory in the embedded mode).
Celery's own rate_limit is per worker and cannot do this.

- robots.txt (protego) is fetched once per origin and cached for JOBPIPE_ROBOTS_TTL seconds;
  a 4xx robots.txt allows everything, a 5xx or timeout postpones the page (retried later).
- Spacing: at most JOBPIPE_DOMAIN_RATE requests per second per host (0: no limit); a wait up
  to JOBPIPE_POLITENESS_MAX_WAIT seconds is slept, a longer one becomes a retry countdown.
- Concurrency: at most JOBPIPE_DOMAIN_CONCURRENCY requests in flight per host (0: no limit).
- Circuit breaker: after transient failures (5xx, timeouts, connection errors; not 429, which
  pauses the host by its Retry-After instead) of JOBPIPE_BREAKER_FAILURES distinct URLs with no
  success between them, a host gets no request for JOBPIPE_BREAKER_RESET seconds, then exactly
  one probe; its success closes the breaker, its failure opens it again. Distinct URLs: a few
  pages that always fail, retried, are those pages' failures, not the host's. Other hosts are
  unaffected.

When Redis cannot be reached the limits cannot be checked, so no request is sent: the URL is
deferred (`politeness_unavailable`, its attempt unspent) and retried later. What happens after
a request was sent (the breaker's bookkeeping, freeing the slot, a Retry-After pause) is best
effort: a page already fetched is never thrown away because Redis went down meanwhile.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit

import redis
from django.conf import settings
from protego import Protego

from ingestion import shared_state
from ingestion.errors import FetchError, TransientFetchError
from ingestion.shared_state import store

log = logging.getLogger(__name__)

# Seconds a URL waits when Redis (the shared politeness state) cannot be reached.
UNREACHABLE_PAUSE = 5.0


@contextlib.contextmanager
def state_or_defer(host: str) -> Iterator[None]:
    """Before a request: Redis unreachable means the limits cannot be checked, so the request
    is not sent (a deferral)."""
    try:
        yield
    except redis.RedisError as exc:
        raise TransientFetchError(
            "politeness_unavailable",
            f"{host}: shared politeness state (Redis) unreachable, request not sent: {exc}",
            retry_after=UNREACHABLE_PAUSE,
        ) from exc


def best_effort(action: Callable[..., object], *args: object) -> None:
    """After a request: bookkeeping that must not cost the page when Redis is down (keys
    expire by their TTL)."""
    try:
        action(*args)
    except redis.RedisError:
        log.warning("politeness bookkeeping skipped, Redis unreachable", exc_info=True)


# --- robots.txt --------------------------------------------------------------------------------


def check_robots(url: str, load: Callable[[str], str]) -> None:
    """Raise FetchError(robots_disallowed) when the origin's robots.txt disallows `url`;
    `load(url)` fetches a robots.txt (ingestion.fetch.fetch_text)."""
    if not settings.JOBPIPE_RESPECT_ROBOTS:
        return
    parts = urlsplit(url)
    origin = f"{parts.scheme}://{parts.netloc}"
    with state_or_defer(parts.hostname or ""):
        text = robots_text(origin, load)
    if not _parser(origin, text).can_fetch(url, settings.JOBPIPE_USER_AGENT):
        raise FetchError("robots_disallowed", f"{origin}/robots.txt disallows {url}")


# robots.txt read from Redis is kept this many seconds in the process too: a crawl asks for it
# before every request, and one more round trip per page is most of what it would cost.
ROBOTS_LOCAL_TTL = 60.0
_robots_local: dict[str, tuple[float, str]] = {}


def robots_text(origin: str, load: Callable[[str], str]) -> str:
    local = _robots_local.get(origin)
    if local is not None and local[0] > time.monotonic():
        return local[1]
    text = _robots_shared(origin, load)
    if len(_robots_local) > 4096:
        _robots_local.clear()
    _robots_local[origin] = (
        time.monotonic() + min(ROBOTS_LOCAL_TTL, settings.JOBPIPE_ROBOTS_TTL),
        text,
    )
    return text


def _robots_shared(origin: str, load: Callable[[str], str]) -> str:
    key = f"jp:robots:{origin}"
    cached = store().get(key)
    if cached is not None:
        return cached
    try:
        text = load(f"{origin}/robots.txt")
    except FetchError as exc:
        if exc.transient:
            raise
        text = ""  # 4xx, not text, too large...: no usable rules, everything allowed
    store().set(key, text, settings.JOBPIPE_ROBOTS_TTL)
    return text


@functools.lru_cache(maxsize=512)
def _parser(origin: str, text: str):
    return Protego.parse(text)


# --- spacing, concurrency, breaker -------------------------------------------------------------


@contextlib.contextmanager
def polite(host: str, limits: dict | None = None, url: str = "") -> Iterator[None]:
    """Around one request to `host`: concurrency, breaker and spacing; success and transient
    failure feed the breaker. `limits` ({"rate": r, "concurrency": c}, from a source's
    config["politeness"]) overrides the settings for this host.

    The in-flight slot is taken first, so a request refused as busy (and asked again later)
    has reserved no rate slot and taken no breaker probe."""
    limits = limits or {}
    with state_or_defer(host):
        slot = _acquire(host, limits.get("concurrency", settings.JOBPIPE_DOMAIN_CONCURRENCY))
        _, open_until, failing = slot.values
    slot_key = slot.key
    released = False
    try:
        with state_or_defer(host):
            probing = _breaker_allows(host, open_until)
            if _space(host, limits.get("rate", settings.JOBPIPE_DOMAIN_RATE)):
                _not_before(host)  # slept for its slot: a Retry-After may have arrived meanwhile
        try:
            yield
        except TransientFetchError as exc:
            if exc.error_class != "rate_limited":
                best_effort(record_failure, host, probing, url)
            raise
        else:
            released = True
            if slot_key or open_until is not None or failing is not None:
                best_effort(record_success, host, slot_key)  # else nothing to give back or close
    finally:
        if slot_key and not released:
            best_effort(store().decr, slot_key)


def defer(host: str, seconds: float) -> None:
    """Send `host` nothing for `seconds` (its Retry-After), from every worker."""
    best_effort(_defer, host, seconds)


def _defer(host: str, seconds: float) -> None:
    until = time.time() + seconds
    current = store().get(f"jp:defer:{host}")
    if current is None or float(current) < until:
        store().set(f"jp:defer:{host}", str(until), int(seconds) + 1)


def _not_before(host: str) -> None:
    _raise_if_paused(host, store().get(f"jp:defer:{host}"))


def _raise_if_paused(host: str, until: str | None) -> None:
    """Raise while the host's Retry-After pause (its jp:defer value `until`) lasts."""
    if (remaining := _pause_left(until)) > 0:
        raise _paused(host, remaining)


def _pause_left(until: str | None) -> float:
    return float(until) - time.time() if until is not None else 0.0


def _paused(host: str, remaining: float) -> TransientFetchError:
    return TransientFetchError(
        "domain_throttled",
        f"{host} asked for a pause (Retry-After): {remaining:.0f}s left",
        retry_after=remaining,
    )


def _space(host: str, rate: float) -> bool:
    """Wait for the host's next request slot; True when it slept."""
    if not rate or rate <= 0:
        return False
    longest = settings.JOBPIPE_POLITENESS_MAX_WAIT
    wait = store().reserve(f"jp:next:{host}", 1.0 / rate, time.time(), longest)
    if wait > longest:  # no slot was reserved: the host's schedule stays as it was
        raise TransientFetchError(
            "domain_throttled", f"{host}: next request slot in {wait:.1f}s", retry_after=wait
        )
    if wait > 0:
        time.sleep(wait)
        return True
    return False


@dataclass(frozen=True)
class _Slot:
    key: str | None  # the host's in-flight counter this request holds a slot of (None: no limit)
    values: list[str | None]  # the host's pause, breaker and failing marks, read with it


def _acquire(host: str, limit: int) -> _Slot:
    """Read the host's pause and breaker and take an in-flight slot, in one round trip; a
    paused host, or one whose `limit` slots are all taken, gets its slot back and raises."""
    key = f"jp:busy:{host}" if limit and limit > 0 else None
    values, count = store().read_and_incr(
        key,
        settings.JOBPIPE_FETCH_TIMEOUT * 2,
        *(f"jp:defer:{host}", f"jp:open:{host}", f"jp:failing:{host}"),
    )
    paused = _pause_left(values[0])
    if key and (paused > 0 or count > limit):
        store().decr(key)
    if paused > 0:
        raise _paused(host, paused)
    if key and count > limit:
        raise TransientFetchError(
            "domain_busy", f"{host}: {limit} requests already in flight", retry_after=1.0
        )
    return _Slot(key, values)


def _breaker_allows(host: str, open_until: str | None) -> bool:
    """True when this request is the probe of a half-open breaker; raises while it is open.
    `open_until`: the host's breaker key, read with its pause before the slot was taken."""
    if open_until is None:
        return False
    remaining = float(open_until) - time.time()
    if remaining > 0:
        raise TransientFetchError(
            "circuit_open", f"{host}: circuit open for {remaining:.0f}s", retry_after=remaining
        )
    reset = settings.JOBPIPE_BREAKER_RESET
    if store().set(f"jp:probe:{host}", "1", reset, only_new=True):
        return True  # half-open: this request is the one probe
    raise TransientFetchError(
        "circuit_open", f"{host}: a probe request is in flight", retry_after=reset
    )


def record_failure(host: str, probing: bool = False, url: str = "") -> None:
    reset = settings.JOBPIPE_BREAKER_RESET
    failing = store().add_member(f"jp:fails:{host}", url or str(time.time()), ttl=reset * 10)
    # A string beside the set, read with the host's pause: a success only spends a round
    # trip closing the breaker when something failed.
    store().set(f"jp:failing:{host}", "1", reset * 10)
    if probing or failing >= settings.JOBPIPE_BREAKER_FAILURES:
        store().set(f"jp:open:{host}", str(time.time() + reset), reset * 10)
        store().delete(f"jp:probe:{host}")


def record_success(host: str, slot: str | None = None) -> None:
    """A success closes the host's breaker; its in-flight `slot` is given back with it."""
    store().release(
        slot, f"jp:fails:{host}", f"jp:failing:{host}", f"jp:open:{host}", f"jp:probe:{host}"
    )


def reset_state() -> None:
    """Forget every host's robots.txt, spacing, slots and breaker (tests, operators)."""
    shared_state.clear()
    _robots_local.clear()
    _parser.cache_clear()
