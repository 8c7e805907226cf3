"""What discovery knew of a URL reaches extraction: a careers page's link text becomes a title
candidate, being listed as a job link a prior, and an error page still is no job."""

from __future__ import annotations

import pytest

from extraction.models import Job
from ingestion import batch, discovery, runs
from ingestion.models import RunSource, RunStatus, RunUrl, SourceKind, UrlOutcome
from ingestion.sources import DiscoveryResult, adapter_for
from ingestion.sources.careers_page import ANCHOR_CHARS, job_links
from ingestion.tasks import start_run
from tests.factories import make_run, make_source
from tests.ingestion import careers_samples as site

LISTING = "http://127.0.0.1:9/careers"
# The listing is /careers (no trailing slash, as Wix serves it): every page of the host is below
# its folder, so the source names its job pages' pattern.
PATTERN = {"job_url_pattern": r"/careers/[^/]+$"}


def links(markup: str) -> dict[str, str]:
    found, _ = job_links(markup.encode(), LISTING, None)
    return found


def test_it_keeps_each_job_links_anchor_text(http):
    http.route("/careers", body=site.careers_page())

    result = adapter_for("careers_page")({"url": http.base + "/careers", "config": PATTERN})

    assert result.complete is True
    # Each card's link says "Read More": the title is the card's own first text.
    assert result.anchors == {
        http.base + "/careers/warehouse-associate": "Warehouse Associate",
        http.base + "/careers/van-driver": "Van Driver",
    }


def test_it_reads_the_heading_of_a_card_that_is_one_link():
    # A Webflow collection list: each item one link holding the title heading and its facts.
    markup = """<div role="list" class="w-dyn-items">
      <div role="listitem" class="w-dyn-item">
        <a href="/careers/forklift-driver" class="w-inline-block">
        <h3 class="job-heading">Forklift Driver (Nights)</h3><div>Leeds · Full-time</div></a></div>
      <div role="listitem" class="w-dyn-item"><a href="/careers/picker" class="w-inline-block">
        <h3 class="job-heading">Picker</h3><div>York · Part-time</div></a></div>
    </div>"""

    assert links(markup) == {
        "http://127.0.0.1:9/careers/forklift-driver": "Forklift Driver (Nights)",
        "http://127.0.0.1:9/careers/picker": "Picker",
    }


def test_a_jobs_title_link_wins_over_its_apply_button_and_long_text_is_cut():
    markup = f"""<ul>
      <li><a href="/careers/cook">Apply now</a> <a href="/careers/cook">Line Cook</a></li>
      <li><a href="/careers/long">{"Very long title " * 40}</a></li>
      <li><a href="/careers/icon" aria-label="Night Porter"><img src="arrow.svg"></a></li>
      <li><a href="/careers/bare">→</a></li><li><a href="/careers/other">Read more</a></li>
    </ul>"""

    found = links(markup)

    assert found["http://127.0.0.1:9/careers/cook"] == "Line Cook"
    assert 0 < len(found["http://127.0.0.1:9/careers/long"]) <= ANCHOR_CHARS
    assert found["http://127.0.0.1:9/careers/icon"] == "Night Porter"
    # Nothing around them names a job: the <li> holds only the link, the <ul> other jobs.
    assert found["http://127.0.0.1:9/careers/bare"] == ""
    assert found["http://127.0.0.1:9/careers/other"] == ""


@pytest.mark.django_db
def test_discovery_records_each_urls_anchor_text():
    run = make_run(status=RunStatus.ARCHIVING, use_storage=False)
    urls = ["http://127.0.0.1:9/careers/a", "http://127.0.0.1:9/careers/b"]

    discovery.record_discovery(
        RunSource.objects.get(run=run).id,
        DiscoveryResult(urls, anchors={urls[0]: "Warehouse Associate"}),
    )

    texts = dict(RunUrl.objects.filter(run=run).values_list("url", "anchor_text"))
    assert texts == {urls[0]: "Warehouse Associate", urls[1]: ""}


