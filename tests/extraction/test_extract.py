"""extract_job: decoding, strategy order, the job-or-not verdict, and clean output."""

from __future__ import annotations

import datetime

import pytest

from extraction.extract import extract_job
from tests.extraction.support import FETCHED_AT, PAGE_URL, fixture


def extract(body: bytes | str, url: str = PAGE_URL):
    return extract_job(body, url, fetched_at=FETCHED_AT)


@pytest.mark.parametrize(
    ("name", "reason", "score"),
    [
        ("jsonld_simple.html", "jsonld JobPosting", 0.95),
        ("jsonld_graph.html", "jsonld JobPosting", 0.95),
        ("microdata.html", "microdata JobPosting", 0.85),
        ("rdfa.html", "rdfa JobPosting", 0.85),
        (
            "plain_labels.html",
            "heuristics: title + location, deadline, apply link, requirements, employment type, "
            "posted date, identifier, work mode, job-like URL",
            0.95,
        ),
    ],
)
def test_it_recognises_job_pages_and_says_how(name, reason, score):
    result = extract(fixture(name))

    assert (result.is_job, result.reason, result.score) == (True, reason, score)
    assert result.job.title


def test_it_fills_gaps_in_markup_from_later_strategies_only():
    result = extract(fixture("jsonld_simple.html"))

    # JSON-LD has everything but the page's own wording; nothing is overwritten by heuristics.
    assert result.job.title == "Senior Backend Engineer (Python) & Platform"
    assert result.job.provenance["title"]["source"] == "jsonld"
    sloppy = extract(fixture("jsonld_sloppy.html")).job
    assert sloppy.provenance["requirements"]["source"] == "jsonld"


def test_it_takes_fields_missing_from_markup_from_the_page():
    markup = (
        '<html><head><script type="application/ld+json">{"@type": "JobPosting", '
        '"title": "Baker"}</script></head><body><h1>Night Baker</h1>'
        "<p>Location: Porto</p><h2>Requirements</h2><ul><li>Early riser</li></ul></body></html>"
    )

    job = extract(markup).job

    assert job.title == "Baker"
    assert (job.location, job.requirements) == ("Porto", ["Early riser"])
    assert job.provenance["location"] == {"source": "heuristic", "confidence": 0.55}


def test_it_uses_the_page_url_when_no_apply_url_is_found():
    job = extract(fixture("jsonld_broken_then_good.html")).job

    assert job.apply_url == PAGE_URL
    assert job.provenance["apply_url"] == {"source": "heuristic", "confidence": 0.3}


def test_it_calls_a_listing_page_not_a_job():
    result = extract(fixture("listing.html"), "https://acme-robotics.example/jobs/")

    assert (result.is_job, result.reason, result.job) == (False, "listing page: 8 job links", None)


def test_it_calls_an_unrelated_page_not_a_job_without_inventing_a_title():
    result = extract(fixture("unrelated.html"), "https://acme-robotics.example/about/")

    assert result.is_job is False
    assert result.job is None
    assert result.reason == (
        "no JobPosting markup and too few job signals for 'About us': title of another page"
    )


@pytest.mark.parametrize(
    "body",
    [
        b"",
        "",
        b"   \n",
        b"\x00\x00\x00",
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe",
        "<html></html>",
    ],
)
def test_it_never_raises_on_garbage(body):
    result = extract(body)

    assert result.is_job is False
    assert result.job is None
    assert result.reason in ("empty or unparseable body", "no JobPosting markup and no job title")


def test_it_says_why_a_page_without_a_title_is_not_a_job():
    result = extract("<html><body><p>Location: Berlin</p></body></html>")

    assert (result.is_job, result.reason) == (False, "no JobPosting markup and no job title")


def test_it_honours_a_late_charset_declaration_in_a_cp1252_page():
    job = extract(fixture("cp1252_late_charset.html")).job

    assert job.title == "Chef de Cuisine \u2013 Caf\u00e9 Lindenhof"
    assert job.location == "Z\u00fcrich, Switzerland"
    assert job.deadline == datetime.date(2027, 1, 15)  # "Apply by 15 January 2027"
    assert job.requirements[1] == "5 years\u2019 experience"
    assert job.apply_url == "https://careers.example.com/bewerbung"  # not the mailto: link


def test_it_decodes_with_the_declared_charset_even_when_utf8_would_fail_differently():
    # Cyrillic in windows-1251: not valid UTF-8, and cp1252 would turn it into mojibake.
    body = (
        "<html><head><title>x</title>" + "<!-- padding -->" * 100 + '<meta charset="windows-1251">'
        "</head><body><h1>Бухгалтер</h1><p>Location: Москва</p></body></html>"
    ).encode("cp1251")

    job = extract(body).job

    assert (job.title, job.location) == ("Бухгалтер", "Москва")


def test_it_falls_back_to_utf8_then_cp1252_without_a_declaration():
    utf8 = "<html><body><h1>Caf\u00e9 Manager</h1><p>Location: K\u00f6ln</p></body></html>"

    assert extract(utf8.encode("utf-8")).job.location == "K\u00f6ln"
    assert extract(utf8.encode("cp1252")).job.location == "K\u00f6ln"


def test_it_strips_soft_hyphens_and_zero_width_characters_from_every_field():
    job = extract(fixture("soft_hyphens.html")).job

    assert job.title == "Software Engineer"
    assert job.employer == "Quill Press"
    assert job.location == "Edinburgh, GB"
    assert job.description == "Build the tools our editors use every day."
    assert job.requirements == ["TypeScript", "Accessibility know-how"]


def test_it_caps_the_description_at_2000_characters():
    words = " ".join(f"word{i}" for i in range(1000))
    markup = (
        '<html><head><script type="application/ld+json">{"@type": "JobPosting", '
        f'"title": "Scribe", "description": "{words}"}}</script></head><body></body></html>'
    )

    description = extract(markup).job.description

    assert len(description) <= 2000
    assert description.startswith("word0 word1 ")
    assert description.endswith("\u2026")


def test_it_produces_a_record_that_survives_the_json_round_trip():
    job = extract(fixture("jsonld_simple.html")).job

    assert type(job).from_json(job.to_json()) == job
