"""Provider-wide pacing: many tenants share one ATS provider's API hosts and one limit.

Politeness (ingestion.politeness) paces each host. An ATS provider serves every tenant from
its own API host (api.smartrecruiters.com, join.com) or from one host per tenant
(acme.teamtailor.com, acme.wd5.myworkdayjobs.com), under one provider-wide limit; per-host
pacing alone lets twenty Teamtailor tenants send twenty times the host rate at once. So an
ATS adapter's requests are also paced by provider: at most `rate` requests per second and
`concurrency` in flight across every host and every worker (Redis, like politeness).

- Each adapter module declares its provider's limits as `PACING = Pacing(rate, concurrency)`
  (DEFAULT when it declares none); JOBPIPE_PROVIDER_LIMITS ({"join": {"rate": 1}}) overrides
  them per provider, and JOBPIPE_PROVIDER_PACING=false turns provider pacing off.
- The provider is known from the adapter that runs, not from the URL: `adapter_for` runs an
  ATS adapter inside `provider(kind, PACING)`, which sets a context variable for that thread;
  `paced(host)` (ingestion.fetch, around politeness.polite) reads it. A request outside an
  adapter (a careers page, a sitemap, a job page) finds no provider and costs nothing here: no
  Redis round trip, no lock. An adapter that fetches on threads of its own must carry the
  context (`contextvars.copy_context().run`).
- A provider's slot is waited for up to JOBPIPE_PROVIDER_MAX_WAIT seconds (longer than a
  page's JOBPIPE_POLITENESS_MAX_WAIT: a listing pages sequentially and has no retry of its
  own, so it waits its turn); beyond that the request is deferred (`domain_busy` or
  `domain_throttled`, naming the provider) without being sent.
- The circuit breaker and Retry-After pauses stay per host: one tenant's failing host (or a
  provider host that is down) does not stop the provider's other hosts.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace

from django.conf import settings

from ingestion.errors import TransientFetchError
from ingestion.politeness import best_effort, state_or_defer
from ingestion.shared_state import store

POLL = 0.05  # seconds between tries for a provider's in-flight slot


@dataclass(frozen=True)
class Pacing:
    """A provider's limits across all its hosts: requests per second and requests in flight
    (0: no limit)."""

    rate: float
    concurrency: int


DEFAULT = Pacing(rate=10, concurrency=8)

_current: contextvars.ContextVar[tuple[str, Pacing] | None] = contextvars.ContextVar(
    "jobpipe_provider", default=None
)


def limits_for(name: str, declared: Pacing) -> Pacing:
    """The adapter's declared limits with JOBPIPE_PROVIDER_LIMITS[name] (checked by the
    settings) over them."""
    return replace(declared, **(settings.JOBPIPE_PROVIDER_LIMITS.get(name) or {}))


@contextlib.contextmanager
def provider(name: str, declared: Pacing) -> Iterator[None]:
    """Requests made on this thread inside the block are paced as provider `name`'s."""
    token = _current.set((name, limits_for(name, declared)))
    try:
        yield
    finally:
        _current.reset(token)


def as_provider(name: str, declared: Pacing, adapter: Callable) -> Callable:
    """`adapter` running as provider `name`."""

    @functools.wraps(adapter)
    def paced_adapter(*args, **kwargs):
        with provider(name, declared):
            return adapter(*args, **kwargs)

    return paced_adapter


def current() -> str | None:
    """The provider this thread's requests are paced as, if any."""
    found = _current.get()
    return found[0] if found else None


@contextlib.contextmanager
def paced(host: str) -> Iterator[None]:
    """Around one request to `host`: the running adapter's provider slot and spacing. Outside
    an adapter (or with provider pacing off) it does nothing at all."""
    found = _current.get()
    if found is None or not settings.JOBPIPE_PROVIDER_PACING:
        yield
        return
    name, limits = found
    deadline = time.monotonic() + settings.JOBPIPE_PROVIDER_MAX_WAIT
    with state_or_defer(host):
        slot = _acquire(name, limits.concurrency, deadline)
    try:
        with state_or_defer(host):
            _space(name, limits.rate, deadline)
        yield
    finally:
        if slot:
            best_effort(store().delete, slot)


def _acquire(name: str, limit: int, deadline: float) -> str | None:
    """Take one of the provider's in-flight slots, waiting for one until `deadline`.

    One key per slot, each with its own TTL: a worker killed mid-request leaks its slot for
    one TTL only, however many others keep asking (a shared counter's TTL would be renewed by
    every try and never run out while the provider is busy)."""
    if not limit or limit <= 0:
        return None
    ttl = (
        settings.JOBPIPE_PROVIDER_MAX_WAIT
        + settings.JOBPIPE_POLITENESS_MAX_WAIT
        + settings.JOBPIPE_FETCH_TIMEOUT * 2
    )
    first = random.randrange(limit)  # spreads the tries over the slots
    while True:
        for n in range(limit):
            key = f"jp:pbusy:{name}:{(first + n) % limit}"
            if store().set(key, "1", ttl, only_new=True):
                return key
        if time.monotonic() + POLL > deadline:
            raise TransientFetchError(
                "domain_busy",
                f"provider {name}: {limit} requests already in flight across its hosts",
                retry_after=1.0,
            )
        time.sleep(POLL)


def _space(name: str, rate: float, deadline: float) -> None:
    """Wait for the provider's next request slot (reserved at once, as per host)."""
    if not rate or rate <= 0:
        return
    longest = max(deadline - time.monotonic(), 0.0)
    wait = store().reserve(f"jp:pnext:{name}", 1.0 / rate, time.time(), longest)
    if wait > longest:  # not reserved: the provider's schedule stays as it was
        raise TransientFetchError(
            "domain_throttled",
            f"provider {name}: next request slot in {wait:.1f}s ({rate:g}/s across its hosts)",
            retry_after=wait,
        )
    if wait > 0:
        time.sleep(wait)