@pytest.mark.parametrize(
    ("kind", "config", "anchor", "prior"),
    [
        (SourceKind.CAREERS_PAGE, {}, "Van Driver", True),
        (SourceKind.CAREERS_PAGE, {}, "", True),
        (SourceKind.SITEMAP, {}, "", False),  # a whole site's pages, not only its jobs
        (SourceKind.SITEMAP, {"job_url_pattern": "/careers/"}, "", True),
        # a sitemap URL with a link text: the run's careers page linked it as a job as well
        (SourceKind.SITEMAP, {}, "Van Driver", True),
        (SourceKind.GREENHOUSE, {}, "", True),
    ],
)
def test_the_crawl_gives_the_prior_to_urls_listed_as_jobs(kind, config, anchor, prior):
    source = {"id": 1, "kind": kind, "config": config, "org_name": site.EMPLOYER}

    context = batch.discovery_context(source, anchor)

    assert (context.from_listing, context.anchor_text, context.employer) == (
        prior,
        anchor or None,
        site.EMPLOYER,
    )


@pytest.mark.django_db
def test_a_careers_pages_link_text_reaches_the_url_its_sitemap_recorded_first():
    sitemap, careers = make_source(name="Acme sitemap"), make_source(name="Acme careers")
    run = make_run([sitemap, careers], status=RunStatus.ARCHIVING, use_storage=False)
    by_source = {rs.source_id: rs.id for rs in RunSource.objects.filter(run=run)}
    urls = [f"http://127.0.0.1:9/careers/{n}" for n in range(4)]
    discovery.record_discovery(by_source[sitemap.id], DiscoveryResult(urls, complete=True))
    RunUrl.objects.filter(run=run, url=urls[2]).update(outcome=UrlOutcome.NOT_A_JOB)  # settled
    RunUrl.objects.filter(run=run, url=urls[3]).update(anchor_text="Kept")

    discovery.record_discovery(
        by_source[careers.id],
        DiscoveryResult(
            [*urls, "http://127.0.0.1:9/careers/new"],
            complete=True,
            anchors={
                urls[0]: "Warehouse Associate",
                urls[2]: "Late",
                urls[3]: "Other",
                "http://127.0.0.1:9/careers/new": "Forklift Driver",
            },
        ),
    )

    rows = RunUrl.objects.filter(run=run).values_list("url", "source_id", "anchor_text")
    assert sorted(rows) == sorted(
        [
            (urls[0], sitemap.id, "Warehouse Associate"),  # recorded by the sitemap, titled
            (urls[1], sitemap.id, ""),  # the careers page named nothing
            (urls[2], sitemap.id, ""),  # settled already: left as it was
            (urls[3], sitemap.id, "Kept"),  # had a text: not overwritten
            ("http://127.0.0.1:9/careers/new", careers.id, "Forklift Driver"),
        ]
    )


@pytest.mark.django_db(transaction=True)
def test_a_run_titles_a_plain_job_page_by_its_careers_link_and_keeps_an_error_page_out(http, pump):
    # given: a careers page whose cards link a job page that names its title only in a styled
    # paragraph, and a filled job's page
    http.route("/careers", body=site.careers_page())
    http.route("/careers/warehouse-associate", body=site.JOB_PAGE)
    http.route("/careers/van-driver", body=site.FILLED_PAGE)
    source = make_source(
        kind=SourceKind.CAREERS_PAGE,
        url=http.base + "/careers",
        org_name=site.EMPLOYER,
        config=PATTERN,
    )
    run = runs.create_run([source], use_storage=True, shadow_mode=False)

    # when
    start_run.enqueue(run.id, run_id=run.id)
    pump.drain()

    # then: the job is titled by its link, not by the site's <title> ("Careers")
    run.refresh_from_db()
    assert run.status == "completed"
    job = Job.objects.get()
    assert (job.title, job.org_name) == ("Warehouse Associate", site.EMPLOYER)
    assert job.apply_url == http.base + "/careers/warehouse-associate"
    # and the error page is no job, whatever its link said
    filled = RunUrl.objects.get(run=run, url=http.base + "/careers/van-driver")
    assert (filled.anchor_text, filled.outcome) == ("Van Driver", "not_a_job")
    assert filled.error_message.startswith("error page:")
