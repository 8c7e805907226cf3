"""The benchmark's page server, run in its own process: keep-alive HTTP/1.1 on 127.0.0.1.

Paths: /s<k>/sitemap.xml (the jobs of source k), /jobs/<n>.html (job page n). Pages are made
on first request from the seed and cached, so the server's CPU is mostly serving.
"""

from __future__ import annotations

import datetime
import functools
import re
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from bench.pages import job_page, sitemap

JOB = re.compile(r"^/jobs/(\d+)\.html$")
SITEMAP = re.compile(r"^/s(\d+)/sitemap\.xml$")


class PageHandler(BaseHTTPRequestHandler):
    """Keep-alive HTTP/1.1, one write per answer, no request log: the bench servers' base."""

    protocol_version = "HTTP/1.1"  # keep-alive
    disable_nagle_algorithm = True  # headers and body go out at once, no 40 ms ACK wait

    def _send(
        self, status: int, body: bytes, content_type: str, headers: dict | None = None
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format, *args):
        pass


class Handler(PageHandler):
    pages = 0
    sources = 1
    seed = 7
    changed_every = 0  # > 0: every changed_every-th page renders with another seed (a change)
    # 1: an ETag per page and 304s; 2: no ETag, sitemap <lastmod> instead; 3: both
    validators = 0
    started = ""  # when this server started (the <lastmod> of a changed page)

    def do_GET(self):
        if match := JOB.match(self.path):
            n = int(match.group(1))
            if n >= self.pages:
                return self._send(404, b"not found", "text/plain")
            changed = self.changed_every and n % self.changed_every == 0
            seed = self.seed + 1 if changed else self.seed
            body = _page(n, seed)
            if self.validators not in (1, 3):
                return self._send(200, body, "text/html; charset=utf-8")
            etag = f'"{n}-{seed}"'
            if self.headers.get("If-None-Match") == etag:
                return self._send(304, b"", "text/html; charset=utf-8", {"ETag": etag})
            return self._send(200, body, "text/html; charset=utf-8", {"ETag": etag})
        if match := SITEMAP.match(self.path):
            k = int(match.group(1))
            base = f"http://{self.headers['Host']}"
            numbers = range(k, self.pages, self.sources)
            every, started = self.changed_every, self.started
            lastmod = (
                (lambda n: started if every and n % every == 0 else "2026-01-01")
                if self.validators in (2, 3)
                else None
            )
            return self._send(200, sitemap(base, numbers, lastmod).encode(), "application/xml")
        return self._send(404, b"not found", "text/plain")


@functools.cache
def _page(n: int, seed: int) -> bytes:
    return job_page(n, employer=f"Employer {n % 10}", seed=seed).encode()


def main(
    port: int, pages: int, sources: int, seed: int, changed_every: int = 0, validators: int = 0
) -> None:
    Handler.pages, Handler.sources, Handler.seed = pages, sources, seed
    Handler.changed_every, Handler.validators = changed_every, validators
    Handler.started = datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")
    for n in range(pages):  # render everything up front: serving is all that is timed
        _page(n, seed)
    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    server.daemon_threads = True
    print(server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:7]))
