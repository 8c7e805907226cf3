"""Politeness on real Redis (the broker) and in-process: robots.txt, spacing, concurrency,
the circuit breaker."""

from __future__ import annotations

import pytest

from ingestion import politeness, shared_state
from ingestion.errors import FetchError, TransientFetchError
from ingestion.fetch import fetch
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


def test_the_breaker_opens_after_five_failing_urls_and_lets_exactly_one_probe_through(
    site, settings, clock
):
    settings.JOBPIPE_BREAKER_FAILURES = 5
    settings.JOBPIPE_BREAKER_RESET = 60
    site.route("/down", status=503)
    for n in range(4):
        site.route(f"/down/{n}", status=503)
    other = ScriptedServer(host="127.0.0.2")
    other.route("/up", body="<html>fine</html>")
    try:
        for path in ["/down/0", "/down/1", "/down/2", "/down/3", "/down"]:
            with pytest.raises(TransientFetchError) as info:
                fetch(f"{site.base}{path}")
            assert info.value.error_class == "http_5xx"
        with pytest.raises(TransientFetchError) as info:
            fetch(f"{site.base}/down")
        assert info.value.error_class == "circuit_open"
        assert 0 < info.value.retry_after <= 60
        assert site.hits["/down"] == 1  # the open breaker sent nothing
        assert fetch(f"{other.base}/up").status == 200  # another host is unaffected
        assert fetch(f"{other.base}/up").status == 200  # another host is unaffected

        clock.shift(61)  # half-open: one probe, which fails and reopens the breaker
        with pytest.raises(TransientFetchError) as probe:
            fetch(f"{site.base}/down")
        with pytest.raises(TransientFetchError) as after:
            fetch(f"{site.base}/down")
        assert (probe.value.error_class, after.value.error_class) == ("http_5xx", "circuit_open")
        assert site.hits["/down"] == 2

        site.route("/down", body="<html>back</html>")
        clock.shift(61)
        assert fetch(f"{site.base}/down").status == 200  # the probe succeeds: closed
        assert fetch(f"{site.base}/down").status == 200
    finally:
        other.close()


@pytest.mark.parametrize("kind", ["redis", "local"])
def test_spacing_hands_out_slots_one_interval_apart(settings, kind):
    store = shared_state.store() if kind == "redis" else shared_state.LocalStore()
    if kind == "redis":
        assert isinstance(store, shared_state.RedisStore)

    waits = [store.reserve("jp:next:spaced.test", 0.5, now=1000.0) for _ in range(3)]
    later = store.reserve("jp:next:spaced.test", 0.5, now=1002.0)

    assert waits == [0.0, 0.5, 1.0]
    assert later == 0.0


@pytest.mark.parametrize("kind", ["redis", "local"])
def test_a_slot_too_far_off_is_not_reserved(settings, kind):
    """A request refused because its slot is further off than it may wait leaves the schedule
    as it was: a crowd of refused requests must not push the host's next slot away (measured:
    a runaway schedule held a 5/s host to 1 request/s)."""
    store = shared_state.store() if kind == "redis" else shared_state.LocalStore()
    key = f"jp:next:far-{kind}.test"

    waits = [store.reserve(key, 1.0, now=1000.0, longest=2.0) for _ in range(6)]
    after = store.reserve(key, 1.0, now=1000.0)

    assert waits == [0.0, 1.0, 2.0, 3.0, 3.0, 3.0]  # the last three reserved nothing
    assert after == 3.0


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


@pytest.mark.parametrize("kind", ["redis", "local"])
def test_a_paused_or_full_host_gives_back_the_slot_its_read_took(settings, monkeypatch, kind):
    """The host's pause and its in-flight slot are read and taken in one round trip; a request
    refused for either holds no slot afterwards."""
    store = shared_state.store() if kind == "redis" else shared_state.LocalStore()
    monkeypatch.setattr(politeness, "store", lambda: store)
    settings.JOBPIPE_DOMAIN_CONCURRENCY = 1
    busy = f"jp:busy:paused-{kind}.test"

    politeness.defer(f"paused-{kind}.test", 30)
    with pytest.raises(TransientFetchError) as info, politeness.polite(f"paused-{kind}.test"):
        pass
    assert info.value.error_class == "domain_throttled"
    assert store.get(busy) == "0"

    store.set(f"jp:defer:paused-{kind}.test", "0", 1)  # the pause is over
    with politeness.polite(f"paused-{kind}.test"):
        assert store.get(busy) == "1"
        with pytest.raises(TransientFetchError) as info, politeness.polite(f"paused-{kind}.test"):
            pass
        assert (info.value.error_class, store.get(busy)) == ("domain_busy", "1")
    assert store.get(busy) == "0"


def test_a_source_can_override_the_host_limits(site, settings):
    settings.JOBPIPE_RESPECT_ROBOTS = False
    settings.JOBPIPE_DOMAIN_RATE = 0  # unlimited by default ...
    settings.JOBPIPE_POLITENESS_MAX_WAIT = 0
    site.route("/a", body="<html>a</html>")

    assert fetch(f"{site.base}/a", limits={"rate": 1}).status == 200
    with pytest.raises(TransientFetchError) as info:  # ... but this source asks for 1/s
        fetch(f"{site.base}/a", limits={"rate": 1})

    assert info.value.error_class == "domain_throttled"


