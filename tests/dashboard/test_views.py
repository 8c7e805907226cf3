"""Dashboard pages and their queries, through Django's test client."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import Group, User
from django.utils import timezone

from dashboard import queries
from extraction.models import ShadowJob
from ingestion.models import IngestionRun, RunStatus, RunUrl
from tests.factories import make_job, make_run, make_run_url, make_source
from tracking.models import Incident

pytestmark = pytest.mark.django_db


def in_group(user: User, role: str) -> User:
    user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def operator(client, roles):
    client.force_login(in_group(User.objects.create_user("ops", password="pw"), "operator"))
    return client


@pytest.mark.parametrize(
    "path", ["/dashboard/", "/dashboard/runs/", "/dashboard/runs/new", "/dashboard/jobs/"]
)
def test_pages_need_a_login(client, path):
    response = client.get(path)

    assert response.status_code == 302
    assert response["Location"] == f"/dashboard/login/?next={path}"


def test_a_viewer_without_staff_status_logs_in_and_reads_the_dashboard(client, roles):
    # given: a viewer who is not staff (the admin's login would refuse them)
    in_group(User.objects.create_user("vera", password="pw-vera-1"), "viewer")

    # when: they log in on the dashboard's login page
    page = client.get("/dashboard/login/?next=/dashboard/runs/")
    response = client.post(
        "/dashboard/login/",
        {"username": "vera", "password": "pw-vera-1", "next": "/dashboard/runs/"},
    )

    # then: they land where they were going and may read it
    assert 'id="id_username"' in page.content.decode()
    assert response["Location"] == "/dashboard/runs/"
    assert client.get("/dashboard/runs/").status_code == 200
    assert client.get("/dashboard/runs/new").status_code == 403  # not an operator


def test_a_user_without_a_role_logs_in_and_is_refused(client, roles):
    User.objects.create_user("nobody", password="pw-nobody-1")

    response = client.post("/dashboard/login/", {"username": "nobody", "password": "pw-nobody-1"})

    assert response["Location"] == "/dashboard/"
    assert client.get("/dashboard/").status_code == 403


def test_a_wrong_password_stays_on_the_login_page(client, roles):
    in_group(User.objects.create_user("vera", password="pw-vera-1"), "viewer")

    response = client.post("/dashboard/login/", {"username": "vera", "password": "wrong"})

    assert response.status_code == 200
    assert "correct username and password" in response.content.decode()
    assert client.get("/dashboard/").status_code == 302


def test_logging_out_is_a_post_back_to_the_login_page(operator):
    assert 'action="/dashboard/logout/"' in operator.get("/dashboard/").content.decode()
    assert operator.get("/dashboard/logout/").status_code == 405

    response = operator.post("/dashboard/logout/")

    assert response["Location"] == "/dashboard/login/"
    assert operator.get("/dashboard/").status_code == 302


def test_the_root_redirects_to_the_dashboard(client):
    assert client.get("/")["Location"] == "/dashboard/"


def test_overview_shows_health_incidents_active_runs_and_the_chart(operator, settings):
    settings.CELERY_BROKER_URL = None
    settings.CELERY_TASK_ALWAYS_EAGER = True
    run = make_run()
    now = timezone.now()
    Incident.objects.create(
        kind="pipeline_failure_rate",
        severity="warning",
        summary="12% failed",
        opened_at=now,
        updated_at=now,
    )

    html = operator.get("/dashboard/").content.decode()

    assert 'class="light green"' in html
    assert "pipeline_failure_rate: 12% failed" in html
    assert f"Run {run.id}</a> ingesting" in html
    assert html.count("<rect ") == 30
    # An x axis with dates (every seventh day and today) and the scale's top.
    today = timezone.now().date()
    assert f">{today:%b %d}</text>" in html
    assert html.count('text-anchor="middle"') == 4 and html.count('text-anchor="end"') == 1
    assert "1 added / 100 % failed" in html  # the scale never shrinks below 1


def test_starting_a_run_lands_on_its_live_page(operator, monkeypatch):
    launched = []
    monkeypatch.setattr("ingestion.start.launch", launched.append)
    source = make_source()

    response = operator.post("/dashboard/runs/new", {"sources": [source.id], "use_storage": "on"})

    run = IngestionRun.objects.get()
    assert response["Location"] == f"/dashboard/runs/{run.id}/"
    assert launched == [run.id]
    assert run.options["use_storage"] is True and run.options["shadow_mode"] is False
    page = operator.get(response["Location"]).content.decode()
    assert f"Run {run.id}" in page and 'data-counter="jobs_processed"' in page


def test_starting_without_sources_says_why(operator):
    response = operator.post("/dashboard/runs/new", {}, follow=True)

    assert "a run needs at least one source" in response.content.decode()
    assert not IngestionRun.objects.exists()


def test_progress_json_and_reset(operator):
    run = make_run(total_jobs_found=4, jobs_processed=1)

    progress = operator.get(f"/dashboard/runs/{run.id}/progress.json").json()
    # The live page's Sources list refreshes from the same answer.
    assert len(progress["sources"]) == 1  # create_run made the run's RunSource
    assert [(s["name"], s["status"]) for s in progress["sources"]] == [
        (rs.source.name, rs.status) for rs in run.run_sources.all()
    ]
    operator.post(f"/dashboard/runs/{run.id}/reset")

    assert (progress["status"], progress["percent"]) == ("ingesting", 25.0)
    assert IngestionRun.objects.get(id=run.id).status == RunStatus.CANCELLED
    assert operator.get("/dashboard/runs/999999/progress.json").status_code == 404
    assert operator.get(f"/dashboard/runs/{run.id}/reset").status_code == 405


def test_reset_needs_the_csrf_token(client, roles):
    client = type(client)(enforce_csrf_checks=True)
    client.force_login(in_group(User.objects.create_user("ops2", password="pw"), "operator"))
    run = make_run()

    assert client.post(f"/dashboard/runs/{run.id}/reset").status_code == 403
    assert IngestionRun.objects.get(id=run.id).status == RunStatus.INGESTING


def test_history_filters_and_run_urls(operator):
    a, b = make_source(name="Alpha"), make_source(name="Beta")
    done = make_run([a], status=RunStatus.COMPLETED)
    make_run([b])
    url = make_run_url(done)
    RunUrl.objects.filter(id=url.id).update(outcome="failed", error_class="http_404")

    completed = operator.get("/dashboard/runs/", {"status": "completed"}).content.decode()
    by_source = operator.get("/dashboard/runs/", {"source": b.id}).content.decode()
    urls = operator.get(f"/dashboard/runs/{done.id}/urls", {"outcome": "failed"}).content.decode()

    assert (
        f'/dashboard/runs/{done.id}/"' in completed and "Beta" not in completed.split("<table")[1]
    )
    assert "Alpha" not in by_source.split("<table")[1]
    assert "http_404" in urls and url.url in urls


def test_the_run_page_shows_unchanged_urls_apart_from_skipped_ones(operator):
    run = make_run(status=RunStatus.COMPLETED)
    for outcome in ("unchanged", "unchanged", "skipped", "not_a_job", "added"):
        url = make_run_url(run)
        RunUrl.objects.filter(id=url.id).update(outcome=outcome)
    IngestionRun.objects.filter(id=run.id).update(jobs_skipped=4, jobs_added=1)

    page = operator.get(f"/dashboard/runs/{run.id}/").content.decode()
    live = operator.get(f"/dashboard/runs/{run.id}/progress.json").json()

    assert "1 added, 0 updated, 2 unchanged, 1 skipped, 1 not a job, 0 failed" in page
    assert live["skipped"] == {"unchanged": 2, "skipped": 1, "not_a_job": 1}


def test_the_run_page_says_how_unchanged_urls_were_settled_without_extraction(operator):
    run = make_run(status=RunStatus.COMPLETED)
    for by in ("lastmod", "lastmod", "not_modified", "listing", ""):
        url = make_run_url(run)
        RunUrl.objects.filter(id=url.id).update(outcome="unchanged", unchanged_by=by)
    IngestionRun.objects.filter(id=run.id).update(jobs_skipped=5)

    page = operator.get(f"/dashboard/runs/{run.id}/").content.decode()

    assert (
        "5 unchanged (2 by lastmod, 1 by listing, 1 by not_modified: not extracted again)" in page
    )


def test_the_run_page_falls_back_to_the_counter_when_the_urls_do_not_add_up(operator):
    run = make_run(status=RunStatus.COMPLETED, jobs_skipped=4)

    page = operator.get(f"/dashboard/runs/{run.id}/").content.decode()

    assert "4 unchanged or skipped, 0 failed" in page


def test_jobs_search_filters_and_shadow_table(operator):
    make_job(n=1, title="Backend Engineer", location_raw="Lisbon")
    make_job(n=2, title="Designer", org_name="Orbit")
    make_job(ShadowJob, n=3, title="Shadow Analyst")

    by_place = operator.get("/dashboard/jobs/", {"q": "lisbon"}).content.decode()
    by_employer = operator.get("/dashboard/jobs/", {"q": "orbit"}).content.decode()
    shadow = operator.get("/dashboard/jobs/", {"table": "shadow"}).content.decode()

    assert "Backend Engineer" in by_place and "Designer" not in by_place
    assert "Designer" in by_employer and "Backend Engineer" not in by_employer
    assert "Shadow Analyst" in shadow and "Designer" not in shadow


def test_compare_finds_one_sided_and_differing_jobs():
    make_job(n=1, title="Both same")
    make_job(ShadowJob, n=1, title="Both same")
    make_job(n=2, title="Both differ", content_hash="a")
    make_job(ShadowJob, n=2, title="Both differ", content_hash="b")
    make_job(n=3, title="Production only")
    make_job(ShadowJob, n=4, title="Shadow only")

    cmp = queries.compare_tables()

    assert cmp.counts["production"]["active"] == 3 and cmp.counts["shadow"]["active"] == 3
    assert [j.title for j in cmp.only_production] == ["Production only"]
    assert [j.title for j in cmp.only_shadow] == ["Shadow only"]
    assert [(p.title, s.title) for p, s in cmp.different] == [("Both differ", "Both differ")]


def test_daily_stats_count_added_and_failed_per_day(clock):
    run = make_run()
    for outcome, days_ago in (("added", 0), ("added", 0), ("failed", 0), ("added", 3)):
        url = make_run_url(run)
        RunUrl.objects.filter(id=url.id).update(
            outcome=outcome, settled_at=timezone.now() - datetime.timedelta(days=days_ago)
        )

    days = queries.daily_stats(30)

    assert len(days) == 30
    assert (days[-1].added, days[-1].failed, round(days[-1].failure_rate, 2)) == (2, 1, 0.33)
    assert days[-4].added == 1
    assert sum(d.settled for d in days) == 4


def test_the_reset_button_says_stuck_only_for_a_stale_run(operator, clock, settings):
    healthy = make_run()
    html = operator.get(f"/dashboard/runs/{healthy.id}/").content.decode()
    assert "Abort this run" in html and "stuck" not in html

    clock.shift(datetime.timedelta(seconds=settings.JOBPIPE_STALE_RUN_SECONDS + 60))
    html = operator.get(f"/dashboard/runs/{healthy.id}/").content.decode()
    assert "Reset this stuck run" in html


def test_the_failed_url_list_says_when_it_is_cut(operator):
    run = make_run()
    for _ in range(25):
        make_run_url(run)
    RunUrl.objects.filter(run=run).update(outcome="failed", error_class="http_4xx")

    html = operator.get(f"/dashboard/runs/{run.id}/").content.decode()

    assert "The first 20 of 25" in html
    assert f"/dashboard/runs/{run.id}/urls?outcome=failed" in html


@pytest.mark.parametrize(("storage", "shadow"), [(False, True), (True, False)])
def test_the_start_form_starts_from_the_settings_defaults(operator, settings, storage, shadow):
    settings.EXTRACTION_USE_STORAGE, settings.EXTRACTION_SHADOW_MODE = storage, shadow

    html = operator.get("/dashboard/runs/new").content.decode()

    assert ('name="use_storage" checked' in html) is storage
    assert ('name="shadow_mode" checked' in html) is shadow


def test_templates_have_no_inline_script_the_csp_would_block():
    """The Content-Security-Policy allows scripts from this origin only: no on*= handlers,
    no inline <script> bodies."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "templates"
    offenders = []
    for path in root.rglob("*.html"):
        text = path.read_text()
        if re.search(r"\son[a-z]+\s*=", text) or re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text):
            offenders.append(path.name)
    assert offenders == []


