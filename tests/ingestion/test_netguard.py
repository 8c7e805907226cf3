"""The SSRF guard: hostile URLs and redirect chains are refused before any connection.

A canary server on 127.0.0.1 counts every request it receives; with no network allowlisted,
none of these URLs may reach it (or anything else)."""

from __future__ import annotations

import socket

import pytest

from ingestion import netguard
from ingestion.errors import FetchError
from ingestion.fetch import fetch
from tests.httpserver import ScriptedServer

FAKE_DNS = {
    "internal.test": ["10.1.2.3"],
    "metadata.test": ["169.254.169.254"],
    "loopback.test": ["127.0.0.1"],
    "mixed.test": ["93.184.216.34", "127.0.0.1"],  # one public, one private answer
    "v6local.test": ["::1"],
    "mapped.test": ["::ffff:10.0.0.1"],
}


class Canary:
    """A listener on 127.0.0.1 that counts every TCP connection made to it."""

    def __init__(self):
        import threading

        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.connections += 1
            conn.close()


@pytest.fixture
def canary():
    listener = Canary()
    yield listener
    listener.sock.close()


@pytest.fixture
def no_allowlist(settings, monkeypatch):
    settings.JOBPIPE_FETCH_ALLOWED_NETWORKS = ""
    settings.JOBPIPE_RESPECT_ROBOTS = False
    real = socket.getaddrinfo

    def fake_getaddrinfo(host, port, *args, **kwargs):
        if host in FAKE_DNS:
            return [
                (
                    socket.AF_INET6 if ":" in a else socket.AF_INET,
                    socket.SOCK_STREAM,
                    6,
                    "",
                    (a, port),
                )
                for a in FAKE_DNS[host]
            ]
        if host.endswith(".test"):
            raise socket.gaierror(f"unknown test host {host}")
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(netguard, "resolve", fake_getaddrinfo)


def hostile_urls(port: int) -> list[str]:
    return [
        f"http://127.0.0.1:{port}/",
        f"http://localhost:{port}/",
        f"http://2130706433:{port}/",  # decimal
        f"http://0x7f000001:{port}/",  # hex
        f"http://017700000001:{port}/",  # octal
        f"http://0177.0.0.1:{port}/",  # octal first octet
        f"http://127.1:{port}/",  # short form
        f"http://127.0.0.2:{port}/",
        f"http://[::1]:{port}/",
        f"http://[::ffff:127.0.0.1]:{port}/",  # IPv4-mapped IPv6
        f"http://[::ffff:7f00:1]:{port}/",
        f"http://[::127.0.0.1]:{port}/",  # IPv4-compatible IPv6
        f"http://user:pass@127.0.0.1:{port}/",  # userinfo
        f"http://example.com@127.0.0.1:{port}/",  # userinfo that looks like the host
        f"http://127.0.0.1:{port}#@example.com/",  # fragment trick
        f"http://0.0.0.0:{port}/",  # unspecified
        f"http://loopback.test:{port}/",  # a name that resolves to loopback
        f"http://mixed.test:{port}/",  # public and private answers
        "http://10.0.0.1/",
        "http://172.16.0.1/",
        "http://192.168.1.1/",
        "http://169.254.169.254/latest/meta-data/",  # cloud metadata
        "http://metadata.test/computeMetadata/v1/",
        "http://internal.test/",
        "http://100.64.0.1/",  # CGNAT
        "http://[fd00::1]/",  # unique local
        "http://[fe80::1]/",  # link local
        "http://224.0.0.1/",  # multicast
        "http://[ff02::1]/",
        "http://240.0.0.1/",  # reserved
        "http://[::]/",
        "http://v6local.test/",
        "http://mapped.test/",
        "http://[2002:7f00:1::]/",  # 6to4 wrapping 127.0.0.1
        "http://192.0.0.8/",  # IPv4 dummy address (IETF protocol assignments)
        f"http://[64:ff9b::7f00:1]:{port}/",  # NAT64 wrapping 127.0.0.1
    ]


