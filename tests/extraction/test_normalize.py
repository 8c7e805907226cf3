"""Normalisation: canonical URLs, the dedup hash, dates and clean text."""

from __future__ import annotations

import datetime
import hashlib

import pytest

from extraction.normalize import (
    canonical_hash,
    canonical_url,
    clean_text,
    employment_type,
    parse_date,
    truncate,
)

FETCHED_AT = datetime.datetime(2026, 11, 20, 9, 0, tzinfo=datetime.UTC)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "HTTPS://Jobs.Example.COM/Careers/Backend/?utm_source=li&utm_medium=x&b=2&a=1#apply",
            "https://jobs.example.com/Careers/Backend?a=1&b=2",
        ),
        (
            "https://example.com/jobs/1?gclid=abc&fbclid=def&ref=home&source=feed",
            "https://example.com/jobs/1",
        ),
        ("https://example.com", "https://example.com/"),
        ("https://example.com/", "https://example.com/"),
        ("http://example.com:80/a/", "http://example.com/a"),
        ("http://127.0.0.1:8765/careers/jobs/x.html", "http://127.0.0.1:8765/careers/jobs/x.html"),
        (
            "https://example.com/search?q=data%20analyst&page=2",
            "https://example.com/search?page=2&q=data+analyst",
        ),
    ],
)
def test_it_canonicalises_urls(url, expected):
    assert canonical_url(url) == expected


def test_it_keeps_parameters_that_only_look_like_tracking():
    assert canonical_url("https://example.com/jobs?referrer=x&sources=y") == (
        "https://example.com/jobs?referrer=x&sources=y"
    )


def test_it_returns_a_malformed_url_unchanged_instead_of_raising():
    assert canonical_url("http://example.com:notaport/x") == "http://example.com:notaport/x"


def test_it_hashes_the_normalised_title_and_canonical_apply_url():
    expected = hashlib.md5(b"senior backend engineer|https://example.com/jobs/1").hexdigest()

    assert canonical_hash("Senior  Backend\tEngineer", "https://example.com/jobs/1") == expected
    assert canonical_hash("SENIOR BACKEND ENGINEER", "https://EXAMPLE.com/jobs/1/?utm_x=1#top") == (
        expected
    )
    assert canonical_hash("Senior Back\u00adend Engineer", "https://example.com/jobs/1") == expected


def test_it_gives_different_jobs_different_hashes():
    assert canonical_hash("Data Analyst", "https://example.com/jobs/1") != canonical_hash(
        "Data Analyst", "https://example.com/jobs/2"
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-12-31", datetime.date(2026, 12, 31)),
        ("2026-12-31T23:59:59Z", datetime.date(2026, 12, 31)),
        ("2026-12-31T23:59:59.000+01:00", datetime.date(2026, 12, 31)),
        ("31 December 2026", datetime.date(2026, 12, 31)),
        ("Dec 31, 2026", datetime.date(2026, 12, 31)),
        ("31/12/2026", datetime.date(2026, 12, 31)),
        ("03/04/2026", datetime.date(2026, 4, 3)),  # ambiguous: day first
        ("12/31/2026", datetime.date(2026, 12, 31)),  # only valid month first
        ("31. Dezember 2026", datetime.date(2026, 12, 31)),
    ],
)
def test_it_parses_dates(text, expected):
    assert parse_date(text) == expected


def test_it_resolves_relative_dates_against_the_fetch_time():
    assert parse_date("3 days ago", relative_base=FETCHED_AT) == datetime.date(2026, 11, 17)
    assert parse_date("yesterday", relative_base=FETCHED_AT) == datetime.date(2026, 11, 19)


@pytest.mark.parametrize("text", ["", "   ", "Berlin", "Full-time", "ASAP", "2026", "x" * 500])
def test_it_returns_none_for_text_that_is_not_a_date(text):
    assert parse_date(text, relative_base=FETCHED_AT) is None


def test_it_strips_invisible_characters_and_collapses_whitespace():
    assert clean_text("  Soft\u00adware\u200b  En\u200dgi\ufeffneer\n\t(m/f/d)\xa0 ") == (
        "Software Engineer (m/f/d)"
    )
    assert clean_text("\u200b \u00ad") is None
    assert clean_text(None) is None


def test_it_truncates_at_a_word_boundary_within_the_limit():
    text = "word " * 600

    cut = truncate(text.strip(), 2000)

    assert len(cut) <= 2000
    assert cut.endswith("word\u2026")
    assert truncate("short", 2000) == "short"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("FULL_TIME", "FULL_TIME"),
        ("Full-time", "FULL_TIME"),
        ("full time", "FULL_TIME"),
        ("Part Time", "PART_TIME"),
        ("Contract", "CONTRACTOR"),
        ("Internship", "INTERN"),
        ("Temporary", "TEMPORARY"),
        ("Seasonal", "SEASONAL"),
        ("---", None),
    ],
)
def test_it_spells_employment_types_the_schema_org_way(value, expected):
    assert employment_type(value) == expected
