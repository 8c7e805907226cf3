"""Fetching: typed errors for every way a response can be unusable."""

from __future__ import annotations

import datetime
import threading

import pytest

from ingestion.errors import FetchError, TransientFetchError
from ingestion.fetch import fetch, release_session, retry_after_seconds


def test_it_returns_body_status_and_type(http):
    url = http.route("/job", body="<h1>Hi</h1>")

    page = fetch(url)

    assert (page.status, page.content_type, page.body) == (200, "text/html", b"<h1>Hi</h1>")


@pytest.mark.parametrize(
    ("status", "error_class"), [(404, "gone"), (410, "gone"), (403, "http_4xx")]
)
def test_it_raises_permanent_errors_for_client_errors(http, status, error_class):
    url = http.route("/x", status=status)

    with pytest.raises(FetchError) as info:
        fetch(url)

    assert info.value.transient is False
    assert (info.value.error_class, info.value.http_status) == (error_class, status)


def test_it_raises_transient_errors_for_429_with_retry_after(http):
    url = http.route("/busy", status=429, Retry_After="7")

    with pytest.raises(TransientFetchError) as info:
        fetch(url)

    assert (info.value.error_class, info.value.retry_after) == ("rate_limited", 7.0)


def test_it_raises_transient_errors_for_5xx(http):
    url = http.route("/down", status=503)
    with pytest.raises(TransientFetchError, match="HTTP 503") as info:
        fetch(url)
    assert info.value.error_class == "http_5xx"


def test_it_refuses_non_html_content(http):
    url = http.route("/logo.png", body=b"\x89PNG", Content_Type="image/png")
    with pytest.raises(
        FetchError, match="content type 'image/png' is not one of text/html"
    ) as info:
        fetch(url)
    assert info.value.error_class == "bad_content_type"


def test_it_refuses_a_response_without_a_content_type(http):
    url = http.route("/untyped", body=b"<h1>maybe html</h1>", Content_Type=None)

    with pytest.raises(
        FetchError, match="no Content-Type header; expected one of text/html"
    ) as info:
        fetch(url)

    assert (info.value.error_class, info.value.http_status) == ("bad_content_type", 200)


def test_it_reads_robots_txt_without_a_content_type(http):
    from ingestion.fetch import fetch_text

    url = http.route("/robots.txt", body="User-agent: *\nDisallow:\n", Content_Type=None)

    assert fetch_text(url).startswith("User-agent: *")


def test_it_stops_reading_at_the_body_cap(http, settings):
    settings.JOBPIPE_MAX_BODY_BYTES = 1024
    declared = http.route("/big", body=b"x" * 5000)
    with pytest.raises(FetchError, match="Content-Length 5000 exceeds the 1024-byte cap"):
        fetch(declared)


def test_it_stops_reading_a_body_that_lies_about_its_length(http, settings):
    settings.JOBPIPE_MAX_BODY_BYTES = 1024
    # No Content-Length the client can trust: chunked transfer of a large body.
    url = http.route(
        "/chunked", body=b"1400\r\n" + b"y" * 5120 + b"\r\n0\r\n\r\n", Transfer_Encoding="chunked"
    )
    with pytest.raises(FetchError, match="body exceeds the 1024-byte cap"):
        fetch(url)


def test_it_reports_connection_failures_as_transient():
    with pytest.raises(TransientFetchError) as info:
        fetch("http://127.0.0.1:9/closed")
    assert info.value.error_class == "connection_error"


def test_it_refuses_other_schemes():
    with pytest.raises(FetchError, match="only http and https URLs are fetched") as info:
        fetch("file:///etc/passwd")
    assert info.value.error_class == "bad_url"


def test_it_parses_retry_after_in_both_forms(clock):
    later = datetime.datetime(2026, 11, 20, 9, 1, 30, tzinfo=datetime.UTC)
    assert retry_after_seconds("120") == 120.0
    assert retry_after_seconds(later.strftime("%a, %d %b %Y %H:%M:%S GMT")) == 90.0
    assert retry_after_seconds("soon") is None
    assert retry_after_seconds(None) is None


def test_threads_share_the_processs_keep_alive_connections(http):
    """A thread's requests reuse the connection another thread left open to the same host
    (a crawl batch's 100 threads over 40 hosts had opened one for nearly every request)."""
    url = http.route("/jobs/1.html", body="<html><body>Job</body></html>")

    def fetch_twice():
        assert fetch(url).status == 200
        assert fetch(url).status == 200

    first = threading.Thread(target=fetch_twice)  # ends holding its session: nothing released
    first.start()
    first.join()
    second = threading.Thread(target=lambda: (fetch_twice(), release_session()))
    second.start()
    second.join()

    peers = [
        peer
        for (path, _), peer in zip(http.requests, http.peers, strict=True)
        if path == "/jobs/1.html"
    ]
    assert len(peers) == 4
    assert len(set(peers)) == 1  # one connection, kept alive across both threads


def test_an_error_page_and_a_redirect_leave_their_connection_open_for_the_next_request(http):
    missing = http.route("/gone", status=404, body="<html>no such job</html>")
    moved = http.route("/old", status=302, body="moved", Location="/jobs/2.html")
    http.route("/jobs/2.html", body="<html><body>Job</body></html>")

    with pytest.raises(FetchError):
        fetch(missing)
    page = fetch(moved)
    release_session()

    assert page.url.endswith("/jobs/2.html")
    paths = [path for path, _ in http.requests if path != "/robots.txt"]
    peers = [
        peer
        for (path, _), peer in zip(http.requests, http.peers, strict=True)
        if path != "/robots.txt"
    ]
    assert paths == ["/gone", "/old", "/jobs/2.html"]
    assert len(set(peers)) == 1  # the 404's and the 302's bodies were read, not the socket closed
