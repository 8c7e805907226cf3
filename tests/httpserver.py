"""A scriptable HTTP server on 127.0.0.1 for fetch tests: path -> (status, headers, body).

POST requests (ATS search APIs) are answered by `post_routes[path](body) -> (status, headers,
body)`, and their bodies are recorded in `posted` as (path, decoded JSON or raw bytes)."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class ScriptedServer:
    def __init__(self, host: str = "127.0.0.1") -> None:
        self.routes: dict[str, tuple[int, dict, bytes]] = {}
        self.hits: dict[str, int] = {}
        # What unknown paths get (a 404 by default).
        self.fallback: tuple[int, dict, bytes] = (404, {}, b"not found")
        # Called with the path on the server's thread before each answer (tests hold requests).
        self.on_request: Callable[[str], None] | None = None
        self.post_routes: dict[str, Callable[[object], tuple[int, dict, bytes]]] = {}
        self.posted: list[tuple[str, object]] = []
        self.post_headers: list[dict[str, str]] = []  # each POST's request headers
        # (path, request headers) of every request; a route with an ETag answers a matching
        # If-None-Match with a 304 (as real servers do) while honour_validators is True.
        self.requests: list[tuple[str, dict]] = []
        self.peers: list[tuple[str, int]] = []  # each GET's client address: one per connection
        self.honour_validators = True
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # headers and body go out at once, no 40 ms ACK wait

            def do_GET(self):
                server.hits[self.path] = server.hits.get(self.path, 0) + 1
                server.requests.append((self.path, dict(self.headers)))
                server.peers.append(self.client_address)
                if server.on_request is not None:
                    server.on_request(self.path)
                status, headers, body = server.routes.get(self.path, server.fallback)
                etag = headers.get("ETag")
                if etag and server.honour_validators and self.headers.get("If-None-Match") == etag:
                    self.send_response(304)
                    self.send_header("ETag", etag)
                    self.end_headers()
                    return
                self._answer(status, headers, body)

            def do_POST(self):
                server.hits[self.path] = server.hits.get(self.path, 0) + 1
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                try:
                    payload: object = json.loads(raw)
                except ValueError:
                    payload = raw
                server.posted.append((self.path, payload))
                server.post_headers.append(dict(self.headers))
                responder = server.post_routes.get(self.path)
                self._answer(*(responder(payload) if responder else server.fallback))

            def _answer(self, status: int, headers: dict, body: bytes) -> None:
                self.send_response(status)
                headers = {"Content-Type": "text/html; charset=utf-8", **headers}
                for name, value in headers.items():
                    if value is not None:  # None: leave the header out (no Content-Type)
                        self.send_header(name, value)
                if "Content-Length" not in headers and "Transfer-Encoding" not in headers:
                    self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format, *args):
                pass

        self.httpd = ThreadingHTTPServer((host, 0), Handler)
        self.port = self.httpd.server_address[1]
        self.base = f"http://{host}:{self.port}"
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self.thread.start()

    def route(self, path: str, status: int = 200, body: bytes | str = b"", **headers) -> str:
        if isinstance(body, str):
            body = body.encode()
        self.routes[path] = (status, {k.replace("_", "-"): v for k, v in headers.items()}, body)
        return self.base + path

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
