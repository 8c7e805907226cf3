"""The many-hosts bench's page server, one process: H hosts on 127.0.0.2 ... 127.0.0.(H+1), each
answering after a fixed latency, plus the same pages on 127.0.0.1 with no latency (the floor).

Each host serves /robots.txt (allow all), /sitemap.xml (its P pages) and /jobs/<n>.html, with
page numbers unique across hosts. Optional errors, per mille of the pages, chosen by page
number: pages that always answer 500, and pages whose first request answers 429 with
Retry-After: 1. Prints the port (the same on every address) and serves.
"""

from __future__ import annotations

import functools
import re
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from bench.pages import job_page, sitemap
from bench.server import PageHandler

JOB = re.compile(r"^/jobs/(\d+)\.html$")


def handler(
    index: int, pages: int, latency: float, seed: int, errors: tuple[int, int] = (0, 0)
) -> type[BaseHTTPRequestHandler]:
    first = index * pages
    fail_500, once_429 = errors

    class Handler(PageHandler):
        def do_GET(self):
            if latency:
                time.sleep(latency)  # the remote host's think time: what the bench is about
            if self.path == "/robots.txt":
                return self._send(200, b"User-agent: *\nAllow: /\n", "text/plain")
            if self.path == "/sitemap.xml":
                base = f"http://{self.headers['Host']}"
                body = sitemap(base, range(first, first + pages)).encode()
                return self._send(200, body, "application/xml")
            if match := JOB.match(self.path):
                n = int(match.group(1))
                if _chosen(n, 0) < fail_500:
                    return self._send(500, b"internal error", "text/plain")
                if _chosen(n, 1) < once_429 and _first_request(n):
                    return self._send(429, b"slow down", "text/plain", {"Retry-After": "1"})
                return self._send(200, _page(n, seed), "text/html; charset=utf-8")
            return self._send(404, b"not found", "text/plain")

    return Handler


def _chosen(n: int, salt: int) -> int:
    """A page's fixed place in 0..999 for an error kind (Knuth's multiplicative hash)."""
    return ((n * 2 + salt) * 2654435761 % 2**32) % 1000


_seen: set[int] = set()
_seen_lock = threading.Lock()


def _first_request(n: int) -> bool:
    with _seen_lock:
        first = n not in _seen
        _seen.add(n)
        return first


@functools.cache
def _page(n: int, seed: int) -> bytes:
    return job_page(n, employer=f"Employer {n % 10}", seed=seed).encode()


def serve(address: str, port: int, klass: type[BaseHTTPRequestHandler]) -> int:
    server = ThreadingHTTPServer((address, port), klass)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server.server_address[1]


def main(
    hosts: int, pages: int, latency_ms: int, seed: int, fail_500: int = 0, once_429: int = 0
) -> None:
    for n in range(hosts * pages):
        _page(n, seed)
    # The floor's host first: it picks the free port every other address then uses.
    port = serve("127.0.0.1", 0, handler(0, hosts * pages, 0.0, seed))
    for index in range(hosts):
        errors = (fail_500, once_429)
        serve(f"127.0.0.{index + 2}", port, handler(index, pages, latency_ms / 1000, seed, errors))
    print(port, flush=True)
    threading.Event().wait()


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:7]))
