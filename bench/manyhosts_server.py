"""The many-hosts bench's page server, one process: H hosts on 127.0.0.2 ... 127.0.0.(H+1), each
answering after a fixed latency, plus the same pages on 127.0.0.1 with no latency (the floor).

Each host serves /robots.txt (allow all), /sitemap.xml (its P pages) and /jobs/<n>.html, with
page numbers unique across hosts. Prints the port (the same on every address) and serves.
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


def handler(index: int, pages: int, latency: float, seed: int) -> type[BaseHTTPRequestHandler]:
    first = index * pages

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
                return self._send(200, _page(int(match.group(1)), seed), "text/html; charset=utf-8")
            return self._send(404, b"not found", "text/plain")

    return Handler


@functools.cache
def _page(n: int, seed: int) -> bytes:
    return job_page(n, employer=f"Employer {n % 10}", seed=seed).encode()


def serve(address: str, port: int, klass: type[BaseHTTPRequestHandler]) -> int:
    server = ThreadingHTTPServer((address, port), klass)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server.server_address[1]


def main(hosts: int, pages: int, latency_ms: int, seed: int) -> None:
    for n in range(hosts * pages):
        _page(n, seed)
    # The floor's host first: it picks the free port every other address then uses.
    port = serve("127.0.0.1", 0, handler(0, hosts * pages, 0.0, seed))
    for index in range(hosts):
        serve(f"127.0.0.{index + 2}", port, handler(index, pages, latency_ms / 1000, seed))
    print(port, flush=True)
    threading.Event().wait()


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:5]))