def test_compare_says_when_a_list_is_cut(operator):
    for n in range(3):
        make_job(n=100 + n, title=f"Production only {n}")

    cut = queries.compare_tables(limit=2)
    html = operator.get("/dashboard/jobs/compare").content.decode()

    assert len(cut.only_production) == 2 and cut.limit == 2
    assert "Only in production (3)" in html
    assert "Only in shadow (0)" in html


def test_compare_shows_a_full_list_as_the_first_n(operator, monkeypatch):
    for n in range(3):
        make_job(n=200 + n, title=f"Production only {n}")
    real = queries.compare_tables
    monkeypatch.setattr(queries, "compare_tables", lambda: real(limit=2))

    html = operator.get("/dashboard/jobs/compare").content.decode()

    assert "Only in production (the first 2, there may be more)" in html


def test_a_job_page_shows_every_field_with_its_provenance(operator):
    source = make_source(name="Acme careers")
    job = make_job(
        n=7,
        title="Platform Engineer",
        source=source,
        deadline=datetime.date(2026, 12, 31),
        provenance={"title": {"source": "jsonld", "confidence": 0.95}},
        raw_metadata={"employment_type": "FULL_TIME", "classifier_score": 0.9},
    )
    twin = make_job(ShadowJob, n=7, title="Shadow twin")

    html = operator.get(f"/dashboard/jobs/{job.id}/").content.decode()
    shadow = operator.get(f"/dashboard/jobs/{twin.id}/?table=shadow").content.decode()
    listing = operator.get("/dashboard/jobs/").content.decode()

    assert "<th>title</th><td>Platform Engineer</td><td>jsonld</td><td>0.95</td>" in html
    assert "FULL_TIME" in html and "2026-12-31" in html and "Acme careers" in html
    assert "Shadow twin" in shadow
    assert f"/dashboard/jobs/{job.id}/" in listing
    assert operator.get(f"/dashboard/jobs/{twin.id}/").status_code == 404  # not in production


