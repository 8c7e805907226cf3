"""Hostile input answers 400/413 with a reason, never a 500 or Django's HTML 404: numbers past
bigint, NUL bytes, JSON nested 100k deep, oversized bodies, repeated admin filters, a source
config nested 100k deep, non-numeric admin ids, and API paths with a newline."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from tests.factories import make_run, make_source

pytestmark = pytest.mark.django_db

KEY = "bad-input-key"
DEEP = "[" * 100_000 + "]" * 100_000
HEADERS = {"HTTP_X_INTERNAL_API_KEY": KEY}


@pytest.fixture
def api(client, settings):
    settings.INTERNAL_API_KEY = KEY
    return client


@pytest.fixture
def admin_client(client):
    client.force_login(User.objects.create_superuser("root", "root@example.com", "pw"))
    return client


def error_of(response) -> tuple[int, str]:
    assert response["Content-Type"] == "application/json", response.content[:200]
    return response.status_code, response.json()["error"]["code"]


@pytest.mark.parametrize(
    ("path", "code"),
    [
        ("/_internal/jobs?offset=99999999999999999999", "invalid_offset"),
        ("/_internal/jobs?offset=9223372036854775808", "invalid_offset"),
        ("/_internal/jobs?source_id=99999999999999999999", "invalid_source_id"),
        ("/pipeline/jobs/recent?realm=a%00b", "invalid_realm"),
        ("/pipeline/jobs/recent?queue=%00", "invalid_queue"),
    ],
)
def test_the_api_refuses_numbers_past_bigint_and_nul_bytes(api, path, code):
    assert error_of(api.get(path, **HEADERS)) == (400, code)


def test_run_ids_past_bigint_are_unknown_runs(api):
    response = api.get("/api/ingest/runs/99999999999999999999/progress", **HEADERS)

    assert response.status_code in (400, 404)
    assert response["Content-Type"] == "application/json"


def test_json_nested_100k_deep_is_a_400(api):
    response = api.post("/api/ingest/start", DEEP, content_type="application/json", **HEADERS)

    assert error_of(response) == (400, "invalid_json")
    assert "deep" in response.json()["error"]["message"]


def test_a_body_over_the_upload_limit_is_a_413(api, settings):
    body = '{"sources": ["' + "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 10) + '"]}'

    response = api.post("/api/ingest/start", body, content_type="application/json", **HEADERS)

    assert error_of(response) == (413, "body_too_large")


@pytest.mark.parametrize("path", ["/api/x%0Ay", "/_internal/jobs%0A", "/pipeline/%0A"])
def test_api_paths_with_a_newline_get_the_json_404(api, path):
    assert error_of(api.get(path, **HEADERS)) == (404, "no_such_endpoint")


def test_the_dashboard_search_refuses_nul_bytes(client, roles):
    from django.contrib.auth.models import Group

    user = User.objects.create_user("v")
    user.groups.add(Group.objects.get(name="viewer"))
    client.force_login(user)

    assert client.get("/dashboard/jobs/?q=a%00b").status_code == 400


@pytest.mark.parametrize(
    "path",
    [
        "/admin/ingestion/runurl/?outcome=failed&outcome=added",
        "/admin/ingestion/source/?kind=ats_greenhouse&kind=sitemap",
        "/admin/ingestion/source/?q=%00",
        "/admin/ingestion/source/abc/change/",
        "/admin/ingestion/source/abc/history/",
        "/admin/ingestion/source/abc/delete/",
        "/admin/ingestion/ingestionrun/1.5/change/",
        "/admin/extraction/job/not-a-uuid/change/",
        "/admin/r/abc/def/",
    ],
)
def test_the_admin_answers_bad_ids_and_filters_without_a_500(admin_client, path):
    make_run()

    assert admin_client.get(path).status_code < 500


def test_a_source_config_nested_100k_deep_is_a_form_error(admin_client):
    source = make_source()
    form = {
        "name": source.name,
        "org_name": source.org_name,
        "kind": source.kind,
        "url": source.url,
        "board_token": "",
        "enabled": "on",
        "config": "{" + '"a":{' * 100_000 + "}" * 100_001,
    }

    response = admin_client.post(f"/admin/ingestion/source/{source.id}/change/", form)

    assert response.status_code == 200
    assert "nested too deeply" in response.content.decode()
