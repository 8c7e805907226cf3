"""Strategy 2: JobPosting from microdata and RDFa lite."""

from __future__ import annotations

import datetime

from extraction.parse.microdata import extract_microdata, extract_rdfa
from tests.extraction.support import FETCHED_AT, fixture, tree

URL = "https://brightpath.example/careers/warehouse-shift-lead"


def test_it_reads_microdata_with_nested_items():
    job = extract_microdata(tree(fixture("microdata.html")), URL, fetched_at=FETCHED_AT)

    assert job.title == "Warehouse Shift Lead"
    assert job.employer == "Brightpath Foods Ltd"
    assert job.location == "Manchester, Greater Manchester, GB"
    assert job.posted_on == datetime.date(2026, 11, 5)  # <time datetime>
    assert job.deadline == datetime.date(2026, 12, 15)  # <meta content>
    assert job.employment_type == "FULL_TIME"
    assert job.salary == {"min": 15.5, "max": 17.25, "currency": "GBP", "unit": "HOUR"}
    assert (
        job.description == "Lead a team of twelve on the night shift. Keep the cold chain unbroken."
    )
    assert job.requirements == ["Forklift licence", "Two years supervising a team"]


def test_it_takes_the_apply_url_from_the_postings_own_url_property():
    job = extract_microdata(tree(fixture("microdata.html")), URL, fetched_at=FETCHED_AT)

    # The organisation's itemprop="url" belongs to the nested item, not to the posting.
    assert job.apply_url == "https://brightpath.example/careers/apply?job=shift-lead"


def test_it_credits_microdata_fields_at_085():
    job = extract_microdata(tree(fixture("microdata.html")), URL, fetched_at=FETCHED_AT)

    assert job.provenance["title"] == {"source": "microdata", "confidence": 0.85}
    assert {p["source"] for p in job.provenance.values()} == {"microdata"}


def test_it_reads_a_plain_text_hiring_organization():
    markup = """<div itemscope itemtype="https://schema.org/JobPosting">
      <h2 itemprop="title">Baker</h2> at <span itemprop="hiringOrganization">Crumb &amp; Co</span>
      <span itemprop="jobLocation">Porto</span></div>"""

    job = extract_microdata(tree(markup), URL, fetched_at=FETCHED_AT)

    assert (job.title, job.employer, job.location) == ("Baker", "Crumb & Co", "Porto")


def test_it_ignores_other_microdata_types():
    markup = """<div itemscope itemtype="https://schema.org/Product">
      <span itemprop="name">No. 4 plane</span></div>"""

    assert extract_microdata(tree(markup), URL, fetched_at=FETCHED_AT) is None


def test_it_reads_rdfa_lite():
    job = extract_rdfa(tree(fixture("rdfa.html")), URL, fetched_at=FETCHED_AT)

    assert job.title == "Technical Writer"
    assert job.employer == "Orbital Docs Inc."
    assert job.location == "Toronto, ON, CA"
    assert job.posted_on == datetime.date(2026, 11, 1)
    assert job.deadline == datetime.date(2026, 12, 20)  # content= wins over the visible text
    assert job.employment_type == "CONTRACTOR"
    assert job.description == "Write the guides our API users actually read."
    assert job.apply_url == "https://orbital-docs.example/jobs/technical-writer"
    assert job.provenance["title"] == {"source": "rdfa", "confidence": 0.85}


def test_it_reads_rdfa_with_prefixed_terms():
    markup = """<div vocab="http://schema.org/" typeof="schema:JobPosting">
      <span property="schema:title">Glazier</span>
      <span property="schema:datePosted">2026-10-01</span></div>"""

    job = extract_rdfa(tree(markup), URL, fetched_at=FETCHED_AT)

    assert (job.title, job.posted_on) == ("Glazier", datetime.date(2026, 10, 1))


def test_it_finds_no_rdfa_posting_on_a_microdata_page():
    assert extract_rdfa(tree(fixture("microdata.html")), URL, fetched_at=FETCHED_AT) is None
