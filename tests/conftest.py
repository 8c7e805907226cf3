"""Fixtures: local sites on 127.0.0.1, an in-process message pump, a controllable clock."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

import pytest
import time_machine

from demo.server import serve
from tests.sitegen import write_site
from tracking.decorators import TrackedTask


def pytest_configure(config):
    from django.conf import settings

    engine = settings.DATABASES["default"]["ENGINE"]
    if "postgresql" not in engine:
        pytest.exit(
            f"the tests run on PostgreSQL, not {engine}: use scripts/test, or set DATABASE_URL",
            returncode=2,
        )


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty Django cache (the API's wrong-key counters live there)."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _fresh_politeness():
    """Each test starts with no robots.txt cached, no spacing and closed breakers."""
    from ingestion import politeness

    politeness.reset_state()


@dataclass
class Site:
    base: str
    paths: dict

    def url(self, path: str) -> str:
        return self.base + path


@pytest.fixture
def make_site(tmp_path):
    """Start a generated employer site; returns a factory so a test can size it."""
    servers = []

    def factory(*, jobs: int = 3, missing: int = 0, not_jobs: int = 0) -> Site:
        root = tmp_path / f"site{len(servers)}"
        paths = write_site(root, jobs=jobs, missing=missing, not_jobs=not_jobs)
        ctx = serve(0, root=root)
        servers.append(ctx)
        return Site(ctx.__enter__(), paths)

    yield factory
    for ctx in servers:
        ctx.__exit__(None, None, None)


@dataclass
class MessagePump:
    """A broker stand-in for in-process pipeline tests: FIFO, each message delivered `copies`
    times with the same task id, as Redis does when a worker dies before acknowledging."""

    copies: int = 1
    queue: deque = field(default_factory=deque)
    delivered: int = 0

    def publish(self, task, args, task_id) -> None:
        for _ in range(self.copies):
            self.queue.append((task, tuple(args), task_id))

    def drain(self, limit: int = 100_000) -> int:
        while self.queue and self.delivered < limit:
            task, args, task_id = self.queue.popleft()
            self.delivered += 1
            task.apply(args, task_id=task_id, retries=0)
        return self.delivered


@pytest.fixture
def pump(monkeypatch):
    pump = MessagePump()

    def apply_async(self, args=None, kwargs=None, task_id=None, **options):
        pump.publish(self, args or (), task_id)

    monkeypatch.setattr(TrackedTask, "apply_async", apply_async)
    return pump


@pytest.fixture
def clock():
    """Frozen time that a test moves explicitly: clock.shift(seconds)."""
    with time_machine.travel("2026-11-20 09:00:00+00:00", tick=False) as traveller:
        yield traveller


@pytest.fixture
def http():
    from tests.httpserver import ScriptedServer

    server = ScriptedServer()
    yield server
    server.close()


@pytest.fixture
def roles(db):
    """The viewer and operator groups. The migration makes them, but a transactional test's
    flush deletes them again; the migration's function is idempotent, so call it."""
    from importlib import import_module

    from django.apps import apps

    import_module("dashboard.migrations.0001_roles").create_roles(apps, None)
