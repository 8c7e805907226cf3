"""Operational endpoints: /health and /metrics (read-only, no session needed).

/health answers everyone with the overall grade only ({"status": "healthy" | "degraded" |
"critical"}, 503 when critical): host names, queue depths and raw errors (which name the
database's or Redis's host and port) are for a logged-in user with the viewer role, or a
caller with `Authorization: Bearer $JOBPIPE_HEALTH_TOKEN` or an internal API key.
/metrics is public unless JOBPIPE_METRICS_TOKEN is set; then it needs that bearer token.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from dashboard import roles
from jobpipe import exporter
from jobpipe import health as health_check
from jobpipe.api.auth import HEADER, key_matches


def bearer_matches(request: HttpRequest, token: str) -> bool:
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    return bool(token) and scheme.lower() == "bearer" and key_matches(given.strip(), token)


def may_see_health_details(request: HttpRequest) -> bool:
    if request.user.is_authenticated and request.user.has_perm(roles.READ):
        return True
    if bearer_matches(request, settings.JOBPIPE_HEALTH_TOKEN):
        return True
    given = request.headers.get(HEADER)
    keys = (settings.INTERNAL_API_KEY, settings.INTERNAL_API_READ_KEY)
    return any(key and key_matches(given, key) for key in keys)


@never_cache
@require_GET
def health(request):
    report = health_check.health_report()
    status = health_check.http_status(report)
    if not may_see_health_details(request):
        report = {"status": report["status"]}
    return JsonResponse(report, status=status)


@never_cache
@require_GET
def metrics(request):
    token = settings.JOBPIPE_METRICS_TOKEN
    if token and not bearer_matches(request, token):
        response = HttpResponse("metrics need Authorization: Bearer <token>\n", status=401)
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    body, content_type = exporter.exposition()
    return HttpResponse(body, content_type=content_type)
