"""Strategy 3: job fields from plain HTML."""

from __future__ import annotations

import datetime

from extraction.parse.heuristics import extract_heuristics
from tests.extraction.support import FETCHED_AT, fixture, tree

URL = "https://careers.harbor-bank.example/jobs/support-specialist.html"


def heuristics(markup: str | bytes):
    return extract_heuristics(tree(markup), URL, fetched_at=FETCHED_AT)


def test_it_reads_label_value_pairs_in_every_common_layout():
    job = heuristics(fixture("plain_labels.html"))

    assert job.title == "Customer Support Specialist"
    assert job.location == "Porto, Portugal (hybrid)"  # <dt>/<dd>
    assert job.identifier == "HB-2291"  # <dt>/<dd>
    assert job.employment_type == "PART_TIME"  # <th>/<td>, "Part-time (30h)"
    assert job.deadline == datetime.date(2026, 12, 31)  # <strong>Deadline:</strong> text
    assert job.posted_on == datetime.date(2026, 11, 17)  # "3 days ago" from the fetch time


def test_it_finds_the_apply_link_requirements_employer_and_description():
    job = heuristics(fixture("plain_labels.html"))

    assert job.apply_url == (
        "https://careers.harbor-bank.example/jobs/apply.html?job=HB-2291&utm_campaign=autumn"
    )
    assert job.requirements == [
        "Fluent Portuguese and English",
        "A calm voice on the phone",
        "Experience with Zendesk or similar",
    ]
    assert job.employer == "Harbor Bank"  # og:site_name without "Careers"
    assert job.description.startswith("Help our customers with cards, transfers")
    assert "Privacy" not in job.description


def test_it_credits_heuristic_fields_at_045_to_060():
    job = heuristics(fixture("plain_labels.html"))

    # A tag-like "(hybrid)" or a fact read out of prose is the least sure find, at 0.45.
    assert {p["source"] for p in job.provenance.values()} == {"heuristic"}
    assert all(0.45 <= p["confidence"] <= 0.6 for p in job.provenance.values())


def test_it_falls_back_to_og_title_then_the_document_title_without_its_site_suffix():
    og = heuristics(
        '<html><head><meta property="og:title" content="Baker"></head><body></body></html>'
    )
    titled = heuristics(
        "<html><head><title>Night Baker - Crumb &amp; Co Careers</title></head></html>"
    )

    assert (og.title, og.provenance["title"]["confidence"]) == ("Baker", 0.55)
    assert (titled.title, titled.provenance["title"]["confidence"]) == ("Night Baker", 0.5)
    assert titled.employer == "Crumb & Co"


def test_it_reads_apply_by_sentences_and_several_labels_in_one_block():
    job = heuristics(
        "<html><body><h1>Chef</h1>"
        "<p>Location: Lyon, France | Job type: Full-time | Posted: 2026-11-01</p>"
        "<p>Please apply by 31 December 2026 with your CV.</p></body></html>"
    )

    assert job.location == "Lyon, France"
    assert job.employment_type == "FULL_TIME"
    assert job.posted_on == datetime.date(2026, 11, 1)
    assert job.deadline == datetime.date(2026, 12, 31)


def test_it_ignores_labels_in_the_middle_of_prose_and_values_that_are_not_dates():
    job = heuristics(
        "<html><body><h1>Chef</h1>"
        "<p>Our kitchen moved last year; the new location: a converted mill by the river.</p>"
        "<p>Deadline: as soon as possible</p></body></html>"
    )

    assert job.location is None
    assert job.deadline is None


def test_it_finds_requirements_under_a_bold_paragraph_heading():
    job = heuristics(
        "<html><body><h1>Welder</h1><p><strong>Qualifications:</strong></p>"
        "<ul><li>MIG and TIG</li><li>Reading drawings</li></ul>"
        "<h2>Benefits</h2><ul><li>Pension</li></ul></body></html>"
    )

    assert job.requirements == ["MIG and TIG", "Reading drawings"]


def test_it_does_not_take_a_list_from_the_next_section():
    job = heuristics(
        "<html><body><h1>Welder</h1><h2>Requirements</h2><p>Ask us.</p>"
        "<h2>Benefits</h2><ul><li>Pension</li></ul></body></html>"
    )

    assert job.requirements == []


