"""HTTP fetching for every stage: a session per thread on one keep-alive pool per process, hard
limits, typed errors.

Failures are exceptions with an `error_class` the URL's outcome records: transient ones
(timeouts, connection errors, 429, 5xx) may be retried, permanent ones never are.
"""

from __future__ import annotations

import contextlib
import datetime
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin, urlsplit

import requests
import requests.adapters
import urllib3
from django.conf import settings
from django.utils import timezone

from ingestion import netguard, pacing, politeness
from ingestion.errors import FetchError, TransientFetchError

ACCEPTED_TYPES = ("text/html", "application/xhtml+xml", "text/xml", "application/xml", "json")
_local = threading.local()
_idle: list[requests.Session] = []  # sessions of ended threads (list.pop/append are atomic)


@dataclass(frozen=True)
class FetchResult:
    url: str
    status: int
    content_type: str
    body: bytes
    etag: str = ""  # the validators the response gave, for the next conditional GET
    last_modified: str = ""


class GuardedAdapter(requests.adapters.HTTPAdapter):
    """A requests adapter whose connections go through the SSRF guard (ingestion.netguard)."""

    def init_poolmanager(self, *args, **kwargs):
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = dict(netguard.POOL_CLASSES)


# The process's connection pool, which every thread's session mounts: a host's keep-alive
# connections serve whichever thread asks it next. With a pool per thread, 100 crawl threads
# over 40 hosts opened a connection for 87 % of their requests (a TCP handshake, and on the web
# a TLS one, per page). At most POOL_PER_HOST idle connections per host (above any host's
# in-flight limit) and POOL_HOSTS hosts are kept, the least recently used dropped first.
POOL_HOSTS = 1000
POOL_PER_HOST = 32
_pool: tuple[int, GuardedAdapter] | None = None  # (the process it belongs to, the adapter)
_pool_lock = threading.Lock()


def shared_adapter() -> GuardedAdapter:
    """This process's adapter; a forked child (a prefork worker) makes its own, so no two
    processes read from one socket."""
    global _pool
    pid = os.getpid()
    pool = _pool
    if pool is None or pool[0] != pid:
        with _pool_lock:
            if _pool is None or _pool[0] != pid:
                adapter = GuardedAdapter(
                    max_retries=0, pool_connections=POOL_HOSTS, pool_maxsize=POOL_PER_HOST
                )
                _pool = (pid, adapter)
            pool = _pool
    return pool[1]


def session() -> requests.Session:
    """This thread's keep-alive session, on the process's shared connection pool: one handed
    back by a thread that ended (release_session), else a new one."""
    sess = getattr(_local, "session", None)
    if sess is None and _idle:
        with contextlib.suppress(IndexError):
            sess = _local.session = _idle.pop()
    adapter = shared_adapter()
    if sess is not None and sess.adapters.get("http://") is not adapter:
        sess = None  # made before a fork: its adapter's connections are the parent's
    if sess is None:
        sess = requests.Session()
        sess.trust_env = False  # no proxy from the environment: it would bypass the guard
        sess.mount("http://", adapter)
        sess.mount("https://", adapter)
        sess.headers["User-Agent"] = settings.JOBPIPE_USER_AGENT
        sess.headers["Accept"] = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.5"
        sess.headers["Accept-Encoding"] = "gzip, deflate"
        _local.session = sess
    return sess


def release_session() -> None:
    """Hand this thread's session (and its open connections) to the next thread that fetches:
    a crawl batch's threads end with the batch, their keep-alive connections need not."""
    sess = getattr(_local, "session", None)
    if sess is not None:
        _local.session = None
        _idle.append(sess)


Clock = Callable[[], float]  # monotonic seconds; tests pass a controllable one


