"""Hostile documents: XML entity tricks in sitemaps, absurd JSON nesting, broken encodings."""

from __future__ import annotations

import datetime

import pytest

from extraction.extract import extract_job
from ingestion.sources.sitemap import SitemapError, parse_sitemap

FETCHED = datetime.datetime(2026, 11, 20, 9, tzinfo=datetime.UTC)

XXE = b"""<?xml version="1.0"?>
<!DOCTYPE urlset [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <url><loc>http://127.0.0.1:9/jobs/&secret;</loc></url>
  <url><loc>http://127.0.0.1:9/jobs/2.html</loc></url>
</urlset>"""

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>http://x/&lol9;</loc></url>
</urlset>"""


def test_external_entities_are_never_resolved():
    try:
        _, locs = parse_sitemap(XXE)
    except SitemapError:
        return  # refusing the document is as safe as ignoring the entity
    assert "root:" not in " ".join(locs)
    assert "http://127.0.0.1:9/jobs/2.html" in locs


def test_entity_expansion_bombs_are_not_expanded():
    try:
        _, locs = parse_sitemap(BILLION_LAUGHS)
    except SitemapError:
        return
    assert all(len(loc) < 1000 for loc in locs)


def test_absurdly_nested_json_ld_neither_crashes_nor_hangs():
    depth = 100_000
    nested = "[" * depth + "]" * depth
    page = (
        '<html><head><script type="application/ld+json">' + nested + "</script>"
        '<script type="application/ld+json">{"@type": "JobPosting", "title": "Real job",'
        ' "url": "/apply"}</script></head><body><h1>Real job</h1></body></html>'
    )

    result = extract_job(page.encode(), "http://127.0.0.1:9/jobs/1.html", fetched_at=FETCHED)

    assert result.is_job and result.job.title == "Real job"


@pytest.mark.parametrize(
    ("body", "is_job", "reason"),
    [
        # Binary garbage behind a UTF-32 BOM: nothing to read, said so.
        (b"\xff\xfe\x00\x00garbage\x80\x81", False, "no JobPosting markup and no job title"),
        # An unknown declared charset falls back to cp1252, so the e-acute survives.
        (
            b'<meta charset="no-such-charset"><h1>Caf\xe9 Manager</h1>',
            False,
            "no JobPosting markup and too few job signals for 'Caf\u00e9 Manager': job-like URL",
        ),
        # Invalid UTF-8 under a utf-8 declaration: decoded as cp1252, the page still read.
        (
            b'<meta charset="utf-8"><h1>Broken \xc3\x28 bytes</h1><p>Location: Berlin</p>',
            True,
            "heuristics: title + location, job-like URL",
        ),
    ],
)
def test_invalid_encodings_decode_to_a_verdict(body, is_job, reason):
    result = extract_job(body, "http://127.0.0.1:9/jobs/1.html", fetched_at=FETCHED)

    assert (result.is_job, result.reason) == (is_job, reason)
    if is_job:
        assert result.job.location == "Berlin"
        assert result.job.title.startswith("Broken ") and result.job.title.endswith(" bytes")


@pytest.mark.parametrize("description", ["x" * 9_000_000, "<p>" + "y" * 9_000_000 + "</p>"])
def test_a_9_mib_json_ld_description_is_capped(description):
    """Plain or marked up, a description is stored (and served by the API) capped, not whole."""
    import json

    from extraction.parse import DESCRIPTION_HTML_LIMIT

    posting = {"@type": "JobPosting", "title": "Huge", "url": "/apply", "description": description}
    page = (
        '<html><head><script type="application/ld+json">' + json.dumps(posting) + "</script>"
        "</head><body><h1>Huge</h1></body></html>"
    )

    result = extract_job(page.encode(), "http://127.0.0.1:9/jobs/1.html", fetched_at=FETCHED)

    assert result.job.title == "Huge"
    assert len(result.job.description_html) <= DESCRIPTION_HTML_LIMIT + len("<p></p>")
    assert len(result.job.description) <= 2000
