"""State shared by every worker process: Redis (the Celery broker) with TTLs, so a worker
that dies leaks nothing for longer than a TTL; without a broker (the embedded mode) an
in-process store does the same for the one process.

Politeness (spacing, slots, breakers, robots.txt) and the run-start rate limit keep their
counters here; every key starts with "jp:".
"""

from __future__ import annotations

import functools
import json
import threading
import time

import redis
from django.conf import settings

_SPACING = """
local now = tonumber(ARGV[1])
local interval = tonumber(ARGV[2])
local longest = tonumber(ARGV[3])
local nxt = tonumber(redis.call('GET', KEYS[1]) or '0')
local start = math.max(now, nxt)
if start - now <= longest then
  redis.call('SET', KEYS[1], tostring(start + interval), 'PX',
             math.ceil((start + interval - now) * 1000) + 1000)
end
return tostring(start - now)
"""


class RedisStore:
    def __init__(self, url: str):
        self.redis = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
        self._spacing = self.redis.register_script(_SPACING)

    def reserve(self, key: str, interval: float, now: float, longest: float = 1e9) -> float:
        """Seconds until the next request slot of `key` (one every `interval`), reserved for
        the caller when it is at most `longest` away; further, nothing is reserved (a request
        refused for a slot too far off must not push every later request back)."""
        return float(self._spacing(keys=[key], args=[now, interval, longest]))

    def incr(self, key: str, ttl: int) -> int:
        pipe = self.redis.pipeline()
        pipe.incr(key)
        pipe.expire(key, ttl)
        return int(pipe.execute()[0])

    def decr(self, key: str) -> None:
        self.redis.decr(key)

    def read_and_incr(
        self, counter: str | None, ttl: int, *keys: str
    ) -> tuple[list[str | None], int]:
        """The values of `keys`, and `counter` incremented (0 without one), in one round
        trip."""
        pipe = self.redis.pipeline(transaction=False)
        pipe.mget(keys)
        if counter:
            pipe.incr(counter)
            pipe.expire(counter, ttl)
        replies = pipe.execute()
        values = [v.decode() if isinstance(v, bytes) else v for v in replies[0]]
        return values, int(replies[1]) if counter else 0

    def add_member(self, key: str, member: str, ttl: int) -> int:
        """Add `member` to the set at `key`; returns how many members it has."""
        pipe = self.redis.pipeline()
        pipe.sadd(key, member)
        pipe.expire(key, ttl)
        pipe.scard(key)
        return int(pipe.execute()[2])

    def get(self, key: str) -> str | None:
        value = self.redis.get(key)
        if isinstance(value, bytes):
            return value.decode()
        return value

    def set(self, key: str, value: str, ttl: int, *, only_new: bool = False) -> bool:
        return bool(self.redis.set(key, value, ex=max(int(ttl), 1), nx=only_new))

    def get_many(self, *keys: str) -> list[str | None]:
        return [v.decode() if isinstance(v, bytes) else v for v in self.redis.mget(keys)]

    def delete(self, *keys: str) -> None:
        self.redis.delete(*keys)

    def release(self, counter: str | None, *keys: str) -> None:
        """Decrement `counter` (when given) and delete `keys`, in one round trip."""
        pipe = self.redis.pipeline(transaction=False)
        if counter:
            pipe.decr(counter)
        pipe.delete(*keys)
        pipe.execute()


class LocalStore:
    """The same operations for one process (the embedded mode)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.values: dict[str, tuple[str, float]] = {}

    def _live(self, key: str) -> str | None:
        value = self.values.get(key)
        if value is None or value[1] < time.monotonic():
            self.values.pop(key, None)
            return None
        return value[0]

    def reserve(self, key: str, interval: float, now: float, longest: float = 1e9) -> float:
        with self.lock:
            start = max(now, float(self._live(key) or 0))
            if start - now <= longest:
                self.values[key] = (str(start + interval), time.monotonic() + interval + 60)
            return start - now

    def incr(self, key: str, ttl: int) -> int:
        with self.lock:
            value = int(self._live(key) or 0) + 1
            self.values[key] = (str(value), time.monotonic() + ttl)
            return value

    def decr(self, key: str) -> None:
        with self.lock:
            value = self._live(key)
            if value is not None:
                self.values[key] = (str(int(value) - 1), self.values[key][1])

    def read_and_incr(
        self, counter: str | None, ttl: int, *keys: str
    ) -> tuple[list[str | None], int]:
        values = self.get_many(*keys)
        return values, self.incr(counter, ttl) if counter else 0

    def add_member(self, key: str, member: str, ttl: int) -> int:
        with self.lock:
            members = set(json.loads(self._live(key) or "[]")) | {member}
            self.values[key] = (json.dumps(sorted(members)), time.monotonic() + ttl)
            return len(members)

    def get(self, key: str) -> str | None:
        with self.lock:
            return self._live(key)

    def get_many(self, *keys: str) -> list[str | None]:
        with self.lock:
            return [self._live(key) for key in keys]

    def release(self, counter: str | None, *keys: str) -> None:
        if counter:
            self.decr(counter)
        self.delete(*keys)

    def set(self, key: str, value: str, ttl: int, *, only_new: bool = False) -> bool:
        with self.lock:
            if only_new and self._live(key) is not None:
                return False
            self.values[key] = (value, time.monotonic() + ttl)
            return True

    def delete(self, *keys: str) -> None:
        with self.lock:
            for key in keys:
                self.values.pop(key, None)


@functools.cache
def _store_for(url: str | None) -> RedisStore | LocalStore:
    if url and url.startswith(("redis://", "rediss://")):
        return RedisStore(url)
    return LocalStore()


def store() -> RedisStore | LocalStore:
    eager = settings.CELERY_TASK_ALWAYS_EAGER
    return _store_for(None if eager else settings.CELERY_BROKER_URL)


def clear() -> None:
    """Forget every key (tests, operators)."""
    current = store()
    if isinstance(current, RedisStore):
        keys = list(current.redis.scan_iter("jp:*", count=1000))
        if keys:
            current.redis.delete(*keys)
    else:
        with current.lock:
            current.values.clear()