@pytest.mark.parametrize("form", ["seconds", "http-date"])
def test_retry_after_pauses_the_whole_host(site, settings, clock, form):
    from email.utils import format_datetime

    from django.utils import timezone

    settings.JOBPIPE_RESPECT_ROBOTS = False
    value = (
        "7"
        if form == "seconds"
        else format_datetime(timezone.now() + timezone.timedelta(seconds=7), usegmt=True)
    )
    site.route("/busy", status=429, Retry_After=value)
    site.route("/other", body="<html>other</html>")

    with pytest.raises(TransientFetchError) as first:
        fetch(f"{site.base}/busy")
    clock.shift(6.5)
    with pytest.raises(TransientFetchError) as paused:
        fetch(f"{site.base}/other")
    clock.shift(1)

    assert first.value.error_class == "rate_limited"
    assert first.value.retry_after == pytest.approx(7, abs=1)
    assert paused.value.error_class == "domain_throttled"
    assert site.hits.get("/other") is None  # nothing was sent during the pause
    assert fetch(f"{site.base}/other").status == 200  # 7.5 s later the host is open again


def test_concurrency_never_exceeds_the_limit_with_eight_workers(settings):
    """Eight threads hammer one host whose handler holds each request until a second one is
    in flight with it (or 0.5 s pass); the server records how many were in flight at once."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    settings.JOBPIPE_RESPECT_ROBOTS = False
    settings.JOBPIPE_DOMAIN_CONCURRENCY = 2
    state = {"now": 0, "max": 0}
    lock = threading.Lock()
    pair = threading.Barrier(2)

    class Slow(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self):
            with lock:
                state["now"] += 1
                state["max"] = max(state["max"], state["now"])
            try:
                pair.wait(timeout=0.5)
            except threading.BrokenBarrierError:
                pair.reset()  # an odd request out: let it go and pair the next ones again
            with lock:
                state["now"] -= 1
            body = b"<html>ok</html>"
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Slow)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    outcomes = []

    def worker():
        for _ in range(5):
            try:
                fetch(url)
                outcomes.append("ok")
            except TransientFetchError as exc:
                outcomes.append(exc.error_class)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    server.shutdown()

    assert state["max"] <= 2
    assert "ok" in outcomes and "domain_busy" in outcomes


def test_a_request_already_sent_keeps_its_page_when_redis_goes_down_meanwhile(settings):
    answered = False
    with politeness.polite("127.0.0.1"):
        settings.CELERY_TASK_ALWAYS_EAGER = False
        settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # Redis gone mid-request
        answered = True
    # Freeing the slot and the breaker's bookkeeping were skipped, not raised: the page stands.
    assert answered


def test_redis_unreachable_before_a_request_is_a_deferral(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    with pytest.raises(TransientFetchError) as raised, politeness.polite("127.0.0.1"):
        pytest.fail("the request must not be sent")
    assert raised.value.error_class == "politeness_unavailable"
    assert raised.value.retry_after == politeness.UNREACHABLE_PAUSE


def test_one_page_failing_again_and_again_does_not_open_its_hosts_breaker(site, settings):
    settings.JOBPIPE_BREAKER_FAILURES = 3
    site.route("/broken", status=500)
    for _ in range(6):  # the same page, retried: its failures, not the host's
        with pytest.raises(TransientFetchError) as info:
            fetch(f"{site.base}/broken")
        assert info.value.error_class == "http_5xx"
    assert site.hits["/broken"] == 6


def test_429s_pause_the_host_and_do_not_open_its_breaker(site, settings):
    settings.JOBPIPE_BREAKER_FAILURES = 2
    for n in range(3):
        site.route(f"/busy/{n}", status=429)  # no Retry-After: no pause either
    for n in range(3):
        with pytest.raises(TransientFetchError) as info:
            fetch(f"{site.base}/busy/{n}")
        assert info.value.error_class == "rate_limited"


@pytest.mark.parametrize("kind", ["redis", "local"])
def test_release_gives_back_a_slot_and_clears_keys_in_one_call(kind):
    store = shared_state.store() if kind == "redis" else shared_state.LocalStore()
    store.incr("jp:busy:release.test", ttl=30)
    store.set("jp:fails:release.test", "x", 30)

    store.release("jp:busy:release.test", "jp:fails:release.test", "jp:open:release.test")

    assert store.get_many("jp:busy:release.test", "jp:fails:release.test") == ["0", None]


def test_robots_txt_is_kept_in_the_process_between_requests():
    loads = []

    def load(url):
        loads.append(url)
        return "User-agent: *\nDisallow: /private\n"

    first = politeness.robots_text("http://robots-cache.test", load)
    shared_state.store().delete("jp:robots:http://robots-cache.test")
    again = politeness.robots_text("http://robots-cache.test", load)  # no Redis, no request
    politeness.reset_state()
    reloaded = politeness.robots_text("http://robots-cache.test", load)

    assert first == again == reloaded
    assert loads == ["http://robots-cache.test/robots.txt"] * 2