@pytest.mark.usefixtures("no_allowlist")
def test_hostile_urls_are_refused_and_the_canary_hears_nothing(canary):
    urls = hostile_urls(canary.port)
    assert len(urls) >= 25

    refused = []
    for url in urls:
        with pytest.raises(FetchError) as info:
            fetch(url)
        refused.append((url, info.value.error_class))

    assert {cls for _, cls in refused} == {"blocked_address"}, refused
    assert canary.connections == 0


@pytest.mark.usefixtures("no_allowlist")
@pytest.mark.parametrize(
    "url", ["file:///etc/passwd", "gopher://127.0.0.1:70/", "ftp://127.0.0.1/", "http:///x"]
)
def test_other_schemes_and_hostless_urls_are_bad_urls(url):
    with pytest.raises(FetchError) as info:
        fetch(url)

    assert info.value.error_class == "bad_url"


@pytest.mark.usefixtures("no_allowlist")
def test_every_redirect_hop_is_checked_again(settings, canary):
    """127.0.0.2 is allowlisted (the 'public' site here); its redirects to the canary on
    127.0.0.1, in any spelling, are refused at the hop."""
    settings.JOBPIPE_FETCH_ALLOWED_NETWORKS = "127.0.0.2/32"
    site = ScriptedServer(host="127.0.0.2")
    port = canary.port
    targets = [
        f"http://127.0.0.1:{port}/",
        f"http://2130706433:{port}/",
        f"http://localhost:{port}/",
        f"http://[::ffff:127.0.0.1]:{port}/",
        "http://169.254.169.254/latest/meta-data/",
        f"http://loopback.test:{port}/",
    ]
    try:
        for n, target in enumerate(targets):
            site.route(f"/r{n}", status=302, Location=target)
            site.route(f"/hop{n}", status=301, Location=f"/r{n}")  # relative, then hostile
            with pytest.raises(FetchError) as info:
                fetch(f"{site.base}/hop{n}")
            assert info.value.error_class == "blocked_address", target
        assert canary.connections == 0
    finally:
        site.close()


@pytest.mark.usefixtures("no_allowlist")
def test_redirect_chains_stop_after_five_hops(settings):
    settings.JOBPIPE_FETCH_ALLOWED_NETWORKS = "127.0.0.2/32"
    site = ScriptedServer(host="127.0.0.2")
    try:
        for n in range(7):
            site.route(f"/{n}", status=302, Location=f"/{n + 1}")
        site.route("/5", body="<html>five</html>")
        assert fetch(f"{site.base}/0").body == b"<html>five</html>"  # five redirects: fine
        site.route("/5", status=302, Location="/6")
        with pytest.raises(FetchError) as info:
            fetch(f"{site.base}/0")
        assert info.value.error_class == "too_many_redirects"
    finally:
        site.close()


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("93.184.216.34", True),
        ("2606:4700::1111", True),
        ("10.0.0.1", False),
        ("100.64.1.1", False),
        ("::ffff:8.8.8.8", True),
        ("::ffff:192.168.0.1", False),
        ("2002:c0a8:0101::", False),  # 6to4 of 192.168.1.1
        ("192.0.2.1", False),  # documentation
        # IANA special-purpose ranges Python 3.11's is_global still calls global:
        ("192.0.0.8", False),  # IPv4 dummy address
        ("192.0.0.1", False),  # IETF protocol assignments
        ("192.0.0.255", False),
        ("3fff::1", False),  # documentation (RFC 9637)
        ("5f00::1", False),  # SRv6 SIDs
        ("64:ff9b::7f00:1", False),  # NAT64 of 127.0.0.1
        ("64:ff9b::a9fe:a9fe", False),  # NAT64 of 169.254.169.254
        ("64:ff9b::808:808", True),  # NAT64 of 8.8.8.8
        ("64:ff9b:1::1", False),  # local-use NAT64
        ("192.0.1.1", True),  # just past 192.0.0.0/24
    ],
)
def test_public_address_classification(address, public):
    import ipaddress

    assert netguard.is_public(ipaddress.ip_address(address)) is public