def held_archive(source, jobs):
    from ingestion.models import HeldArchive

    return HeldArchive.objects.create(
        run=make_run([source]),
        source=source,
        table="jobs",
        job_ids=[str(job.id) for job in jobs],
        active=len(jobs),
        listed=0,
        reason="the listing is empty while the source has 2 active jobs",
    )


def test_an_operator_approves_a_held_archive_and_exactly_its_jobs_are_archived(operator):
    from extraction.models import Job, JobStatus

    source = make_source(name="Acme")
    held_jobs = [make_job(n=1, source=source), make_job(n=2, source=source)]
    other = make_job(n=3, source=source)
    held = held_archive(source, held_jobs)

    page = operator.get("/dashboard/archives/").content.decode()
    assert "Approve: archive 2" in page and "the listing is empty" in page

    response = operator.post(f"/dashboard/archives/{held.id}/approve", follow=True)
    assert f"Held archive {held.id} approved: 2 jobs archived." in response.content.decode()
    statuses = dict(Job.objects.values_list("id", "status"))
    assert [statuses[j.id] for j in held_jobs] == [JobStatus.ARCHIVED, JobStatus.ARCHIVED]
    assert statuses[other.id] == JobStatus.ACTIVE

    again = operator.post(f"/dashboard/archives/{held.id}/reject", follow=True)
    assert f"held archive {held.id} is already approved" in again.content.decode()
    assert operator.post("/dashboard/archives/999999/approve").status_code == 404


def test_rejecting_keeps_the_jobs_and_a_viewer_cannot_decide(client, roles):
    from extraction.models import Job, JobStatus

    source = make_source(name="Acme")
    jobs = [make_job(n=1, source=source), make_job(n=2, source=source)]
    held = held_archive(source, jobs)
    client.force_login(in_group(User.objects.create_user("v"), "viewer"))

    page = client.get("/dashboard/archives/").content.decode()
    assert "the listing is empty" in page and "Approve: archive" not in page
    assert client.post(f"/dashboard/archives/{held.id}/reject").status_code == 403

    client.force_login(in_group(User.objects.create_user("o"), "operator"))
    client.post(f"/dashboard/archives/{held.id}/reject")
    held.refresh_from_db()
    assert (held.status, held.decided_by) == ("rejected", "o")
    assert set(Job.objects.values_list("status", flat=True)) == {JobStatus.ACTIVE}
