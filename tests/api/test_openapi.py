"""docs/openapi.yaml describes exactly the API's routes."""

from __future__ import annotations

import re
from pathlib import Path

import yaml
from django.urls import URLPattern, get_resolver

SPEC = Path(__file__).resolve().parents[2] / "docs" / "openapi.yaml"


def api_routes() -> set[str]:
    routes = set()

    def walk(patterns, prefix=""):
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLPattern):
                if route.startswith(("_internal/", "api/", "pipeline/")) and "(?P" not in route:
                    routes.add("/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route))
            else:
                walk(pattern.url_patterns, route)

    walk(get_resolver().url_patterns)
    return routes


def test_the_spec_lists_every_api_route_and_nothing_else():
    spec = yaml.safe_load(SPEC.read_text())

    assert spec["openapi"].startswith("3.1")
    assert set(spec["paths"]) == api_routes()
    assert len(api_routes()) == 10


def test_every_operation_documents_its_error_envelope():
    spec = yaml.safe_load(SPEC.read_text())

    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            assert "default" in operation["responses"], (method, path)
