"""GET /health: each check, the overall grade and its HTTP status, and the 2 s promise."""

from __future__ import annotations

import datetime
import socket
import time

import pytest
from django.utils import timezone

from jobpipe import health
from tests.factories import make_run
from tracking.models import Incident, PipelineJob

pytestmark = pytest.mark.django_db


TOKEN = "health-token"


@pytest.fixture(autouse=True)
def _fresh_ping_cache():
    health._last_ping = None
    yield
    health._last_ping = None


@pytest.fixture
def client(client, settings):
    """A client with the health token: these tests read the details."""
    settings.JOBPIPE_HEALTH_TOKEN = TOKEN
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {TOKEN}"
    return client


def test_it_is_healthy_in_the_embedded_mode(client, settings):
    settings.CELERY_BROKER_URL = None
    settings.CELERY_TASK_ALWAYS_EAGER = True

    response = client.get("/health")

    body = response.json()
    assert (response.status_code, body["status"]) == (200, "healthy")
    assert body["checks"]["database"] == {"status": "ok", "vendor": "postgresql"}
    assert body["checks"]["broker"]["status"] == "skipped"
    assert body["checks"]["runs"] == {"status": "ok", "active": 0, "stale": 0}


def test_it_is_critical_and_fast_when_the_broker_is_unreachable(client, settings):
    # A port that accepts nothing: bind, never listen.
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{port}/0"
    settings.CELERY_TASK_ALWAYS_EAGER = False
    try:
        started = time.monotonic()
        response = client.get("/health")
        elapsed = time.monotonic() - started
    finally:
        sock.close()

    body = response.json()
    assert (response.status_code, body["status"]) == (503, "critical")
    assert body["checks"]["broker"]["status"] == "error"
    assert body["checks"]["workers"]["status"] == "unknown"
    assert elapsed < 2.0


def test_it_is_degraded_without_workers_and_with_a_stale_beat(client, settings, clock):
    settings.CELERY_TASK_ALWAYS_EAGER = False  # the test broker is real Redis, with no worker
    PipelineJob.objects.create(
        task_id="sweep-1",
        task_name="maintenance.sweep_stale",
        status="finished",
        finished_at=timezone.now(),
    )
    clock.shift(datetime.timedelta(minutes=11))  # two sweep intervals and more

    response = client.get("/health")

    body = response.json()
    assert (response.status_code, body["status"]) == (200, "degraded")
    assert body["checks"]["broker"]["status"] == "ok"
    assert set(body["checks"]["broker"]["queue_depth"]) == {"default", "crawl"}
    assert body["checks"]["workers"]["detail"] == "no worker answered the ping"
    assert body["checks"]["beat"]["status"] == "stale"
    assert body["checks"]["beat"]["age_seconds"] == 660


def test_stale_runs_and_critical_incidents_degrade_the_grade():
    checks = {"database": {"status": "ok"}, "broker": {"status": "skipped"}}
    assert health.overall({**checks, "runs": {"status": "ok"}}) == "healthy"
    assert health.overall({**checks, "runs": {"status": "stale"}}) == "degraded"
    assert health.overall({**checks, "incidents": {"status": "critical"}}) == "degraded"
    assert health.overall({"database": {"status": "error"}, "broker": {"status": "ok"}}) == (
        "critical"
    )


def test_it_counts_active_and_stale_runs_and_open_incidents(client, settings, clock):
    settings.CELERY_BROKER_URL = None
    settings.CELERY_TASK_ALWAYS_EAGER = True
    make_run()
    clock.shift(datetime.timedelta(minutes=20))
    make_run()
    Incident.objects.create(
        kind="insert_failure_rate",
        severity="critical",
        summary="s",
        opened_at=timezone.now(),
        updated_at=timezone.now(),
    )

    body = client.get("/health").json()

    assert body["checks"]["runs"] == {"status": "stale", "active": 2, "stale": 1}
    assert body["checks"]["incidents"] == {"status": "critical", "open": 1, "open_critical": 1}
    assert body["status"] == "degraded"


def test_it_refuses_other_methods(client):
    assert client.post("/health").status_code == 405


def test_a_ping_result_is_reused_for_a_while(settings, monkeypatch):
    """A Celery ping always waits out its timeout, so /health reuses one for WORKERS_TTL."""
    from jobpipe.celery import app

    pings = []
    monkeypatch.setattr(
        app.control, "ping", lambda **kw: pings.append(kw) or [{"w1@host": {"ok": "pong"}}]
    )

    first = health._workers()
    second = health._workers()

    assert len(pings) == 1
    assert (first["status"], first["workers"], first["age_seconds"]) == ("ok", ["w1@host"], 0.0)
    assert second["workers"] == ["w1@host"]
    assert 0 <= second["age_seconds"] < health.WORKERS_TTL


def test_the_public_answer_is_the_grade_alone(client, settings):
    """Without a token, host names, queue depths and raw errors (with host:port) stay hidden."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{sock.getsockname()[1]}/0"
    settings.CELERY_TASK_ALWAYS_EAGER = False
    try:
        public = client.get("/health", HTTP_AUTHORIZATION="Bearer wrong")
        detailed = client.get("/health")
    finally:
        sock.close()

    assert (public.status_code, public.json()) == (503, {"status": "critical"})
    assert "127.0.0.1" not in public.content.decode()
    assert "127.0.0.1" in detailed.json()["checks"]["broker"]["detail"]


def test_details_need_a_viewer_or_an_api_key(client, settings, roles):
    from django.contrib.auth.models import Group, User

    settings.CELERY_BROKER_URL = None
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.INTERNAL_API_KEY = "api-key"
    del client.defaults["HTTP_AUTHORIZATION"]
    staff = User.objects.create_user("staff", is_staff=True)
    viewer = User.objects.create_user("viewer")
    viewer.groups.add(Group.objects.get(name="viewer"))

    anonymous = client.get("/health").json()
    with_key = client.get("/health", HTTP_X_INTERNAL_API_KEY="api-key").json()
    client.force_login(staff)
    as_staff = client.get("/health").json()
    client.force_login(viewer)
    as_viewer = client.get("/health").json()

    assert anonymous == as_staff == {"status": "healthy"}
    assert "checks" in with_key
    assert "checks" in as_viewer


def test_every_response_carries_a_content_security_policy(client):
    policy = client.get("/health")["Content-Security-Policy"]

    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy.split("style-src")[0]
    assert "frame-ancestors 'none'" in policy


def test_a_starting_beat_is_not_degraded_before_its_first_sweep(client, settings, clock):
    from django_celery_beat.models import IntervalSchedule, PeriodicTask

    settings.CELERY_TASK_ALWAYS_EAGER = False
    every = IntervalSchedule.objects.create(every=300, period="seconds")
    PeriodicTask.objects.create(
        name="sweep-stale-runs", task="maintenance.sweep_stale", interval=every
    )

    starting = client.get("/health").json()["checks"]["beat"]
    clock.shift(datetime.timedelta(minutes=11))
    silent = client.get("/health").json()["checks"]["beat"]

    assert starting["status"] == "starting"
    assert silent["status"] == "unknown"
    assert (
        health.overall({"database": {"status": "ok"}, "broker": {"status": "ok"}, "beat": starting})
        == "healthy"
    )
