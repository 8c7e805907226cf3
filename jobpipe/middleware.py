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