def fetch(
    url: str,
    *,
    robots: bool = True,
    limits: dict | None = None,
    clock: Clock = time.monotonic,
    json_body: dict | None = None,
    headers: dict[str, str] | None = None,
    validators: tuple[str, str] | None = None,
) -> FetchResult:
    """GET `url` safely (POST `json_body` as JSON when given: ATS search APIs such as
    Workday's; `headers` are added to the request, e.g. Taleo's time zone), or raise a
    FetchError with a typed error_class.

    - only http/https; every connection (redirect hops included, at most
      JOBPIPE_MAX_REDIRECTS) goes to a checked public address (ingestion.netguard);
    - politeness (ingestion.politeness): robots.txt unless `robots=False` (ATS APIs), the
      per-domain circuit breaker, request spacing and concurrency, shared by all workers
      (`limits`: a source's {"rate", "concurrency"} overrides); inside an ATS adapter also
      its provider's rate and concurrency across all the provider's hosts (ingestion.pacing);
    - one deadline (JOBPIPE_FETCH_TIMEOUT) for the whole exchange, enforced between reads so a
      server dripping one byte at a time cannot hold a worker;
    - the decoded body is capped (JOBPIPE_MAX_BODY_BYTES) while streaming: gzip bombs, lying or
      missing Content-Length and endless chunked bodies stop at the cap;
    - HTML, XML and JSON only;
    - `validators` (ETag, Last-Modified of the last fetch) make it a conditional GET: a 304
      comes back as a FetchResult with status 304 and no body.
    """
    return _fetch(
        url,
        robots=robots,
        accepted=ACCEPTED_TYPES,
        limits=limits,
        clock=clock,
        json_body=json_body,
        headers=headers,
        validators=validators,
    )


def fetch_text(url: str) -> str:
    """A small text resource (robots.txt) through the same guard and limits, no robots check."""
    # robots.txt is often served without a type; its parser expects plain text anyway.
    result = _fetch(url, robots=False, accepted=("text/plain",), untyped_ok=True)
    return result.body.decode("utf-8", errors="replace")


def _fetch(
    url: str,
    *,
    robots: bool,
    accepted: tuple[str, ...],
    untyped_ok: bool = False,
    limits: dict | None = None,
    clock: Clock = time.monotonic,
    json_body: dict | None = None,
    headers: dict[str, str] | None = None,
    validators: tuple[str, str] | None = None,
) -> FetchResult:
    timeout = settings.JOBPIPE_FETCH_TIMEOUT
    deadline = clock() + timeout
    current = url
    for _hop in range(settings.JOBPIPE_MAX_REDIRECTS + 1):
        host = _check_url(current).hostname or ""
        if robots:
            politeness.check_robots(current, fetch_text)
        # An ATS adapter's request also takes its provider's slot (nothing for other pages).
        with pacing.paced(host), politeness.polite(host, limits, current):
            conditional = _conditional_headers(validators) if current == url else {}
            request_headers = {**(headers or {}), **conditional}
            response = _get(current, deadline - clock(), timeout, json_body, request_headers)
            with response:
                if response.status_code == 304 and conditional:
                    # Read the (empty) body: the connection then goes back to the pool
                    # instead of being closed unread.
                    response.raw.read(64)
                    response.raw.release_conn()
                    return FetchResult(
                        url=current,
                        status=304,
                        content_type="",
                        body=b"",
                        etag=response.headers.get("ETag", "")
                        or conditional.get("If-None-Match", ""),
                        last_modified=response.headers.get("Last-Modified", "")
                        or conditional.get("If-Modified-Since", ""),
                    )
                if response.is_redirect:
                    current = urljoin(current, response.headers.get("Location", ""))
                    if response.status_code not in (307, 308):
                        json_body = None  # 301/302/303 turn a POST into a GET, as browsers do
                    _drain(response)
                    continue
                try:
                    _raise_for_status(response)
                except FetchError as exc:
                    _drain(response)
                    if isinstance(exc, TransientFetchError) and exc.retry_after:
                        # 429/503 Retry-After: the whole host waits
                        politeness.defer(
                            host, min(exc.retry_after, settings.JOBPIPE_MAX_RETRY_COUNTDOWN)
                        )
                    raise
                content_type = (
                    response.headers.get("Content-Type", "").split(";")[0].strip().lower()
                )
                if not content_type and not untyped_ok:
                    # Guessing HTML would feed images, archives and binaries to the parser.
                    raise FetchError(
                        "bad_content_type",
                        "the response has no Content-Type header; expected one of "
                        + ", ".join(accepted),
                        http_status=response.status_code,
                    )
                if content_type and not any(kind in content_type for kind in accepted):
                    raise FetchError(
                        "bad_content_type",
                        f"content type {content_type!r} is not one of {', '.join(accepted)}",
                        http_status=response.status_code,
                    )
                body = _read_capped(response, deadline, timeout, clock)
                return FetchResult(
                    url=current,
                    status=response.status_code,
                    content_type=content_type,
                    body=body,
                    etag=response.headers.get("ETag", "")[:300],
                    last_modified=response.headers.get("Last-Modified", "")[:100],
                )
    raise FetchError(
        "too_many_redirects", f"more than {settings.JOBPIPE_MAX_REDIRECTS} redirects from {url}"
    )


