"""Provider-wide pacing on real Redis: tenants of one ATS provider on two hosts (127.0.0.1
and 127.0.0.2) share the provider's rate and in-flight limit, measured by the servers'
arrival times; a page outside an adapter never touches provider state; each provider host
keeps its own breaker."""

from __future__ import annotations

import threading
import time

import pytest

from ingestion import pacing, shared_state
from ingestion.errors import TransientFetchError
from ingestion.fetch import fetch
from ingestion.sources import adapter_for
from ingestion.sources.ats import join, smartrecruiters, teamtailor
from tests.httpserver import ScriptedServer
from tests.ingestion import ats_samples as samples

JSON = {"Content_Type": "application/json"}


@pytest.fixture
def tenants():
    """Two hosts of one provider, each recording when every request arrived."""
    arrivals: list[tuple[str, float]] = []
    lock = threading.Lock()
    hosts = [ScriptedServer(host="127.0.0.1"), ScriptedServer(host="127.0.0.2")]
    for server in hosts:

        def arrived(path, host=server.base):
            with lock:
                arrivals.append((host, time.monotonic()))

        server.on_request = arrived
    yield hosts, arrivals
    for server in hosts:
        server.close()


@pytest.fixture
def paced(settings):
    settings.JOBPIPE_PROVIDER_PACING = True
    settings.JOBPIPE_RESPECT_ROBOTS = False
    settings.JOBPIPE_DOMAIN_RATE = 0  # per host: no limit, so only the provider's shows
    settings.JOBPIPE_DOMAIN_CONCURRENCY = 0
    assert isinstance(shared_state.store(), shared_state.RedisStore)  # shared by workers
    return settings


def greenhouse_source(server: ScriptedServer, token: str) -> dict:
    return {
        "id": 1,
        "name": f"{token} on greenhouse",
        "org_name": token,
        "kind": "greenhouse",
        "url": "",
        "board_token": token,
        "config": {"api_base": server.base},
    }


