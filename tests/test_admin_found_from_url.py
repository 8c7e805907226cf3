"""The admin's Source add form: "Find from URL" fills a blank kind and board token from a
board URL or a careers page that embeds one (served on 127.0.0.1), proposes without
overriding what was typed, and says what it found and why; a URL naming no board or a page
that cannot be read is a form error on that field."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from ingestion.models import Source

pytestmark = pytest.mark.django_db
ADD = reverse("admin:ingestion_source_add")


@pytest.fixture
def superuser(client, settings):
    settings.JOBPIPE_RESPECT_ROBOTS = False
    client.force_login(User.objects.create_superuser("root", "root@example.com", "pw"))
    return client


def add(client, **fields):
    form = {"name": "Acme", "org_name": "Acme", "kind": "", "url": "", "board_token": ""}
    form.update({"config": "{}", "enabled": "on", "find_from": "", **fields})
    return client.post(ADD, form, follow=True)


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def form_errors(response) -> dict:
    return response.context["adminform"].form.errors


def test_the_add_form_offers_find_from_url_first(superuser):
    page = superuser.get(ADD).content.decode()

    assert 'name="find_from"' in page
    assert page.index('name="find_from"') < page.index('name="kind"')


def test_a_board_url_fills_kind_token_and_config(superuser):
    response = add(superuser, find_from="https://acme.wd5.myworkdayjobs.com/en-US/External")

    source = Source.objects.get(name="Acme")
    assert (source.kind, source.board_token) == ("workday", "acme")
    assert source.config == {"pod": "wd5", "site": "External"}
    [message] = messages_of(response)[:1]
    assert message.startswith("Found workday board 'acme': board URL: ")
    assert "a Workday site" in message


def test_a_careers_page_is_read_for_the_board_it_embeds(superuser, http):
    http.route(
        "/careers",
        body=b'<html><script src="https://boards.greenhouse.io/embed/job_board/js?for=acmeco">'
        b"</script></html>",
    )

    response = add(superuser, find_from=f"{http.base}/careers", config='{"delist_after": 2}')

    source = Source.objects.get(name="Acme")
    assert (source.kind, source.board_token) == ("greenhouse", "acmeco")
    assert source.config == {"delist_after": 2}  # what was typed is kept
    assert "Found greenhouse board 'acmeco': embedded (script widget)" in messages_of(response)[0]


def test_a_kind_and_token_typed_are_kept_and_the_urls_board_only_proposed(superuser):
    response = add(
        superuser, kind="lever", board_token="acme", find_from="https://jobs.lever.co/other"
    )

    source = Source.objects.get(name="Acme")
    assert (source.kind, source.board_token) == ("lever", "acme")
    assert "the URL proposes lever board 'other'" in messages_of(response)[0]


def test_a_url_naming_no_board_is_a_form_error(superuser, http):
    http.route("/careers", body=b"<html><a href='/jobs/1'>Engineer</a></html>")

    response = add(superuser, find_from=f"{http.base}/careers")

    assert not Source.objects.filter(name="Acme").exists()
    [error] = form_errors(response)["find_from"]
    assert "embeds no known board" in error


def test_a_page_that_cannot_be_read_is_a_form_error_naming_the_failure(superuser, http):
    http.route("/careers", status=500)

    response = add(superuser, find_from=f"{http.base}/careers")

    assert not Source.objects.filter(name="Acme").exists()
    [error] = form_errors(response)["find_from"]
    assert "could not be read to look for an embedded board: http_5xx" in error


def test_no_kind_and_no_url_is_a_form_error(superuser):
    response = add(superuser)

    assert not Source.objects.filter(name="Acme").exists()
    assert "give a URL to find it from" in form_errors(response)["kind"][0]


def test_the_change_form_has_no_find_from(superuser):
    source = Source.objects.create(name="Acme", org_name="Acme", kind="lever", board_token="a")

    page = superuser.get(reverse("admin:ingestion_source_change", args=[source.id]))

    assert 'name="find_from"' not in page.content.decode()
