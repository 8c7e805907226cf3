"""Request checks every door shares."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest

from jobpipe.api.responses import error

API_PREFIXES = ("/_internal/", "/api/", "/pipeline/")


def refuse_nul_bytes(get_response: Callable[[HttpRequest], HttpResponse]):
    """A NUL byte in a query parameter is a 400 naming the parameter: PostgreSQL cannot store
    or compare one, so it would otherwise surface as a 500 from whichever query used it (API
    filters, the dashboard's and the admin's search)."""

    def middleware(request: HttpRequest) -> HttpResponse:
        for name, values in request.GET.lists():
            if "\x00" in name or any("\x00" in value for value in values):
                label = name.replace("\x00", "")
                message = f"the query parameter {label!r} contains a NUL byte"
                if request.path.startswith(API_PREFIXES):
                    return error(400, f"invalid_{label}", message)
                return HttpResponseBadRequest(message, content_type="text/plain")
        return get_response(request)

    return middleware


def content_security_policy(get_response: Callable[[HttpRequest], HttpResponse]):
    """Sets settings.JOBPIPE_CSP as the Content-Security-Policy of every response that has
    none (Django 5.2 has no CSP of its own). Empty: no header."""
    from django.conf import settings

    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        if settings.JOBPIPE_CSP and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = settings.JOBPIPE_CSP
        return response

    return middleware
