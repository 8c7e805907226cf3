"""POST /api/sources: a source found from a board URL or from a careers page that embeds one
(served on 127.0.0.1), and clear 400s for a URL naming no board and a page that cannot be read."""

from __future__ import annotations

import json

import pytest

from ingestion.models import Source
from tests.factories import make_source

pytestmark = pytest.mark.django_db
KEY = "sources-api-key"
EMBED = b"""<html><body><h1>Careers at Acme</h1>
<iframe src="https://job-boards.greenhouse.io/embed/job_board?for=acmeco"></iframe>
<a href="https://jobs.lever.co/acme-old">our old board</a></body></html>"""


@pytest.fixture
def post(client, settings):
    settings.INTERNAL_API_KEY = KEY
    settings.JOBPIPE_RESPECT_ROBOTS = False

    def post(body: dict):
        response = client.post(
            "/api/sources",
            json.dumps(body),
            content_type="application/json",
            HTTP_X_INTERNAL_API_KEY=KEY,
        )
        return response.status_code, response.json()

    return post


def test_it_creates_an_ats_source_from_a_board_url(post):
    status, body = post({"name": "Acme", "url": "https://acme.wd5.myworkdayjobs.com/External"})

    assert status == 201
    source = Source.objects.get(name="Acme")
    assert (source.kind, source.board_token) == ("workday", "acme")
    assert source.config == {"pod": "wd5", "site": "External"}
    assert body["data"]["source"]["id"] == source.id
    found = body["data"]["found"]
    assert (found["kind"], found["board_token"], found["how"]) == ("workday", "acme", "board URL")
    assert "a Workday site" in found["reason"]


def test_it_finds_the_board_a_careers_page_embeds(post, http):
    http.route("/careers", body=EMBED)

    status, body = post({"name": "Acme", "url": f"{http.base}/careers", "enabled": False})

    assert status == 201
    source = Source.objects.get(name="Acme")
    assert (source.kind, source.board_token, source.enabled) == ("greenhouse", "acmeco", False)
    found = body["data"]["found"]
    assert found["how"] == "embedded (iframe)"
    assert "a Greenhouse embed" in found["reason"]
    assert "also embeds lever 'acme-old'" in found["reason"]
    assert http.hits["/careers"] == 1


def test_a_dry_run_proposes_and_creates_nothing(post):
    status, body = post({"name": "Acme", "url": "https://jobs.lever.co/acme", "dry_run": True})

    assert status == 200
    assert body["data"]["source"]["id"] is None
    assert body["data"]["found"]["kind"] == "lever"
    assert not Source.objects.filter(name="Acme").exists()


def test_an_ats_kind_without_a_token_takes_the_token_and_a_wrong_kind_is_refused(post):
    status, _ = post({"name": "A", "kind": "lever", "url": "https://jobs.lever.co/acme"})
    assert status == 201
    assert Source.objects.get(name="A").board_token == "acme"

    status, body = post({"name": "B", "kind": "ashby", "url": "https://jobs.lever.co/acme"})
    assert (status, body["error"]["code"]) == (400, "unrecognised_url")
    assert "names a lever board ('acme'), not a ashby one" in body["error"]["message"]


def test_a_page_naming_no_board_is_a_clear_400(post, http):
    http.route("/careers", body=b"<html><a href='/jobs/1'>Engineer</a></html>")

    status, body = post({"name": "Acme", "url": f"{http.base}/careers"})

    assert (status, body["error"]["code"]) == (400, "unrecognised_url")
    assert "embeds no known board" in body["error"]["message"]
    assert not Source.objects.filter(name="Acme").exists()


@pytest.mark.parametrize(("answer", "error_class"), [(503, "http_5xx"), (404, "gone")])
def test_a_page_that_cannot_be_read_is_a_400_saying_why(post, http, answer, error_class):
    http.route("/careers", status=answer)

    status, body = post({"name": "Acme", "url": f"{http.base}/careers"})

    assert (status, body["error"]["code"]) == (400, "unreadable_url")
    message = body["error"]["message"]
    assert f"could not be read to look for an embedded board: {error_class}" in message
    assert not Source.objects.filter(name="Acme").exists()


def test_a_closed_port_is_a_fetch_failure_too(post):
    status, body = post({"name": "Acme", "url": "http://127.0.0.1:9/careers"})

    assert (status, body["error"]["code"]) == (400, "unreadable_url")
    assert "connection_error" in body["error"]["message"]


def test_a_careers_page_source_is_taken_as_given_without_a_fetch(post, http):
    status, body = post({"name": "Acme", "kind": "careers_page", "url": f"{http.base}/jobs/"})

    assert status == 201
    assert body["data"]["found"] is None
    assert Source.objects.get(name="Acme").url == f"{http.base}/jobs/"
    assert http.hits == {}


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"url": "https://jobs.lever.co/acme"}, "invalid_name"),
        ({"name": "A"}, "missing_url"),
        ({"name": "A", "kind": "nope", "url": "x"}, "invalid_kind"),
        ({"name": "A", "url": 7}, "invalid_url"),
        ({"name": "A\x00", "url": "https://jobs.lever.co/a"}, "invalid_name"),
        ({"name": "A", "url": "https://jobs.lever.co/a", "config": []}, "invalid_config"),
        (
            {"name": "A", "url": "https://jobs.lever.co/a", "cadence_minutes": 0},
            "invalid_cadence_minutes",
        ),
        ({"name": "A", "url": "https://jobs.lever.co/a", "enabled": "yes"}, "invalid_enabled"),
        ({"name": "A", "url": "https://jobs.lever.co/a", "kinds": "x"}, "unknown_field"),
        ({"name": "A", "kind": "careers_page"}, "invalid_source"),
    ],
)
def test_bad_bodies_are_400s_with_a_precise_code(post, body, code):
    status, answer = post(body)

    assert (status, answer["error"]["code"]) == (400, code)


def test_an_existing_name_is_a_409(post):
    make_source(name="Acme")

    status, body = post({"name": "Acme", "url": "https://jobs.lever.co/acme"})

    assert (status, body["error"]["code"]) == (409, "source_exists")
