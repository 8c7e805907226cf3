"""Serve demo/site on 127.0.0.1 from a background thread."""

from __future__ import annotations

import contextlib
import functools
import io
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

SITE = Path(__file__).resolve().parent / "site"


class _Handler(SimpleHTTPRequestHandler):
    """Static files; XML files get {{BASE}} replaced by this server's own address."""

    def send_head(self):
        if not self.path.split("?")[0].endswith(".xml"):
            return super().send_head()
        path = Path(self.translate_path(self.path))
        if not path.is_file():
            self.send_error(404, "File not found")
            return None
        host, port = self.server.server_address[:2]
        body = path.read_bytes().replace(b"{{BASE}}", f"http://{host}:{port}".encode())
        self.send_response(200)
        self.send_header("Content-Type", "application/xml")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)

    def log_message(self, format, *args):  # keep the demo's output to the progress bar
        pass


@contextlib.contextmanager
def serve(port: int = 0, root: Path = SITE) -> Iterator[str]:
    """Yield the base URL of a server for `root` on 127.0.0.1:`port` (0: any free port)."""
    handler = functools.partial(_Handler, directory=str(root))
    try:
        server = ThreadingHTTPServer(("127.0.0.1", port), handler)
    except OSError:
        server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
