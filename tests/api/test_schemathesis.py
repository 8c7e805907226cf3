"""Schemathesis over docs/openapi.yaml, in-process against the Django WSGI app with the API key:
every check (no 5xx, status codes, content types, headers and bodies as documented, valid
requests accepted, invalid ones rejected) on positive and negative cases. A small, derandomized
example count keeps it under a minute on a loaded 2-core machine and the same on every run."""

from __future__ import annotations

from pathlib import Path

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings

from tests.factories import make_run, make_source

KEY = "s3cret-schemathesis-key"
SPEC = Path(__file__).resolve().parents[2] / "docs" / "openapi.yaml"

schema = schemathesis.openapi.from_path(SPEC)
schema.app = get_wsgi_application()


@schema.auth(refresh_interval=None)
class ApiKey:
    """The key as explicit auth: the ignored-auth check then probes each operation without it
    and with a wrong one, and expects 401."""

    def get(self, case, ctx):
        return KEY

    def set(self, case, data, ctx):
        case.headers = {**(case.headers or {}), "X-Internal-Api-Key": data}


@pytest.fixture
def api_world(db, settings):
    """The key set, a source and a run to find, and the WSGI handler kept inside the test's
    transaction: a real request closes "old" connections when it starts and finishes, which
    would drop the test transaction (Django's test client disconnects the same receiver)."""
    settings.INTERNAL_API_KEY = KEY
    settings.INTERNAL_API_READ_KEY = ""
    # The probes' wrong keys must not turn the generated requests into 429s.
    settings.JOBPIPE_API_KEY_FAILURES_PER_MINUTE = 10_000
    make_run([make_source()])
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(
    max_examples=50,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_the_api_answers_every_generated_request_as_documented(case, api_world):
    case.call_and_validate()
