"""The API door: method check, X-Internal-Api-Key in constant time, errors as JSON.

Two keys: INTERNAL_API_KEY opens every door (the operator role of a machine client), and the
optional INTERNAL_API_READ_KEY only the GET doors (the viewer role): a door that changes state
answers it 403. Sessions are not accepted here; the dashboard is the door for people."""

from __future__ import annotations

import functools
import hmac
import logging
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ObjectDoesNotExist, RequestDataTooBig
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from jobpipe.api.responses import ApiError, error

log = logging.getLogger("jobpipe.api")
HEADER = "X-Internal-Api-Key"


def key_matches(given: str | None, expected: str) -> bool:
    """Constant-time comparison; a prefix or a longer key does not match."""
    if not given:
        return False
    return hmac.compare_digest(given.encode(), expected.encode())


FAILURE_WINDOW = 60  # seconds


def _failures_key(request: HttpRequest) -> str:
    # REMOTE_ADDR: behind a proxy, the proxy must set it from the client (gunicorn does with
    # --forwarded-allow-ips); X-Forwarded-For itself is not trusted here.
    return f"jobpipe:api-key-failures:{request.META.get('REMOTE_ADDR', '')}"


def _count_failure(request: HttpRequest) -> None:
    key = _failures_key(request)
    cache.add(key, 0, FAILURE_WINDOW)
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, FAILURE_WINDOW)


def api_view(*methods: str, query: tuple[str, ...] | None = ()) -> Callable:
    """Wrap a view: 405 for other methods, 503 while INTERNAL_API_KEY is unset, 401 for a
    missing or wrong key, 429 for an address that sent too many wrong keys this minute, 400
    for a query parameter outside `query` (a misspelt `limt` is not silently ignored; None
    accepts any), ApiError and unknown ids as their JSON errors, anything else as a JSON 500
    (logged, never a Django HTML page). Header-key auth needs no CSRF token."""

    def decorator(view: Callable) -> Callable:
        @csrf_exempt
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> JsonResponse:
            if request.method not in methods:
                return error(
                    405,
                    "method_not_allowed",
                    f"{request.method} is not allowed here; use {', '.join(methods)}",
                    Allow=", ".join(methods),
                )
            expected = settings.INTERNAL_API_KEY
            if not expected:
                return error(
                    503, "api_disabled", "the internal API is disabled: INTERNAL_API_KEY is unset"
                )
            given = request.headers.get(HEADER)
            if cache.get(_failures_key(request), 0) >= settings.JOBPIPE_API_KEY_FAILURES_PER_MINUTE:
                return error(
                    429,
                    "too_many_wrong_keys",
                    f"too many wrong {HEADER} headers from this address; wait a minute",
                    Retry_After=str(FAILURE_WINDOW),
                )
            if not key_matches(given, expected):
                read_key = settings.INTERNAL_API_READ_KEY
                if not (read_key and key_matches(given, read_key)):
                    if given:  # a wrong key, not a missing one: count it
                        _count_failure(request)
                    return error(401, "unauthorized", f"missing or wrong {HEADER} header")
                if request.method != "GET":
                    return error(
                        403, "read_only_key", "this key may only read; use INTERNAL_API_KEY"
                    )
            unknown = sorted(set(request.GET) - set(query)) if query is not None else []
            if unknown:
                return error(
                    400,
                    "unknown_parameter",
                    f"unknown query parameter(s) {', '.join(map(repr, unknown))}; "
                    f"known: {', '.join(query or ()) or 'none'}",
                )
            try:
                return view(request, *args, **kwargs)
            except ApiError as exc:
                return error(exc.status, exc.code, exc.message)
            except RequestDataTooBig:
                limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
                return error(413, "body_too_large", f"the body is over {limit} bytes")
            except ObjectDoesNotExist as exc:
                return error(404, "not_found", str(exc) or "no such object")
            except Exception:
                log.exception("internal API error on %s %s", request.method, request.path)
                return error(500, "internal_error", "unexpected error; see the server log")

        return wrapper

    return decorator
