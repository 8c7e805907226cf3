"""A crawl batch's URLs, handed to its threads host by host, so a thread never sleeps on one
host while another host's URL is ready.

Per host the queue keeps the URLs in order, how many of them are in flight (at most the host's
limit), and when the host is next ready (its next request slot, learned from politeness). A
thread asking for work gets a URL of the next host in turn that is ready and under its limit,
or waits until one is; hosts take turns, so a large source's URLs never all come first.

Plain threading, no database: ingestion.batch runs the threads and does the writes.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable, Iterable
from typing import Generic, TypeVar

T = TypeVar("T")

# The longest a thread waits for a host to become ready before it looks again (a URL put back
# by another thread, or the deadline, wakes it sooner).
IDLE_WAIT = 0.5
# A URL retried after a backoff goes back this many places down its host's line; a thread
# looks that far down a line for a URL whose backoff is over.
RETRY_SLOT = 3
# A host's share of its shared in-flight slots grows by one after this many of the queue's own
# requests to it finished without one refused as busy.
SHARE_GROWTH = 4


class HostQueue(Generic[T]):
    def __init__(
        self,
        items: Iterable[T],
        *,
        host: Callable[[T], str],
        limit: Callable[[T], int],
        deadline: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """`limit(item)`: at most this many of the item's host in flight (0: no limit);
        `deadline` (on `clock`): no URL is handed out after it (leftovers() has them)."""
        self._host, self._limit = host, limit
        self._deadline, self._clock = deadline, clock
        self._queues: OrderedDict[str, deque[T]] = OrderedDict()
        for item in items:
            self._queues.setdefault(host(item), deque()).append(item)
        self._in_flight: dict[str, int] = dict.fromkeys(self._queues, 0)
        self._ready_at: dict[str, float] = {}
        self._busy_until: dict[str, float] = {}  # busy elsewhere: until one of ours finishes
        # The share of a host's shared slots this queue can expect (other processes hold the
        # rest): cut to what it holds when a request is refused as busy, grown by one after
        # SHARE_GROWTH requests that finished without a refusal.
        self._share: dict[str, int] = {}
        self._streak: dict[str, int] = {}
        self._item_ready_at: dict[int, float] = {}  # id(item) -> its own backoff (retry())
        self._closed = False
        self._takers = 0
        self._changed = threading.Condition()

    def add(self, items: Iterable[T]) -> None:
        """More URLs, each at the end of its host's line."""
        with self._changed:
            for item in items:
                host = self._host(item)
                self._queues.setdefault(host, deque()).append(item)
                self._in_flight.setdefault(host, 0)
            self._changed.notify_all()

    def waiting(self) -> int:
        """URLs not handed out yet."""
        with self._changed:
            return sum(len(queue) for queue in self._queues.values())

    def useful_threads(self, unlimited: int) -> int:
        """Threads that can be busy at once: per host its URLs waiting and in flight, at most
        the share of its limit this queue can expect (`unlimited` for a host without one)."""
        with self._changed:
            useful = 0
            for host, queue in self._queues.items():
                if queue:
                    limit = self._limit(queue[0]) or unlimited
                    useful += min(len(queue) + self._in_flight[host], self._share.get(host, limit))
            return useful

    def join(self) -> int:
        """A thread about to take from this queue; returns how many do."""
        with self._changed:
            self._takers += 1
            return self._takers

    def takers(self) -> int:
        """Threads taking from this queue (joined, not yet handed None)."""
        with self._changed:
            return self._takers

    def take(self, idle_exit: float | None = None) -> T | None:
        """The next URL to fetch, waiting while every host with URLs is busy or not ready;
        None when there is nothing left, the deadline passed or the queue was closed, or
        (with `idle_exit`) when the thread waited that long for nothing while others take too:
        the thread is not needed."""
        with self._changed:
            idle_since = None
            while not self._closed and self._clock() < self._deadline:
                now = time.monotonic()
                soonest = None
                for host, queue in self._queues.items():
                    if not queue:
                        continue
                    limit = self._limit(queue[0])
                    if limit > 0 and self._in_flight[host] >= self._share.get(host, limit):
                        continue
                    ready_at, index = self._next_ready(host, queue, now)
                    if ready_at <= now:
                        self._in_flight[host] += 1
                        self._queues.move_to_end(host)  # the other hosts' turn next
                        item = queue[index]
                        del queue[index]
                        self._item_ready_at.pop(id(item), None)
                        return item
                    soonest = ready_at if soonest is None else min(soonest, ready_at)
                if not any(self._queues.values()):
                    break  # all handed out; a URL put back is taken by its own thread
                idle_since = now if idle_since is None else idle_since
                if idle_exit is not None and now - idle_since >= idle_exit and self._takers > 1:
                    break
                wait = IDLE_WAIT if soonest is None else min(IDLE_WAIT, soonest - now)
                self._changed.wait(max(wait, 0.001))
            self._takers -= 1
            return None

    def done(self, item: T) -> None:
        """`item` is finished (fetched, failed or given up): its host has a slot free."""
        with self._changed:
            host = self._host(item)
            self._in_flight[host] -= 1
            self._busy_until.pop(host, None)  # the slot it held is the likeliest next one
            if host in self._share:
                self._streak[host] = self._streak.get(host, 0) + 1
                if self._streak[host] >= SHARE_GROWTH:
                    self._share[host] += 1
                    self._streak[host] = 0
                    if self._share[host] >= self._limit(item):
                        del self._share[host]
            self._changed.notify()  # every thread can take any host's URL: wake one

    def later(self, item: T, seconds: float) -> None:
        """Put `item` back first in its host's line; the host is not ready for `seconds`."""
        self._put_back_first(item, self._ready_at, seconds)

    def busy(self, item: T, seconds: float) -> None:
        """Put `item` back first in its host's line: the host's shared in-flight slots are all
        taken (by other batches too). Not asked again until one of this queue's own requests
        to it finishes, or after `seconds` when it has none: threads wait instead of asking
        Redis over and over."""
        self._put_back_first(item, self._busy_until, seconds)
        with self._changed:
            host = self._host(item)
            self._share[host] = max(1, self._in_flight[host])
            self._streak[host] = 0

    def _put_back_first(self, item: T, until: dict[str, float], seconds: float) -> None:
        host = self._host(item)
        with self._changed:
            self._in_flight[host] -= 1
            self._queues[host].appendleft(item)
            ready_at = time.monotonic() + max(seconds, 0.0)
            until[host] = max(until.get(host, 0.0), ready_at)
            self._changed.notify()

    def _next_ready(self, host: str, queue: deque[T], now: float) -> tuple[float, int]:
        """(when the host's next URL is ready, its index): the first of the line's first
        RETRY_SLOT + 1 whose own backoff is over, once the host itself is ready."""
        host_ready = max(self._ready_at.get(host, 0.0), self._busy_until.get(host, 0.0))
        soonest, at = None, 0
        for index in range(min(len(queue), RETRY_SLOT + 1)):
            ready = max(host_ready, self._item_ready_at.get(id(queue[index]), 0.0))
            if ready <= now:
                return ready, index
            if soonest is None or ready < soonest:
                soonest, at = ready, index
        return (soonest if soonest is not None else host_ready), at

    def retry(self, item: T, seconds: float) -> None:
        """Put `item` back a few places down its host's line, not to be taken for `seconds`
        (a backoff after a failure of its own): the host's next URLs go first meanwhile, and
        the retry comes soon after its backoff, not at the end of a long line."""
        with self._changed:
            host = self._host(item)
            self._in_flight[host] -= 1
            queue = self._queues[host]
            queue.insert(min(len(queue), RETRY_SLOT), item)
            self._item_ready_at[id(item)] = time.monotonic() + max(seconds, 0.0)
            self._changed.notify()

    def time_left(self) -> float:
        """Seconds until the deadline (on the queue's clock)."""
        return self._deadline - self._clock()

    def close(self) -> None:
        """Hand out nothing more (a thread failed)."""
        with self._changed:
            self._closed = True
            self._changed.notify_all()

    def leftovers(self) -> list[T]:
        """The URLs never handed out (deadline, close), in host turns."""
        with self._changed:
            return [item for queue in self._queues.values() for item in queue]
