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
        self._closed = False
        self._changed = threading.Condition()

    def useful_threads(self, unlimited: int) -> int:
        """Threads that can be busy at once: per host its URLs, at most its limit (`unlimited`
        for a host without one)."""
        return sum(
            min(len(queue), self._limit(queue[0]) or unlimited) for queue in self._queues.values()
        )

    def take(self) -> T | None:
        """The next URL to fetch, waiting while every host with URLs is busy or not ready;
        None when there is nothing left, the deadline passed or the queue was closed."""
        with self._changed:
            while not self._closed and self._clock() < self._deadline:
                now = time.monotonic()
                soonest = None
                for host, queue in self._queues.items():
                    if not queue:
                        continue
                    limit = self._limit(queue[0])
                    if limit > 0 and self._in_flight[host] >= limit:
                        continue
                    ready_at = self._ready_at.get(host, 0.0)
                    if ready_at <= now:
                        self._in_flight[host] += 1
                        self._queues.move_to_end(host)  # the other hosts' turn next
                        return queue.popleft()
                    soonest = ready_at if soonest is None else min(soonest, ready_at)
                if not any(self._queues.values()):
                    return None  # all handed out; a URL put back is taken by its own thread
                wait = IDLE_WAIT if soonest is None else min(IDLE_WAIT, soonest - now)
                self._changed.wait(max(wait, 0.001))
            return None

    def done(self, item: T) -> None:
        """`item` is finished (fetched, failed or given up): its host has a slot free."""
        with self._changed:
            self._in_flight[self._host(item)] -= 1
            self._changed.notify()  # every thread can take any host's URL: wake one

    def later(self, item: T, seconds: float) -> None:
        """Put `item` back first in its host's line; the host is not ready for `seconds`."""
        host = self._host(item)
        with self._changed:
            self._in_flight[host] -= 1
            self._queues[host].appendleft(item)
            ready_at = time.monotonic() + max(seconds, 0.0)
            self._ready_at[host] = max(self._ready_at.get(host, 0.0), ready_at)
            self._changed.notify()

    def close(self) -> None:
        """Hand out nothing more (a thread failed)."""
        with self._changed:
            self._closed = True
            self._changed.notify_all()

    def leftovers(self) -> list[T]:
        """The URLs never handed out (deadline, close), in host turns."""
        with self._changed:
            return [item for queue in self._queues.values() for item in queue]
