"""The job-or-not verdict for pages without JobPosting markup: weak signals summed, and
not_a_job only on positive evidence (an error page, a listing's structure, too little)."""

from __future__ import annotations

from extraction.extract import extract_job
from extraction.types import DiscoveryContext
from tests.extraction.support import FETCHED_AT

URL = "https://careers.example.com/jobs/4821-night-baker"
RELATED = "".join(
    f'<li><a href="/jobs/{n}-other-role">Other role {n}</a></li>' for n in range(4800, 4806)
)


def extract(markup: str, url: str = URL, context: DiscoveryContext | None = None):
    return extract_job(markup, url, fetched_at=FETCHED_AT, context=context)


def test_it_keeps_a_posting_whose_sidebar_links_six_other_jobs():
    markup = (
        "<html><body><main><h1>Night Baker</h1><p>Location: Porto</p>"
        "<h2>Requirements</h2><ul><li>Early riser</li><li>Sourdough</li></ul>"
        f'<a href="/jobs/4821/apply">Apply now</a></main><aside><ul>{RELATED}</ul></aside>'
        "</body></html>"
    )

    result = extract(markup)

    assert result.is_job is True
    assert result.reason.startswith("heuristics: title + location, apply link, requirements")


def test_it_calls_rows_of_job_links_without_a_posting_body_a_listing():
    markup = f"<html><body><h1>Open positions</h1><ul>{RELATED}</ul></body></html>"

    result = extract(markup, "https://careers.example.com/jobs/")

    assert (result.is_job, result.reason) == (False, "listing page: 6 job links")


def test_it_calls_a_page_that_says_the_job_is_gone_an_error_page():
    markup = (
        "<html><head><title>Night Baker</title></head><body><h1>This job is no longer available"
        "</h1><p>Location: Porto</p></body></html>"
    )

    result = extract(markup)

    assert (result.is_job, result.reason) == (
        False,
        "error page: 'This job is no longer available'",
    )


def test_it_reads_apply_buttons_and_labels_in_other_languages():
    markup = (
        '<html lang="ko"><body><h1>백엔드 개발자</h1>'
        "<div><span>근무지역</span><span>서울 강남구</span></div>"
        '<button type="button">지원하기</button></body></html>'
    )

    result = extract(markup, "https://example.kr/recruit/view?rec_idx=1")

    assert result.is_job is True
    assert "apply link" in result.reason
    assert result.job.location == "서울 강남구"


def test_it_needs_more_than_a_job_like_url_and_a_long_text():
    markup = "<html><body><h1>Life at Acme</h1><p>" + "We love our office. " * 60 + "</p></body>"

    result = extract(markup)

    assert result.is_job is False
    assert result.reason.startswith("no JobPosting markup and too few job signals")


def test_discovery_context_is_a_prior_a_title_and_an_employer():
    markup = "<html><head><title>Portal</title></head><body><p>Location: Porto</p></body></html>"
    context = DiscoveryContext(anchor_text="Night Baker (m/w/d)", employer="Padaria Sol")

    without = extract(markup, "https://portal.example.com/view?id=9")
    result = extract(markup, "https://portal.example.com/view?id=9", context)

    assert without.is_job is False
    assert result.is_job is True
    assert "discovered as a job link" in result.reason
    assert (result.job.title, result.job.employer) == ("Night Baker (m/w/d)", "Padaria Sol")


def test_it_keeps_a_short_posting_at_its_own_address_beside_related_jobs():
    markup = (
        "<html><body><h1>Night Baker</h1><div><span>Job type</span><span>Part-time</span></div>"
        "<div><span>Salary</span><span>€1,600 per month</span></div><p>Bake bread, rolls and "
        "pastries for our three shops between 2am and 8am, and keep the bakery clean.</p>"
        '<a href="/jobs/4821/apply">Apply</a><ul>'
        + "".join(f'<li><a href="/jobs/{n}">Role {n}</a></li>' for n in range(4900, 4904))
        + "</ul></body></html>"
    )

    at_its_address = extract(markup)
    on_a_search_page = extract(markup, "https://careers.example.com/jobs?page=2")

    assert at_its_address.is_job is True
    assert (on_a_search_page.is_job, on_a_search_page.reason) == (
        False,
        "listing page: 5 job links",
    )
