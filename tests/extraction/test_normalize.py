"""Normalisation: canonical URLs, the dedup hash, dates and clean text."""

from __future__ import annotations

import datetime
import hashlib

import pytest

from extraction.money import parse_salary
from extraction.normalize import (
    _PLAIN_URL,
    _canonical,
    canonical_hash,
    canonical_url,
    clean_text,
    employment_type,
    parse_date,
    remote_flag,
    truncate,
)
from extraction.pay import salary_in_text
from extraction.workmode import work_mode

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


def test_the_fast_path_for_plain_urls_agrees_with_the_full_canonicalisation():
    """canonical_url returns a URL that matches _PLAIN_URL as it is; every such URL built from
    these parts, and each near miss, is what w3lib's path (_canonical) makes of it."""
    hosts = ["example.com", "jobs.example.co.uk", "127.0.0.1", "a-b.example", "x" * 63 + ".io"]
    hosts += ["Example.com", "xn--bcher-kva.example", "example.com.", "ex_ample.com"]
    ports = ["", ":8080", ":80", ":443", ":65535", ":99999", ":0", ":08"]
    paths = ["/jobs/123", "/careers/Senior-Engineer_(m-w-d)", "/a/b.c/~d", "/p/./q", "/p/..", "/"]
    paths += ["/jobs/1/", "//jobs", "/Jobs/%C3%BC", "/jobs/ü", "/a b", "/jobs?id=1", "/j#top", ""]
    plain = 0
    for scheme in ("http", "https", "HTTP", "ftp"):
        for host in hosts:
            for port in ports:
                for path in paths:
                    url = f"{scheme}://{host}{port}{path}"
                    if _PLAIN_URL.fullmatch(url):
                        plain += 1
                        assert _canonical(url) == url, url
                    assert canonical_url(url) == _canonical(url.strip()), url
    assert plain >= 80  # the fast path is taken, and not only by one shape


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


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("$120k-$150k a year", (120_000, 150_000, "USD", "YEAR")),
        ("$120,000 \u2013 $150,000 per year", (120_000, 150_000, "USD", "YEAR")),
        ("45.000 - 55.000 \u20ac brutto/Jahr", (45_000, 55_000, "EUR", "YEAR")),
        ("45.000 EUR brutto", (45_000, 45_000, "EUR", None)),
        ("\u00a330 per hour", (30, 30, "GBP", "HOUR")),
        ("R$ 8.000,00 por m\u00eas", (8_000, 8_000, "BRL", "MONTH")),
        ("30 000 \u20ac - 40 000 \u20ac par an", (30_000, 40_000, "EUR", "YEAR")),
        ("18,50 \u20ac/Stunde", (18.5, 18.5, "EUR", "HOUR")),
        ("1.500 \u20ac al mes", (1_500, 1_500, "EUR", "MONTH")),
    ],
)
def test_salary_text_becomes_amounts_iso_currency_and_period(text, expected):
    salary = parse_salary(text)

    assert (salary["min"], salary["max"], salary["currency"], salary["unit"]) == expected


@pytest.mark.parametrize(
    "text", ["1 - 1000000 USD", "0 EUR", "3 years of experience", "competitive", ""]
)
def test_placeholders_and_numbers_without_money_are_not_salaries(text):
    assert parse_salary(text) is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Teilzeit", "PART_TIME"),
        ("Tiempo completo", "FULL_TIME"),
        ("Pr\u00e1cticas", "INTERN"),
        ("Meio per\u00edodo", "PART_TIME"),
        ("CDD", "TEMPORARY"),
        ("Temps plein", "FULL_TIME"),
    ],
)
def test_employment_types_in_four_more_languages(value, expected):
    assert employment_type(value) == expected


@pytest.mark.parametrize(
    ("texts", "expected"),
    [
        (("Remote (EU)",), True),
        (("Madrid", "Desarrollador (remoto)"), True),
        (("Paris", "T\u00e9l\u00e9travail possible"), True),
        (("Hamburg (vor Ort)",), False),
        (("Berlin", "Backend Engineer"), None),
    ],
)
def test_remote_is_true_false_or_unknown(texts, expected):
    assert remote_flag(*texts) is expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("PERMANENT_EMPLOYMENTFULL_TIME", "FULL_TIME"),  # two enum values run together
        ("Full-time employee", "FULL_TIME"),
        ("Contratista", "CONTRACTOR"),
        ("Autónomo", "CONTRACTOR"),
        ("pełny etat", "FULL_TIME"),
        ("tempo determinato", "TEMPORARY"),
        ("정규직", "FULL_TIME"),
        ("契約社員", "CONTRACTOR"),
        ("SEASONAL", "SEASONAL"),  # an unknown value keeps its schema.org spelling
    ],
)
def test_it_reads_employment_types_in_more_shapes_and_languages(value, expected):
    assert employment_type(value) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Hourly Rate: $18.50", (18.5, 18.5, "USD", "HOUR")),
        ("Starting Rate: $17.00 Per Hour", (17.0, 17.0, "USD", "HOUR")),
        ("The range is typically $90,000-$120,000 annually.", (90000.0, 120000.0, "USD", "YEAR")),
        (
            "El salario estará entre 30.000 y 40.000 € brutos anuales.",
            (30000.0, 40000.0, "EUR", "YEAR"),
        ),
        ("年収500万円～800万円", (5_000_000.0, 8_000_000.0, "JPY", "YEAR")),
        (
            "Wynagrodzenie: 12 000 - 16 000 zł brutto miesięcznie",
            (12000.0, 16000.0, "PLN", "MONTH"),
        ),
    ],
)
def test_it_finds_pay_stated_in_a_description(text, expected):
    salary = salary_in_text(text)

    assert (salary["min"], salary["max"], salary["currency"], salary["unit"]) == expected


@pytest.mark.parametrize(
    "text", ["We pay for 2 days a week of training.", "3 years of experience", "Rate us 5 stars"]
)
def test_it_takes_no_number_without_a_currency_for_pay(text):
    assert salary_in_text(text) is None


@pytest.mark.parametrize(
    ("text", "mode", "remote"),
    [
        ("London (Hybrid)", "hybrid", False),
        ("Hybrid (2 days remote)", "hybrid", False),
        ("#LI-Remote", "remote", True),
        ("On-site", "onsite", False),
        ("재택근무", "remote", True),
        ("Berlin", None, None),
    ],
)
def test_hybrid_and_on_site_are_work_modes_that_are_not_remote(text, mode, remote):
    assert (work_mode(text), remote_flag(text)) == (mode, remote)
