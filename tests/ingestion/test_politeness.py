"""Politeness on real Redis (the broker) and in-process: robots.txt, spacing, concurrency,
the circuit breaker."""

from __future__ import annotations

import pytest

from ingestion import politeness
from ingestion.fetch import FetchError, TransientFetchError, fetch
from tests.httpserver import ScriptedServer


@pytest.fixture
def site():
    server = ScriptedServer()
    yield server
    server.close()


def test_robots_txt_is_obeyed_fetched_once_and_skipped_for_apis(site, settings):
    settings.JOBPIPE_RESPECT_ROBOTS = True
    site.route(
        "/robots.txt",
        body="User-agent: *\nDisallow: /private/\n",
        Content_Type="text/plain",
    )
    site.route("/private/job.html", body="<html>secret</html>")
    site.route("/jobs/1.html", body="<html>job</html>")

    with pytest.raises(FetchError) as info:
        fetch(f"{site.base}/private/job.html")
    assert fetch(f"{site.base}/jobs/1.html").status == 200
    assert fetch(f"{site.base}/private/job.html", robots=False).status == 200  # ATS APIs

    assert info.value.error_class == "robots_disallowed"
    assert site.hits["/robots.txt"] == 1
    assert site.hits["/private/job.html"] == 1  # only the robots=False request


def test_a_missing_robots_txt_allows_everything_and_a_failing_one_postpones(site, settings):
    settings.JOBPIPE_RESPECT_ROBOTS = True
    site.route("/jobs/1.html", body="<html>job</html>")
    assert fetch(f"{site.base}/jobs/1.html").status == 200  # robots.txt is a 404

    politeness.reset_state()
    site.route("/robots.txt", status=503)
    with pytest.raises(TransientFetchError):
        fetch(f"{site.base}/jobs/1.html")


def test_the_breaker_opens_after_five_failures_and_lets_exactly_one_probe_through(
    site, settings, clock
):
    settings.JOBPIPE_BREAKER_FAILURES = 5
    settings.JOBPIPE_BREAKER_RESET = 60
    site.route("/down", status=503)
    other = ScriptedServer(host="127.0.0.2")
    other.route("/up", body="<html>fine</html>")
    try:
        for _ in range(5):
            with pytest.raises(TransientFetchError) as info:
                fetch(f"{site.base}/down")
            assert info.value.error_class == "http_5xx"
        with pytest.raises(TransientFetchError) as info:
            fetch(f"{site.base}/down")
        assert info.value.error_class == "circuit_open"
        assert 0 < info.value.retry_after <= 60
        assert site.hits["/down"] == 5  # the open breaker sent nothing
        assert fetch(f"{other.base}/up").status == 200  # another host is unaffected

        clock.shift(61)  # half-open: one probe, which fails and reopens the breaker
        with pytest.raises(TransientFetchError) as probe:
            fetch(f"{site.base}/down")
        with pytest.raises(TransientFetchError) as after:
            fetch(f"{site.base}/down")
        assert (probe.value.error_class, after.value.error_class) == ("http_5xx", "circuit_open")
        assert site.hits["/down"] == 6

        site.route("/down", body="<html>back</html>")
        clock.shift(61)
        assert fetch(f"{site.base}/down").status == 200  # the probe succeeds: closed
        assert fetch(f"{site.base}/down").status == 200
    finally:
        other.close()


@pytest.mark.parametrize("kind", ["redis", "local"])
def test_spacing_hands_out_slots_one_interval_apart(settings, kind):
    store = politeness.store() if kind == "redis" else politeness.LocalStore()
    if kind == "redis":
        assert isinstance(store, politeness.RedisStore)

    waits = [store.reserve("jp:next:spaced.test", 0.5, now=1000.0) for _ in range(3)]
    later = store.reserve("jp:next:spaced.test", 0.5, now=1002.0)

    assert waits == [0.0, 0.5, 1.0]
    assert later == 0.0


def test_a_wait_longer_than_allowed_becomes_a_retry_countdown(site, settings):
    settings.JOBPIPE_RESPECT_ROBOTS = False  # robots.txt would take the first slot
    settings.JOBPIPE_DOMAIN_RATE = 1
    settings.JOBPIPE_POLITENESS_MAX_WAIT = 0
    site.route("/a", body="<html>a</html>")

    assert fetch(f"{site.base}/a").status == 200
    with pytest.raises(TransientFetchError) as info:
        fetch(f"{site.base}/a")

    assert info.value.error_class == "domain_throttled"
    assert 0 < info.value.retry_after <= 1
    assert site.hits["/a"] == 1


def test_the_concurrency_limit_is_shared_and_released(settings):
    settings.JOBPIPE_DOMAIN_CONCURRENCY = 1

    with politeness.polite("busy.test"):
        with pytest.raises(TransientFetchError) as info, politeness.polite("busy.test"):
            pass
        assert info.value.error_class == "domain_busy"
    with politeness.polite("busy.test"):  # released on exit
        pass


def test_a_source_can_override_the_host_limits(site, settings):
    settings.JOBPIPE_RESPECT_ROBOTS = False
    settings.JOBPIPE_DOMAIN_RATE = 0  # unlimited by default ...
    settings.JOBPIPE_POLITENESS_MAX_WAIT = 0
    site.route("/a", body="<html>a</html>")

    assert fetch(f"{site.base}/a", limits={"rate": 1}).status == 200
    with pytest.raises(TransientFetchError) as info:  # ... but this source asks for 1/s
        fetch(f"{site.base}/a", limits={"rate": 1})

    assert info.value.error_class == "domain_throttled"
