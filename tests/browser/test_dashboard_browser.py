"""The dashboard in a real browser: Playwright driving Debian's chromium against the live
server, with a real Celery worker running the run on Redis and PostgreSQL."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.contrib import admin
from django.contrib.auth.models import User

from extraction.models import Job, ShadowJob
from ingestion.models import IngestionRun, SourceKind
from jobpipe.celery import app
from tests.factories import make_source
from tests.integration.workers import start_worker, stop_worker, wait_for
from tracking.models import PipelineJob

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]
CHROMIUM = "/usr/bin/chromium"
SHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"


@pytest.fixture
def browser(monkeypatch):
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: scripts/test installs it (scripts/browser.sh)")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls the test makes
    # meanwhile are plain synchronous ones.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def worker():
    app.control.purge()
    proc = start_worker("browser")
    wait_for(lambda: app.control.ping(timeout=0.5), what="the worker", limit=60)
    yield proc
    stop_worker(proc)


def test_an_operator_starts_a_run_and_watches_it_finish(live_server, browser, worker, make_site):
    from playwright.sync_api import expect

    SHOTS.mkdir(parents=True, exist_ok=True)
    User.objects.create_superuser("ops", "ops@example.com", "correct horse")
    site = make_site(jobs=150, missing=3, not_jobs=2)
    source = make_source(
        name="Acme careers", kind=SourceKind.CAREERS_PAGE, url=site.url("/jobs/index.html")
    )
    page = browser.new_page(viewport={"width": 1280, "height": 800})

    page.goto(f"{live_server.url}/dashboard/")  # the login page, then back here
    page.fill("#id_username", "ops")
    page.fill("#id_password", "correct horse")
    page.click("input[type=submit]")
    page.wait_for_selector("text=Service health")
    page.screenshot(path=str(SHOTS / "1-overview.png"), full_page=True)

    page.click("text=Start a run")
    page.check(f"input[name=sources][value='{source.id}']")
    page.check("input[name=use_storage]")  # the form starts from the settings' defaults
    page.screenshot(path=str(SHOTS / "2-start.png"))
    page.click("button:has-text('Start')")
    page.wait_for_url("**/dashboard/runs/*/")
    run = IngestionRun.objects.get()
    assert page.url.endswith(f"/dashboard/runs/{run.id}/")
    page.evaluate("window.__sameDocument = true")  # proves later updates are not reloads

    # expect(), not wait_for_function: the page's Content-Security-Policy forbids the eval
    # that a string predicate needs, and the test runs under the real policy.
    expect(page.locator("[data-counter=jobs_processed]")).not_to_have_text("0", timeout=120_000)
    page.screenshot(path=str(SHOTS / "3-progress.png"))
    page.wait_for_selector("[data-testid=results-summary]:not([hidden])", timeout=120_000)
    page.screenshot(path=str(SHOTS / "4-summary.png"), full_page=True)

    run.refresh_from_db()
    assert run.status == "completed"
    assert page.evaluate("window.__sameDocument") is True
    assert page.text_content("[data-testid=run-status]") == "completed"
    summary = page.text_content("#summary-text")
    assert f"completed: {run.jobs_added} added" in summary
    assert f"{run.jobs_failed} failed" in summary
    assert (run.jobs_added, run.jobs_failed) == (150, 3)
    assert page.text_content("[data-counter=jobs_processed]") == str(run.jobs_processed)
    assert (SHOTS / "4-summary.png").stat().st_size > 0
    # Every live Sources line settled from the polled answer, not left at "pending, 0 URLs".
    assert "pending" not in page.text_content("#sources")

    # Each page at 1280 px: a screenshot, and no horizontal scrolling.
    shadow = run.options["shadow_mode"]  # the form started from the settings' default
    job = (ShadowJob if shadow else Job).objects.order_by("title").first()
    pages = {
        "overview": "/dashboard/",
        "history": "/dashboard/runs/",
        "run-urls": f"/dashboard/runs/{run.id}/urls",
        "jobs": "/dashboard/jobs/",
        "job": f"/dashboard/jobs/{job.id}/" + ("?table=shadow" if shadow else ""),
        "compare": "/dashboard/jobs/compare",
        "start": "/dashboard/runs/new",
        # Every changelist of the admin, and the pages of a run, a job and a ledger row.
        **{
            f"admin-{model._meta.app_label}-{model._meta.model_name}": (
                f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
            )
            for model in admin.site._registry
        },
        "admin-run": f"/admin/ingestion/ingestionrun/{run.id}/change/",
        "admin-job": f"/admin/extraction/{job._meta.model_name}/{job.id}/change/",
        "admin-task": f"/admin/tracking/pipelinejob/{PipelineJob.objects.first().id}/change/",
    }
    overflowing = {}
    for name, path in pages.items():
        page.goto(f"{live_server.url}{path}")
        page.screenshot(path=str(SHOTS / f"1280-{name}.png"), full_page=True)
        width = page.evaluate("document.documentElement.scrollWidth")
        # A changelist may also scroll inside its results box while the page itself fits.
        inner = page.evaluate(
            "Math.max(0, ...Array.from(document.querySelectorAll('.results, table'),"
            " e => e.scrollWidth - e.clientWidth))"
        )
        if width > 1280 or inner > 0:
            overflowing[name] = (width, inner)
    assert overflowing == {}
