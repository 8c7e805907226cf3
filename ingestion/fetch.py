"""HTTP fetching for every stage: one keep-alive session per thread, hard limits, typed errors.

Failures are exceptions with an `error_class` the URL's outcome records: transient ones
(timeouts, connection errors, 429, 5xx) may be retried, permanent ones never are.
"""

from __future__ import annotations

import datetime
import threading
import time
from dataclasses import dataclass
from email.utils import parsedate_to_datetime

import requests
from django.conf import settings
from django.utils import timezone

ACCEPTED_TYPES = ("text/html", "application/xhtml+xml", "text/xml", "application/xml", "json")
_local = threading.local()


@dataclass(frozen=True)
class FetchResult:
    url: str
    status: int
    content_type: str
    body: bytes


class FetchError(Exception):
    """A fetch that did not produce a usable body."""

    transient = False

    def __init__(self, error_class: str, message: str, *, http_status: int | None = None):
        super().__init__(message)
        self.error_class = error_class
        self.message = message
        self.http_status = http_status


class TransientFetchError(FetchError):
    """Worth retrying later: timeouts, connection failures, 429 and 5xx."""

    transient = True

    def __init__(self, *args, retry_after: float | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.retry_after = retry_after


def session() -> requests.Session:
    """This thread's keep-alive session (workers reuse connections across tasks)."""
    sess = getattr(_local, "session", None)
    if sess is None:
        sess = requests.Session()
        sess.headers["User-Agent"] = settings.JOBPIPE_USER_AGENT
        sess.headers["Accept"] = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.5"
        _local.session = sess
    return sess


def fetch(url: str) -> FetchResult:
    """GET `url` within the configured deadline and body cap, or raise a FetchError."""
    if not url.lower().startswith(("http://", "https://")):
        raise FetchError("bad_url", f"only http and https URLs are fetched, got {url[:200]!r}")
    timeout = settings.JOBPIPE_FETCH_TIMEOUT
    deadline = time.monotonic() + timeout
    try:
        response = session().get(url, timeout=(min(timeout, 10), timeout), stream=True)
    except requests.Timeout as exc:
        raise TransientFetchError("timeout", f"no response within {timeout}s: {exc}") from exc
    except requests.ConnectionError as exc:
        raise TransientFetchError("connection_error", f"could not connect: {exc}") from exc
    except requests.RequestException as exc:
        raise FetchError("bad_url", f"request failed: {exc}") from exc
    with response:
        _raise_for_status(response)
        content_type = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
        if content_type and not any(kind in content_type for kind in ACCEPTED_TYPES):
            raise FetchError(
                "bad_content_type",
                f"content type {content_type!r} is not HTML, XML or JSON",
                http_status=response.status_code,
            )
        body = _read_capped(response, deadline, timeout)
    return FetchResult(
        url=response.url, status=response.status_code, content_type=content_type, body=body
    )


def _raise_for_status(response: requests.Response) -> None:
    status = response.status_code
    if status < 400:
        return
    if status == 429 or status >= 500:
        kind = "rate_limited" if status == 429 else "http_5xx"
        raise TransientFetchError(
            kind,
            f"HTTP {status} {response.reason}",
            http_status=status,
            retry_after=retry_after_seconds(response.headers.get("Retry-After")),
        )
    raise FetchError(f"http_{status}", f"HTTP {status} {response.reason}", http_status=status)


def _read_capped(response: requests.Response, deadline: float, timeout: int) -> bytes:
    cap = settings.JOBPIPE_MAX_BODY_BYTES
    declared = response.headers.get("Content-Length")
    if declared and declared.isdigit() and int(declared) > cap:
        raise FetchError(
            "too_large",
            f"Content-Length {declared} exceeds the {cap}-byte cap",
            http_status=response.status_code,
        )
    chunks: list[bytes] = []
    size = 0
    try:
        for chunk in response.iter_content(chunk_size=64 * 1024):
            size += len(chunk)
            if size > cap:
                raise FetchError(
                    "too_large",
                    f"body exceeds the {cap}-byte cap",
                    http_status=response.status_code,
                )
            if time.monotonic() > deadline:
                raise TransientFetchError("timeout", f"body not received within {timeout}s")
            chunks.append(chunk)
    except requests.RequestException as exc:
        raise TransientFetchError("connection_error", f"body read failed: {exc}") from exc
    return b"".join(chunks)


def retry_after_seconds(value: str | None) -> float | None:
    """Parse Retry-After in either form: delta-seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=datetime.UTC)
    return max(0.0, (when - timezone.now()).total_seconds())