def test_it_skips_apply_links_that_go_nowhere():
    job = heuristics(
        '<html><body><h1>Welder</h1><a href="#">Apply</a><a href="javascript:void(0)">Apply</a>'
        '<a href="/jobs/welder/apply">Apply now</a></body></html>'
    )

    assert job.apply_url == "https://careers.harbor-bank.example/jobs/welder/apply"


def test_it_returns_none_for_an_empty_page():
    assert heuristics("<html><body></body></html>") is None


def test_it_takes_the_employer_from_the_site_name_without_careers_words():
    careers_at = heuristics("<html><head><title>Welder | Careers at Crumb</title></head></html>")
    named_jobs = heuristics(
        '<html><head><meta property="og:site_name" content="Jobs for Humanity"></head>'
        "<body><h1>Welder</h1></body></html>"
    )

    assert careers_at.employer == "Crumb"
    assert named_jobs.employer == "Jobs for Humanity"


def test_it_only_looks_for_the_wanted_fields():
    """After JSON-LD, only the fields it left empty are searched for (the label scan is the
    expensive part and is skipped when no label field is wanted)."""
    page = tree(fixture("plain_labels.html"))

    only_requirements = extract_heuristics(
        page, URL, fetched_at=FETCHED_AT, wanted={"requirements"}
    )
    location_too = extract_heuristics(
        page, URL, fetched_at=FETCHED_AT, wanted={"requirements", "location"}
    )

    assert set(only_requirements.provenance) == {"requirements"}
    assert only_requirements.location is None
    assert location_too.location == "Porto, Portugal (hybrid)"
    assert set(location_too.provenance) == {"requirements", "location"}


def test_the_description_html_is_the_main_content_without_chrome_scripts_or_relative_links():
    job = heuristics(
        """<html><body><header>Acme</header><main>
        <nav><a href="/">Home</a></nav><h1>Baker</h1>
        <p>Bake <b>bread</b> at dawn in our <a href="../bakery">Freiburg bakery</a>.</p>
        <form><button>Subscribe</button></form><script>track()</script>
        <p onclick="steal()">Early shifts, fair pay, and all the pretzels you can eat.</p>
        </main><footer>Imprint</footer></body></html>"""
    )

    html = job.description_html
    assert "<b>bread</b>" in html
    assert 'href="https://careers.harbor-bank.example/bakery"' in html
    for chrome in ("Home", "Baker<", "Subscribe", "track()", "onclick", "Imprint", "Acme"):
        assert chrome not in html
    assert job.description.startswith("Bake bread at dawn in our Freiburg bakery.")


def test_it_reads_label_value_pairs_of_sibling_elements_without_a_colon():
    job = heuristics(
        "<html><body><h1>Werkstudent Marketing</h1>"
        '<div class="fact"><div>Standort</div><div>Leipzig</div></div>'
        "<ul><li><strong>Uren</strong> 24 uur, deeltijd</li></ul>"
        "<div><span><i></i><span>Tryb pracy</span></span><span>praca hybrydowa</span></div>"
        "</body></html>"
    )

    assert job.location == "Leipzig"  # two sibling divs
    assert job.employment_type == "PART_TIME"  # a <strong> label and its tail
    assert job.remote is False  # a wrapped label beside its value; hybrid is not remote


def test_it_takes_the_title_from_a_styled_block_and_never_the_site_name():
    job = heuristics(
        '<html><head><title>Jobs | Portal</title><meta property="og:site_name" content="Portal">'
        '</head><body><div class="oferta-titol">Tècnic/a de manteniment</div>'
        "<h3>Requisits</h3><ul><li>CFGS</li></ul></body></html>"
    )

    assert job.title == "Tècnic/a de manteniment"


def test_it_prefers_a_company_block_to_a_job_boards_site_name():
    job = heuristics(
        '<html><head><meta property="og:site_name" content="StepStone"></head><body>'
        '<div class="company-logo"><img alt="Rheinbau Logo"></div><h1>Projektleiter</h1>'
        '<span class="company-name">at Rheinbau GmbH</span></body></html>'
    )

    assert job.employer == "Rheinbau GmbH"


def test_it_reads_no_label_out_of_menus_and_footers():
    job = heuristics(
        "<html><body><h1>Baker</h1><nav><ul><li>Company</li><li>Blog</li></ul></nav>"
        "<footer><h4>Locations</h4><ul><li>Porto</li><li>Lisbon</li></ul></footer>"
        "<ul><li><a href='/company'>Company</a></li><li>Press</li></ul></body></html>"
    )

    assert (job.employer, job.location) == (None, None)
