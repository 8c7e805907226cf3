"""Operational endpoints: /health and /metrics (public, read-only, no session needed)."""

from __future__ import annotations

from django.http import HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from jobpipe import exporter
from jobpipe import health as health_check


@never_cache
@require_GET
def health(request):
    report = health_check.health_report()
    return JsonResponse(report, status=health_check.http_status(report))


@never_cache
@require_GET
def metrics(request):
    body, content_type = exporter.exposition()
    return HttpResponse(body, content_type=content_type)
