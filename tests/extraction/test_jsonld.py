"""Strategy 1: JobPosting from JSON-LD, including the broken JSON real sites ship."""

from __future__ import annotations

import datetime

from extraction.parse.jsonld import extract_jsonld
from tests.extraction.support import FETCHED_AT, PAGE_URL, fixture, tree


def jsonld(markup: str | bytes, url: str = PAGE_URL):
    return extract_jsonld(tree(markup), url, fetched_at=FETCHED_AT)


def page(*blocks: str) -> str:
    scripts = "".join(f'<script type="application/ld+json">{b}</script>' for b in blocks)
    return f"<html><head>{scripts}</head><body><p>x</p></body></html>"


def test_it_reads_a_simple_posting():
    job = jsonld(fixture("jsonld_simple.html"))

    assert job.title == "Senior Backend Engineer (Python) & Platform"
    assert job.employer == "Acme Robotics GmbH"
    # Region "Berlin" repeats the locality and is dropped; two places join with "; ".
    assert job.location == "Berlin, DE; Munich, Bavaria, DE"
    assert job.deadline == datetime.date(2026, 12, 31)
    assert job.posted_on == datetime.date(2026, 11, 2)
    assert job.employment_type == "FULL_TIME, CONTRACTOR"
    assert job.identifier == "REQ-4821"
    assert job.salary == {"min": 70000.0, "max": 85000.0, "currency": "EUR", "unit": "YEAR"}
    assert job.requirements == ["5+ years of Python", "PostgreSQL in production"]
    assert job.description == (
        "Acme Robotics builds warehouse robots. You will design the APIs that route 40,000 "
        "picks an hour. Own services end to end"
    )


def test_it_resolves_the_posting_url_against_the_page_url():
    job = jsonld(fixture("jsonld_simple.html"))

    assert job.apply_url == (
        "https://careers.example.com/jobs/4821-senior-backend-engineer/apply?utm_source=linkedin"
    )


def test_it_credits_every_found_field_to_jsonld():
    job = jsonld(fixture("jsonld_simple.html"))

    assert set(job.provenance) == {
        "title", "employer", "location", "deadline", "description", "apply_url", "posted_on",
        "requirements", "employment_type", "salary", "identifier", "locations", "description_html",
    }  # fmt: skip
    assert {p["source"] for p in job.provenance.values()} == {"jsonld"}
    assert {p["confidence"] for p in job.provenance.values()} == {0.95}


def test_it_finds_a_posting_inside_a_graph_with_capitalised_keys_and_id_references():
    job = jsonld(fixture("jsonld_graph.html"))

    assert job.title == "Data Analyst"
    assert job.employer == "Lumen Health"  # {"@id": ...#organization} resolved
    assert job.location == "Remote (Germany, Netherlands)"
    assert job.employment_type == "PART_TIME"
    assert job.posted_on == datetime.date(2026, 10, 28)
    assert job.deadline == datetime.date(2027, 1, 15)
    assert job.requirements == ["SQL", "dbt", "Looker"]
    assert job.apply_url == "https://jobs.lumen-health.example/positions/data-analyst"


def test_it_survives_a_broken_block_before_a_good_one():
    job = jsonld(fixture("jsonld_broken_then_good.html"))

    assert job.title == "QA Engineer"
    assert job.employer == "Fjord Logistics AS"  # a plain-string organisation
    assert job.location == "Oslo, Norway"  # a plain-string address
    assert job.identifier == "90311"  # a bare number


def test_it_repairs_trailing_commas_raw_newlines_and_bad_escapes():
    job = jsonld(fixture("jsonld_sloppy.html"))

    assert job.title == "Site Reliability Engineer"
    assert job.employer == "Kestrel Energy"
    assert job.location == "Lyon, FR"
    # Entity-encoded HTML with a raw newline and tab inside the JSON string.
    assert job.description == (
        "Keep the grid's control plane up. Page rotation: one week in six. "
        "Tools: Terraform & Kubernetes."
    )
    assert job.requirements == ["On-call experience", "Linux internals", "Kestrel's stack is Go"]
    assert job.salary == {"min": 62000.0, "max": 62000.0, "currency": "EUR", "unit": None}


def test_it_reads_top_level_arrays_and_list_types():
    job = jsonld(
        page(
            '[{"@type": "Organization", "name": "Acme"},'
            ' {"@type": ["Thing", "JobPosting"], "name": "Courier", "jobLocation": "Lisbon"}]'
        )
    )

    assert (job.title, job.location) == ("Courier", "Lisbon")


def test_it_marks_telecommute_postings_as_remote_alongside_their_office():
    job = jsonld(
        page(
            '{"@type": "JobPosting", "title": "SRE", "jobLocationType": "TELECOMMUTE",'
            ' "jobLocation": {"@type": "Place", "address": {"addressLocality": "Austin",'
            ' "addressRegion": "TX", "addressCountry": "US"}}}'
        )
    )

    assert job.location == "Austin, TX, US; Remote"


def test_it_prefers_a_posting_with_a_title_and_ignores_other_types():
    job = jsonld(
        page(
            '{"@type": "Organization", "name": "Acme", "title": "Not a job"}',
            '{"@type": "JobPosting", "description": "untitled"}',
            '{"@type": "JobPosting", "title": "Welder"}',
        )
    )

    assert job.title == "Welder"


def test_it_reads_several_objects_in_one_block_and_html_comment_wrappers():
    job = jsonld(
        page('<!-- {"@type": "WebSite", "name": "x"} {"@type": "JobPosting", "title": "Baker"} -->')
    )

    assert job.title == "Baker"


def test_it_returns_none_without_a_job_posting():
    assert jsonld(page('{"@type": "Organization", "name": "Acme"}')) is None
    assert jsonld(page("{ not json at all")) is None
    assert jsonld(page("")) is None
    assert jsonld("<html><body><h1>Hello</h1></body></html>") is None


def test_it_drops_a_url_that_is_not_http():
    job = jsonld(page('{"@type": "JobPosting", "title": "Chef", "url": "javascript:apply()"}'))

    assert job.apply_url is None
    assert "apply_url" not in job.provenance
