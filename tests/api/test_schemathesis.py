"""Schemathesis over docs/openapi.yaml, in-process against the Django WSGI app with the API key:
every check (no 5xx, status codes, content types, headers and bodies as documented, valid
requests accepted, invalid ones rejected) on positive and negative cases. A small, derandomized
example count keeps it under a minute on a loaded 2-core machine and the same on every run."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig

from ingestion import netguard
from tests.factories import make_run, make_source

KEY = "s3cret-schemathesis-key"
SPEC = Path(__file__).resolve().parents[2] / "docs" / "openapi.yaml"

# POST /api/sources answers a well-formed URL that names no board (or whose page cannot be
# read) with a 400: which URLs name a board is not something a schema can say.
CONFIG = SchemathesisConfig.from_dict(
    {
        "operations": [
            {
                "include-path": "/api/sources",
                "checks": {
                    "positive_data_acceptance": {
                        "expected-statuses": ["2xx", "400", "401", "403", "404", "409", "429"]
                    }
                },
            }
        ]
    }
)
schema = schemathesis.openapi.from_path(SPEC, config=CONFIG)
schema.app = get_wsgi_application()


@schema.auth(refresh_interval=None)
class ApiKey:
    """The key as explicit auth: the ignored-auth check then probes each operation without it
    and with a wrong one, and expects 401."""

    def get(self, case, ctx):
        return KEY

    def set(self, case, data, ctx):
        case.headers = {**(case.headers or {}), "X-Internal-Api-Key": data}


def no_dns(host, port, *args, **kwargs):
    """The generated URLs of POST /api/sources are fetched: none may leave this machine."""
    raise socket.gaierror(socket.EAI_NONAME, f"no DNS in this test ({host})")


@pytest.fixture
def api_world(db, settings, monkeypatch):
    """The key set, a source and a run to find, and the WSGI handler kept inside the test's
    transaction: a real request closes "old" connections when it starts and finishes, which
    would drop the test transaction (Django's test client disconnects the same receiver)."""
    settings.INTERNAL_API_KEY = KEY
    settings.INTERNAL_API_READ_KEY = ""
    # The probes' wrong keys must not turn the generated requests into 429s.
    settings.JOBPIPE_API_KEY_FAILURES_PER_MINUTE = 10_000
    monkeypatch.setattr(netguard, "resolve", no_dns)
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