def _check_url(url: str):
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError as exc:
        raise FetchError("bad_url", f"not a valid URL: {url[:200]!r}: {exc}") from None
    if parts.scheme.lower() not in ("http", "https"):
        raise FetchError("bad_url", f"only http and https URLs are fetched, got {url[:200]!r}")
    if not parts.hostname:
        raise FetchError("bad_url", f"no host in {url[:200]!r}")
    return parts


def _conditional_headers(validators: tuple[str, str] | None) -> dict[str, str]:
    etag, last_modified = validators or ("", "")
    headers = {"If-None-Match": etag} if etag else {}
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    return headers


def _get(
    url: str,
    remaining: float,
    timeout: int,
    json_body: dict | None = None,
    headers: dict[str, str] | None = None,
) -> requests.Response:
    remaining = max(remaining, 0.01)
    limit = (min(remaining, 10), remaining)
    try:
        if json_body is not None:
            return session().post(
                url,
                json=json_body,
                headers={"Accept": "application/json", **(headers or {})},
                timeout=limit,
                stream=True,
                allow_redirects=False,
            )
        return session().get(
            url, headers=headers, timeout=limit, stream=True, allow_redirects=False
        )
    except netguard.BlockedAddress as exc:
        raise FetchError("blocked_address", str(exc)) from None
    except requests.Timeout as exc:
        raise TransientFetchError("timeout", f"no response within {timeout}s: {exc}") from exc
    except requests.ConnectionError as exc:
        cause = exc.__context__
        while cause is not None:
            if isinstance(cause, netguard.BlockedAddress):
                raise FetchError("blocked_address", str(cause)) from None
            cause = cause.__context__
        raise TransientFetchError("connection_error", f"could not connect: {exc}") from exc
    except requests.RequestException as exc:
        raise FetchError("bad_url", f"request failed: {exc}") from exc


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
    if status in (404, 410):
        raise FetchError(
            "gone", f"HTTP {status} {response.reason}: the page is gone", http_status=status
        )
    raise FetchError("http_4xx", f"HTTP {status} {response.reason}", http_status=status)


def _read_capped(response: requests.Response, deadline: float, timeout: int, clock: Clock) -> bytes:
    """Decoded body up to the cap. read1() returns after each socket read, so the deadline
    is checked however slowly the server sends."""
    cap = settings.JOBPIPE_MAX_BODY_BYTES
    declared = response.headers.get("Content-Length")
    if declared and declared.isdigit() and int(declared) > cap:
        raise FetchError(
            "too_large",
            f"Content-Length {declared} exceeds the {cap}-byte cap",
            http_status=response.status_code,
        )
    raw = response.raw
    chunks: list[bytes] = []
    size = 0
    try:
        while True:
            if clock() > deadline:
                raise TransientFetchError("timeout", f"body not received within {timeout}s")
            chunk = raw.read1(64 * 1024, decode_content=True)
            if not chunk:
                if raw.closed:  # end of the body (a decoder may also return b"" mid-stream)
                    break
                continue
            size += len(chunk)
            if size > cap:
                raise FetchError(
                    "too_large",
                    f"body exceeds the {cap}-byte cap (decoded)",
                    http_status=response.status_code,
                )
            chunks.append(chunk)
    except (urllib3.exceptions.HTTPError, OSError) as exc:
        if isinstance(exc, urllib3.exceptions.ReadTimeoutError | TimeoutError):
            raise TransientFetchError("timeout", f"body not received within {timeout}s") from exc
        raise TransientFetchError("connection_error", f"body read failed: {exc}") from exc
    return b"".join(chunks)


# A redirect's or an error page's body up to this size is read and dropped, so its connection
# goes back to the pool; a larger one, or one of unknown length, closes with its response. A
# body that does not arrive within DRAIN_TIMEOUT is not waited for (the connection closes).
DRAIN_BYTES = 64 * 1024
DRAIN_TIMEOUT = 0.5


def _drain(response: requests.Response) -> None:
    declared = response.headers.get("Content-Length", "")
    if not declared.isdigit() or int(declared) > DRAIN_BYTES:
        return
    sock = getattr(response.raw.connection, "sock", None)
    if sock is None:
        return
    sock.settimeout(DRAIN_TIMEOUT)  # the next request on this connection sets its own
    response.raw.drain_conn()  # reads to the body's end (errors swallowed), then releases


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