def test_tenants_on_two_hosts_of_one_provider_share_its_rate(paced, tenants, monkeypatch):
    """Six Greenhouse tenants, three on each host, listed at once on six threads (as six
    discovery threads of several workers would): the provider's 10/s gives the six requests
    send times 0.1 s apart, although each host alone is unlimited, and they reach the servers
    over at least 0.45 s (arrival gaps alone would be at the mercy of a loaded machine's
    scheduler)."""
    paced.JOBPIPE_PROVIDER_LIMITS = {"greenhouse": {"rate": 10, "concurrency": 0}}
    hosts, arrivals = tenants
    slots: list[float] = []  # the send time the provider's Redis schedule gave each request
    shared = pacing.store()

    class Recording:
        def reserve(self, key, interval, now, longest=1e9):
            wait = shared.reserve(key, interval, now, longest)
            slots.append(now + max(wait, 0.0))
            return wait

        def __getattr__(self, name):
            return getattr(shared, name)

    monkeypatch.setattr(pacing, "store", Recording)
    sources = []
    for server in hosts:
        for n in range(3):
            token = f"acme{n}"
            server.route(
                f"/v1/boards/{token}/jobs?content=true",
                body=samples.greenhouse_board(server.base, n=1),
                **JSON,
            )
            sources.append(greenhouse_source(server, token))
    results = []
    threads = [
        threading.Thread(target=lambda s=s: results.append(adapter_for("greenhouse")(s)))
        for s in sources
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert [r.complete for r in results] == [True] * 6
    times = sorted(t for _, t in arrivals)
    gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
    assert len(times) == 6
    assert {host for host, _ in arrivals} == {server.base for server in hosts}
    assert times[-1] - times[0] >= 0.45, gaps
    slots.sort()
    assert len(slots) == 6
    assert min(b - a for a, b in zip(slots, slots[1:], strict=False)) >= 0.099, slots


def test_the_provider_in_flight_limit_spans_its_hosts_and_not_other_providers(paced):
    paced.JOBPIPE_PROVIDER_MAX_WAIT = 0  # refuse at once instead of waiting for the slot

    with pacing.provider("teamtailor", pacing.Pacing(rate=0, concurrency=1)):
        with pacing.paced("acme.teamtailor.com"):
            # The slot is a key of its own that expires: a worker killed mid-request leaks
            # it for one TTL, whoever keeps asking meanwhile.
            ttl = shared_state.store().redis.ttl("jp:pbusy:teamtailor:0")
            with pytest.raises(TransientFetchError) as busy, pacing.paced("beta.teamtailor.com"):
                pytest.fail("a second request of the provider must not be sent")
            # Another provider has its own slots.
            with pacing.provider("join", pacing.Pacing(0, 1)), pacing.paced("join.com"):
                pass
        with pacing.paced("beta.teamtailor.com"):  # released on exit
            pass

    assert busy.value.error_class == "domain_busy"
    assert 0 < ttl <= 30 + 2 + 2 * 20  # provider wait + host wait + two fetch timeouts
    assert "provider teamtailor: 1 requests already in flight" in busy.value.message


def test_a_wait_for_the_providers_slot_past_the_limit_is_a_deferral(paced):
    paced.JOBPIPE_PROVIDER_MAX_WAIT = 0

    with pacing.provider("join", pacing.Pacing(rate=1, concurrency=0)):
        with pacing.paced("join.com"):
            pass
        with pytest.raises(TransientFetchError) as throttled, pacing.paced("join.com"):
            pytest.fail("the request must not be sent")

    assert throttled.value.error_class == "domain_throttled"
    assert 0 < throttled.value.retry_after <= 1
    assert "provider join" in throttled.value.message


def test_a_provider_slot_freed_while_waiting_is_taken(paced):
    paced.JOBPIPE_PROVIDER_MAX_WAIT = 5
    limits = pacing.Pacing(rate=0, concurrency=1)
    held, release, got = threading.Event(), threading.Event(), []

    def first():
        with pacing.provider("join", limits), pacing.paced("join.com"):
            held.set()
            release.wait(5)

    def second():
        with pacing.provider("join", limits), pacing.paced("join.com"):
            got.append(time.monotonic())

    one = threading.Thread(target=first)
    one.start()
    held.wait(5)
    two = threading.Thread(target=second)
    two.start()
    released_at = time.monotonic()
    release.set()
    one.join()
    two.join()

    assert len(got) == 1 and got[0] >= released_at  # it waited for the slot, then went


def test_a_page_outside_an_adapter_never_touches_provider_state(paced, monkeypatch, http):
    """The crawl's hot path: a careers page fetched with no adapter running makes no provider
    call at all (no Redis round trip), even while a provider's only slot is taken."""
    http.route("/jobs/1.html", body="<html>job</html>")

    def no_store():
        raise AssertionError("a page fetch touched provider state")

    page: list[int] = []
    # A crawl thread: its own context, no provider.
    crawl = threading.Thread(target=lambda: page.append(fetch(f"{http.base}/jobs/1.html").status))
    limits = pacing.Pacing(rate=0.01, concurrency=1)
    # The provider's one slot, held meanwhile.
    with (
        pacing.provider("greenhouse", limits),
        pacing.paced("boards-api.greenhouse.io"),
        monkeypatch.context() as patched,
    ):
        patched.setattr(pacing, "store", no_store)
        crawl.start()
        crawl.join(5)

    assert page == [200]
    assert pacing.current() is None


def test_each_provider_host_keeps_its_own_breaker(paced, tenants):
    paced.JOBPIPE_BREAKER_FAILURES = 2
    (down, up), _ = tenants
    for n in range(3):
        down.route(f"/v1/boards/a{n}/jobs", status=503)
    up.route("/v1/boards/b/jobs", body=b'{"jobs": []}', **JSON)

    with pacing.provider("greenhouse", pacing.Pacing(rate=100, concurrency=4)):
        outcomes = []
        for n in range(3):
            with pytest.raises(TransientFetchError) as info:
                fetch(f"{down.base}/v1/boards/a{n}/jobs", robots=False)
            outcomes.append(info.value.error_class)
        other = fetch(f"{up.base}/v1/boards/b/jobs", robots=False)

    assert outcomes == ["http_5xx", "http_5xx", "circuit_open"]
    assert down.hits.get("/v1/boards/a2/jobs") is None  # the open breaker sent nothing
    assert other.status == 200  # the provider's other host is unaffected


def test_adapters_declare_their_providers_limits_and_settings_override_them(settings):
    assert pacing.Pacing(rate=8, concurrency=4) == smartrecruiters.PACING
    assert pacing.Pacing(rate=2, concurrency=2) == join.PACING
    assert pacing.Pacing(rate=10, concurrency=6) == teamtailor.PACING

    settings.JOBPIPE_PROVIDER_LIMITS = {"join": {"rate": 1}}

    assert pacing.limits_for("join", join.PACING) == pacing.Pacing(rate=1, concurrency=2)
    assert pacing.limits_for("lever", pacing.DEFAULT) == pacing.DEFAULT


def test_an_ats_adapter_runs_as_its_provider_and_a_page_adapter_as_none(monkeypatch):
    from ingestion import sources

    seen: dict[str, str | None] = {}

    def probe(kind: str, module: str):
        def discover(source):
            seen[kind] = pacing.current()

        discover.__module__ = module
        monkeypatch.setitem(sources.ADAPTERS, kind, discover)

    probe("join", "ingestion.sources.ats.join")
    probe("careers_page", "ingestion.sources.careers_page")

    adapter_for("join")({})
    adapter_for("careers_page")({})

    assert seen == {"join": "join", "careers_page": None}
    assert pacing.current() is None  # the provider ends with the adapter
