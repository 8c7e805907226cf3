"""SuccessFactors against a local career site's /sitemal.xml feed: URLs, a cut feed, errors."""

from __future__ import annotations

import pytest

from ingestion.sources.ats import successfactors
from tests.ingestion.samples import XML, source
from tests.ingestion.samples import successfactors as samples


def test_it_returns_each_job_link_for_the_crawler(http):
    http.route("/sitemal.xml", body=samples.feed(http.base, 2), **XML)

    found = successfactors.discover(source(http, "successfactors", "jobs.acme.com"))

    assert found.complete
    assert found.urls == [
        f"{http.base}/job/Basel-Process-Engineer-0/880000",
        f"{http.base}/job/Basel-Process-Engineer-1/880001",
    ]
    assert found.records == {}  # teasers only: the job pages carry the full posting


def test_the_host_comes_from_the_token(monkeypatch):
    asked = []

    def fake(url, *_args):
        asked.append(url)
        raise successfactors.AtsError("stop")

    monkeypatch.setattr(successfactors, "get_xml", fake)
    successfactors.discover({"name": "x", "board_token": "jobs.acme.com", "config": {}})

    assert asked == ["https://jobs.acme.com/sitemal.xml"]


def test_a_feed_cut_off_midway_is_incomplete(http):
    http.route("/sitemal.xml", body=samples.feed(http.base, 3)[:-150], **XML)

    found = successfactors.discover(source(http, "successfactors", "jobs.acme.com"))

    assert not found.complete and "not valid XML" in found.note


@pytest.mark.parametrize(
    ("status", "body", "expected"),
    [
        (404, b"not found", "unknown board"),
        (429, b"slow down", "rate limited"),
        (200, b"<urlset/>", "not a <rss> feed"),
        (200, b"<rss/>", "has no channel"),
    ],
    ids=["unknown-site", "rate-limited", "wrong-document", "no-channel"],
)
def test_errors_are_clear_and_never_a_complete_empty_listing(http, status, body, expected):
    http.fallback = (status, {"Content-Type": "application/xml"}, body)

    found = successfactors.discover(source(http, "successfactors", "jobs.acme.com"))

    assert not found.complete and found.urls == []
    assert expected in found.note
