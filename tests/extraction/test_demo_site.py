"""The bundled demo site: four job pages in four markups, a culture page, and a listing."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urljoin

import lxml.html
import pytest

from extraction.extract import extract_job
from tests.extraction.support import FETCHED_AT

SITE = Path(__file__).resolve().parents[2] / "demo" / "site"
BASE = "http://127.0.0.1:8765"
JOB_URLS = [
    f"{BASE}/careers/jobs/{name}.html"
    for name in (
        "backend-engineer",
        "data-analyst",
        "warehouse-lead",
        "support-specialist",
        "product-designer",
        "life-at-northwind",
    )
]


def extract_page(path: str):
    return extract_job((SITE / path).read_bytes(), f"{BASE}/{path}", fetched_at=FETCHED_AT)


@pytest.mark.parametrize(
    ("path", "reason", "title", "location"),
    [
        (
            "careers/jobs/backend-engineer.html",
            "jsonld JobPosting",
            "Backend Engineer",
            "Leeds, West Yorkshire, GB; Remote (United Kingdom)",
        ),
        (
            "careers/jobs/data-analyst.html",
            "jsonld JobPosting",
            "Data Analyst",
            "Leeds, West Yorkshire, GB",
        ),
        (
            "careers/jobs/warehouse-lead.html",
            "microdata JobPosting",
            "Warehouse Team Lead",
            "Rotterdam, South Holland, NL",
        ),
        (
            "careers/jobs/support-specialist.html",
            "heuristics: title + location, deadline, apply link, requirements, job-like URL",
            "Customer Support Specialist",
            "Leeds, United Kingdom (hybrid, 3 days in the office)",
        ),
    ],
)
def test_it_extracts_each_demo_job(path, reason, title, location):
    result = extract_page(path)

    assert (result.is_job, result.reason) == (True, reason)
    assert result.job.title == title
    assert result.job.employer == "Northwind Tools"
    assert result.job.location == location
    # Relative in the markup, so a demo served on another port yields other apply URLs.
    assert result.job.apply_url.startswith(f"{BASE}/careers/jobs/")


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        (
            "careers/jobs/life-at-northwind.html",
            "no JobPosting markup and too few job signals for 'Life at Northwind': job-like URL, "
            "posting body, title of another page",
        ),
        ("careers/index.html", "listing page: 6 job links"),
        (
            "about.html",
            "no JobPosting markup and too few job signals for 'About Northwind Tools': "
            "posting body, title of another page",
        ),
        (
            "index.html",
            "no JobPosting markup and no job signals for 'Hand tools that last a lifetime'",
        ),
    ],
)
def test_it_rejects_the_demo_pages_that_are_not_jobs(path, reason):
    result = extract_page(path)

    assert (result.is_job, result.reason, result.job) == (False, reason, None)


def test_it_links_the_same_six_job_urls_from_the_careers_page_and_the_sitemap():
    page_url = f"{BASE}/careers/index.html"
    doc = lxml.html.document_fromstring((SITE / "careers/index.html").read_bytes())
    links = [urljoin(page_url, href) for href in doc.xpath("//a/@href")]
    sitemap = (SITE / "sitemap.xml").read_text().replace("{{BASE}}", BASE)

    assert [u for u in links if "/careers/jobs/" in u] == JOB_URLS
    assert set(links) - set(JOB_URLS) == {f"{BASE}/", f"{BASE}/about.html"}
    assert re.findall(r"<loc>(.*?)</loc>", sitemap) == JOB_URLS


def test_it_leaves_one_linked_job_page_missing_so_the_demo_shows_a_404():
    present = {path.name for path in (SITE / "careers" / "jobs").glob("*.html")}

    assert "product-designer.html" not in present
    assert {u.rsplit("/", 1)[1] for u in JOB_URLS} - present == {"product-designer.html"}
