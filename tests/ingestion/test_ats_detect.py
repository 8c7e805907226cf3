"""Found from a URL: every adapter's board URL shapes, three embed styles, `sources detect`
and `sources add NAME --url` without --kind."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from ingestion.models import BOARD_TOKEN, Source, SourceKind
from ingestion.sources import ADAPTERS
from ingestion.sources.detect import detect, detect_in_page

WD5 = {"pod": "wd5", "site": "External"}
SHAPES: list[tuple] = [
    ("https://boards.greenhouse.io/acme", "greenhouse", "acme"),
    ("https://job-boards.greenhouse.io/acme/jobs/4001", "greenhouse", "acme"),
    ("https://job-boards.eu.greenhouse.io/acme", "greenhouse", "acme"),
    ("https://boards.greenhouse.io/embed/job_board?for=acme", "greenhouse", "acme"),
    ("https://boards-api.greenhouse.io/v1/boards/acme/jobs", "greenhouse", "acme"),
    ("https://jobs.lever.co/acme", "lever", "acme"),
    ("https://jobs.lever.co/acme/5f2a-uuid/apply", "lever", "acme"),
    ("https://api.lever.co/v0/postings/acme?mode=json", "lever", "acme"),
    ("https://jobs.ashbyhq.com/acme", "ashby", "acme"),
    ("https://api.ashbyhq.com/posting-api/job-board/acme", "ashby", "acme"),
    ("https://apply.workable.com/acme/", "workable", "acme"),
    ("https://apply.workable.com/api/v1/widget/accounts/acme", "workable", "acme"),
    ("https://acme.workable.com", "workable", "acme"),
    ("https://jobs.smartrecruiters.com/Acme1/74000-lead", "smartrecruiters", "Acme1"),
    ("https://careers.smartrecruiters.com/Acme1", "smartrecruiters", "Acme1"),
    ("https://acme.wd5.myworkdayjobs.com/External", "workday", "acme", WD5),
    (
        "https://acme.wd1.myworkdayjobs.com/en-US/Careers/job/Berlin/X_R1",
        "workday",
        "acme",
        {"pod": "wd1", "site": "Careers"},
    ),
    (
        "https://acme.wd3.myworkdayjobs.com/wday/cxs/acme/Ext/jobs",
        "workday",
        "acme",
        {"pod": "wd3", "site": "Ext"},
    ),
    ("https://acme.recruitee.com/o/backend", "recruitee", "acme"),
    ("https://acme.jobs.personio.de/job/700", "personio", "acme"),
    (
        "https://acme.jobs.personio.com/xml?language=en",
        "personio",
        "acme",
        {"domain": "jobs.personio.com"},
    ),
    ("https://acme.teamtailor.com/jobs", "teamtailor", "acme"),
    ("https://acme.pinpointhq.com/en/postings/3f1a", "pinpoint", "acme"),
    ("https://acme.bamboohr.com/careers/40", "bamboohr", "acme"),
    ("https://ats.rippling.com/acme/jobs/j1", "rippling", "acme"),
    ("https://ats.rippling.com/api/v2/board/acme/jobs", "rippling", "acme"),
    ("https://www.careers-page.com/acme/job/H0001", "manatal", "acme"),
    ("https://api.manatal.com/open/v3/career-page/acme/jobs/", "manatal", "acme"),
    (
        "https://acme.fa.us2.oraclecloud.com/hcmUI/CandidateExperience/en/sites/CX_1/job/3000",
        "oracle",
        "CX_1",
        {"host": "acme.fa.us2.oraclecloud.com"},
    ),
    ("https://acme.breezy.hr/p/a1b2-welder", "breezy", "acme"),
    ("https://join.com/companies/acme/77000-barista", "join", "acme"),
    ("https://careers-acme.icims.com/jobs/5000/forklift-operator/job", "icims", "careers-acme"),
    ("https://jobs.jobvite.com/acme/job/oAb1", "jobvite", "acme"),
    ("https://acme.applytojob.com/apply/jobs", "jazzhr", "acme"),
    (
        "https://acme.taleo.net/careersection/ex/jobsearch.ftl?lang=en&portal=7700",
        "taleo",
        "acme",
        {"section": "ex", "portal": "7700"},
    ),
    ("acme.recruitee.com", "recruitee", "acme"),  # no scheme
]


@pytest.mark.parametrize("shape", SHAPES, ids=[s[0] for s in SHAPES])
def test_it_recognises_each_board_url_shape(shape):
    url, kind, token, *config = shape
    found = detect(url)

    assert found is not None, url
    assert (found.kind, found.board_token, found.config) == (kind, token, *(config or [{}]))
    assert BOARD_TOKEN.match(found.board_token)  # a token the Source model accepts
    assert found.kind in ADAPTERS  # every detected kind has an adapter to run it
    assert "pattern" in found.reason


def test_regional_hosts_become_adapter_config():
    assert detect("https://jobs.eu.lever.co/acme").config == {"region": "eu"}
    assert detect("https://acme.jobs.personio.com/").config == {"domain": "jobs.personio.com"}
    assert detect("https://jobs.lever.co/acme").config == {}


@pytest.mark.parametrize(
    "url",
    [
        "https://www.recruitee.com/pricing",
        "https://apply.workable.com/j/AB12CD",
        "https://boards.greenhouse.io/embed/job_board",
        "https://example.com/careers",
        "https://www.teamtailor.com",
        "not a url",
    ],
)
def test_the_ats_own_pages_and_other_sites_are_not_boards(url):
    assert detect(url) is None


def test_it_finds_boards_embedded_as_iframe_script_and_link():
    page = """<html><body>
      <iframe src="https://acme.wd5.myworkdayjobs.com/en-US/External"></iframe>
      <script src="https://boards.greenhouse.io/embed/job_board/js?for=acme"></script>
      <script>window.widget = {url: "https://acme.teamtailor.com/jobs"};</script>
      <a href="https://jobs.lever.co/acme">All jobs</a>
      <a href="https://jobs.lever.co/acme/5f2a">One job</a>
      <a href="/about">About</a>
    </body></html>"""

    found = {(d.kind, d.board_token): how for how, d in detect_in_page(page)}

    assert found == {
        ("workday", "acme"): "iframe",
        ("greenhouse", "acme"): "script widget",
        ("teamtailor", "acme"): "script widget",
        ("lever", "acme"): "link",
    }


def run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_sources_detect_prints_the_kind_token_and_why():
    out = run("sources", "detect", "https://acme.wd5.myworkdayjobs.com/External")

    assert out.splitlines()[0] == "workday  board_token=acme  {'pod': 'wd5', 'site': 'External'}"
    assert "why: acme.wd5.myworkdayjobs.com/External is a Workday site" in out


def test_sources_detect_says_when_nothing_is_recognised():
    with pytest.raises(CommandError, match="no ATS recognised in 'https://example.com/jobs' "):
        run("sources", "detect", "https://example.com/jobs")


def test_sources_detect_reads_a_careers_page_that_embeds_a_board(http):
    page = '<iframe src="https://acme.recruitee.com/"></iframe>'
    http.route("/robots.txt", body="", Content_Type="text/plain")
    http.route("/careers", body=page)

    out = run("sources", "detect", f"{http.base}/careers", "--page")

    assert "recruitee  board_token=acme" in out
    assert "why: embedded (iframe): acme.recruitee.com/ is a Recruitee subdomain" in out


@pytest.mark.django_db
def test_sources_add_with_only_a_board_url_recognises_the_ats():
    out = run("sources", "add", "Acme", "--url", "https://jobs.eu.lever.co/acme")

    source = Source.objects.get(name="Acme")
    assert (source.kind, source.board_token, source.url) == (SourceKind.LEVER, "acme", "")
    assert source.config == {"region": "eu"}
    assert "Recognised lever board 'acme'" in out


@pytest.mark.django_db
def test_sources_add_without_kind_reads_a_careers_page_that_embeds_a_board(http):
    http.route("/robots.txt", body="", Content_Type="text/plain")
    http.route(
        "/careers",
        body='<script src="https://boards.greenhouse.io/embed/job_board/js?for=acme"></script>',
    )

    out = run("sources", "add", "Acme", "--url", f"{http.base}/careers")

    source = Source.objects.get(name="Acme")
    assert (source.kind, source.board_token, source.url) == (SourceKind.GREENHOUSE, "acme", "")
    assert "Recognised greenhouse board 'acme': embedded (script widget)" in out


@pytest.mark.django_db
def test_sources_add_without_kind_or_a_known_url_refuses(http):
    http.route("/robots.txt", body="", Content_Type="text/plain")
    http.route("/careers", body="<h1>Careers</h1><a href='/about'>About us</a>")

    with pytest.raises(CommandError, match="its page embeds no known board.*pass --kind"):
        run("sources", "add", "Acme", "--url", f"{http.base}/careers")
    with pytest.raises(CommandError, match="could not be read.*gone.*pass --kind"):
        run("sources", "add", "Acme", "--url", f"{http.base}/missing")
    assert not Source.objects.exists()


@pytest.mark.django_db
def test_sources_add_refuses_a_kind_the_url_contradicts():
    with pytest.raises(CommandError, match="names a lever board .*not a greenhouse one"):
        run("sources", "add", "Acme", "--kind", "greenhouse", "--url", "https://jobs.lever.co/acme")
    assert not Source.objects.exists()


@pytest.mark.django_db
def test_sources_add_with_a_workday_url_stores_the_tenant_and_its_site():
    run("sources", "add", "Acme", "--url", "https://acme.wd5.myworkdayjobs.com/en-US/External")

    source = Source.objects.get(name="Acme")
    assert (source.kind, source.board_token, source.config) == (SourceKind.WORKDAY, "acme", WD5)
