"""Fetch limits against hostile servers: bombs, endless bodies, slow drips."""

from __future__ import annotations

import gzip
import socket
import threading

import pytest

from ingestion.errors import FetchError, TransientFetchError
from ingestion.fetch import fetch


class RawServer:
    """A one-shot TCP server on 127.0.0.1 that plays `script(conn)` to each client."""

    def __init__(self, script):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}/page"
        self.script = script
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            conn.recv(65536)
            try:
                self.script(conn)
            except OSError:
                pass
            finally:
                conn.close()

    def close(self):
        self.sock.close()


@pytest.fixture
def raw():
    servers = []

    def make(script):
        server = RawServer(script)
        servers.append(server)
        return server

    yield make
    for server in servers:
        server.close()


HTML = b"Content-Type: text/html; charset=utf-8\r\n"


def test_a_gzip_bomb_stops_at_the_decoded_cap(raw, settings):
    settings.JOBPIPE_MAX_BODY_BYTES = 64 * 1024
    bomb = gzip.compress(b"<p>" + b"A" * (20 * 1024 * 1024))  # 20 MiB in about 20 KB

    def script(conn):
        conn.sendall(
            b"HTTP/1.1 200 OK\r\n" + HTML + b"Content-Encoding: gzip\r\n"
            b"Content-Length: " + str(len(bomb)).encode() + b"\r\n\r\n" + bomb
        )

    server = raw(script)
    with pytest.raises(FetchError) as info:
        fetch(server.url)

    assert info.value.error_class == "too_large"
    assert "decoded" in info.value.message


def test_an_endless_chunked_body_stops_at_the_cap(raw, settings):
    settings.JOBPIPE_MAX_BODY_BYTES = 64 * 1024

    def script(conn):
        conn.sendall(b"HTTP/1.1 200 OK\r\n" + HTML + b"Transfer-Encoding: chunked\r\n\r\n")
        chunk = b"x" * 8192
        for _ in range(10_000):
            conn.sendall(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")

    with pytest.raises(FetchError) as info:
        fetch(raw(script).url)

    assert info.value.error_class == "too_large"


def test_a_body_without_content_length_stops_at_the_cap(raw, settings):
    settings.JOBPIPE_MAX_BODY_BYTES = 64 * 1024

    def script(conn):
        conn.sendall(b"HTTP/1.1 200 OK\r\n" + HTML + b"Connection: close\r\n\r\n")
        for _ in range(1000):
            conn.sendall(b"y" * 8192)

    with pytest.raises(FetchError) as info:
        fetch(raw(script).url)

    assert info.value.error_class == "too_large"


class StepClock:
    """A monotonic clock that moves `step` seconds each time it is read: every read of the
    body costs that much time, however fast the bytes really come."""

    def __init__(self, step: float):
        self.now, self.step = 0.0, step

    def __call__(self) -> float:
        self.now += self.step
        return self.now


def test_a_slow_drip_is_cut_at_the_total_deadline(raw, settings):
    """A byte per read never trips a per-read timeout; the total deadline does."""
    settings.JOBPIPE_FETCH_TIMEOUT = 1
    clock = StepClock(0.2)

    def script(conn):
        conn.sendall(b"HTTP/1.1 200 OK\r\n" + HTML + b"Content-Length: 100000\r\n\r\n")
        for _ in range(100000):
            conn.sendall(b"z")

    with pytest.raises(TransientFetchError) as info:
        fetch(raw(script).url, clock=clock)

    assert (info.value.error_class, info.value.message) == (
        "timeout",
        "body not received within 1s",
    )
    # The deadline (first reading + 1 s) is checked before every read: it stops at the first
    # reading past it, not later.
    assert 1.2 < clock.now <= 1.2 + 0.2 + 1e-9


def test_a_server_that_never_answers_is_a_timeout(raw, settings):
    settings.JOBPIPE_FETCH_TIMEOUT = 1
    release = threading.Event()

    def script(conn):
        release.wait(10)  # holds the connection open, silent, until the test ends

    try:
        with pytest.raises(TransientFetchError) as info:
            fetch(raw(script).url)
    finally:
        release.set()

    assert info.value.error_class == "timeout"


def test_an_error_page_whose_body_never_comes_is_not_waited_for(raw):
    """The 503 is reported; its declared body, which never arrives, is given up after the
    short drain timeout (the connection closes) instead of holding the thread."""
    release = threading.Event()

    def script(conn):
        conn.sendall(
            b"HTTP/1.1 503 Service Unavailable\r\n" + HTML + b"Content-Length: 100\r\n\r\n"
        )
        conn.sendall(b"0123456789")  # 10 of the 100 bytes, then silence
        release.wait(10)

    try:
        with pytest.raises(TransientFetchError) as info:
            fetch(raw(script).url, robots=False)
    finally:
        release.set()

    assert (info.value.error_class, info.value.http_status) == ("http_5xx", 503)


def test_a_one_gib_body_stops_at_the_default_cap_without_growing_memory(raw):
    """The default 10 MiB cap against a server that would send 1 GiB: the fetch ends at the
    cap and the process grows by far less than 100 MiB."""
    import psutil

    def script(conn):
        conn.sendall(b"HTTP/1.1 200 OK\r\n" + HTML + b"Content-Length: 1073741824\r\n\r\n")
        block = b"<p>" + b"x" * (1024 * 1024 - 3)
        for _ in range(1024):
            conn.sendall(block)

    before = psutil.Process().memory_info().rss
    with pytest.raises(FetchError) as info:
        fetch(raw(script).url)
    growth = psutil.Process().memory_info().rss - before

    assert info.value.error_class == "too_large"  # the declared length alone refuses it
    assert growth < 100 * 1024 * 1024


def test_a_content_length_shorter_than_the_body_ends_at_the_declared_length(raw, settings):
    """A server that declares 1 KB and then streams on: the read stops at 1 KB."""
    settings.JOBPIPE_MAX_BODY_BYTES = 64 * 1024

    def script(conn):
        conn.sendall(b"HTTP/1.1 200 OK\r\n" + HTML + b"Content-Length: 1024\r\n\r\n")
        for _ in range(100):
            conn.sendall(b"w" * 8192)

    result = fetch(raw(script).url)

    assert len(result.body) == 1024
