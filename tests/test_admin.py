"""The admin as an operator console: every model registered, actions do what they say."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group, User
from django.db import models
from django.urls import reverse
from django.utils import timezone

from extraction.models import Job, ShadowJob
from ingestion.models import HeldArchive, IngestionRun, RunSource, RunStatus, RunUrl, Source
from tests.factories import make_job, make_run, make_run_url, make_source
from tracking.models import Incident, PipelineJob

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator(client):
    user = User.objects.create_superuser("ops", "ops@example.com", "pw")
    client.force_login(user)
    return client


def act(client, model, action, ids):
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    return client.post(url, {"action": action, "_selected_action": ids}, follow=True)


def test_every_model_is_registered():
    for model in (Source, IngestionRun, RunSource, RunUrl, Job, ShadowJob, PipelineJob, Incident):
        assert admin.site.is_registered(model), model


@pytest.mark.parametrize(
    "model", [Source, IngestionRun, RunSource, RunUrl, Job, ShadowJob, PipelineJob, Incident]
)
def test_every_changelist_renders(operator, model):
    make_run_url(make_run())
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")

    assert operator.get(url).status_code == 200


def test_ledger_and_url_outcomes_are_read_only(operator):
    assert not admin.site._registry[PipelineJob].has_change_permission(None)
    assert not admin.site._registry[RunUrl].has_change_permission(None)


def test_enable_and_disable_sources(operator):
    source = make_source()

    act(operator, Source, "disable", [source.id])
    assert Source.objects.get(id=source.id).enabled is False
    act(operator, Source, "enable", [source.id])
    assert Source.objects.get(id=source.id).enabled is True


@pytest.mark.django_db(transaction=True)
def test_run_now_starts_a_run_for_the_selected_sources(operator, pump):
    source = make_source()

    response = act(operator, Source, "run_now", [source.id])

    run = IngestionRun.objects.get()
    assert [s["id"] for s in run.sources] == [source.id]
    assert f"Started run {run.id}." in response.content.decode()
    assert PipelineJob.objects.get(run=run).task_name == "ingestion.start_run"


def test_cancel_runs(operator):
    active, stuck, done = make_run(), make_run(), make_run(status=RunStatus.COMPLETED)

    act(operator, IngestionRun, "cancel", [active.id])
    response = act(operator, IngestionRun, "cancel", [stuck.id, done.id])

    assert IngestionRun.objects.get(id=active.id).status == RunStatus.CANCELLED
    assert IngestionRun.objects.get(id=stuck.id).status == RunStatus.CANCELLED
    assert IngestionRun.objects.get(id=done.id).status == RunStatus.COMPLETED
    assert f"Run {done.id} is completed: only an active run" in response.content.decode()


@pytest.mark.django_db(transaction=True)
def test_retry_failed_urls_reopens_the_run_and_counts_each_url_once(operator, pump, http):
    from tests.sitegen import job_page

    run = make_run()
    url = make_run_url(run, http.route("/jobs/1.html", status=503))
    from ingestion import batch

    batch.crawl_batch(run.id, [url.id], max_attempts=1)
    run.refresh_from_db()
    # Its only URL failed: the run failed, and says so.
    assert (run.status, run.jobs_failed, run.jobs_processed) == (RunStatus.FAILED, 1, 1)
    assert run.error_message == "1 of 1 URLs failed (100%)"
    http.route("/jobs/1.html", body=job_page(1))  # the site is back

    act(operator, IngestionRun, "retry_failed", [run.id])
    pump.drain()

    run.refresh_from_db()
    assert (run.status, run.jobs_failed, run.jobs_added, run.jobs_processed) == (
        RunStatus.COMPLETED,
        0,
        1,
        1,
    )
    assert RunUrl.objects.get(id=url.id).outcome == "added"


def test_resolve_incidents(operator):
    from django.utils import timezone

    now = timezone.now()
    incident = Incident.objects.create(
        kind="insert_failure_rate", severity="critical", summary="s", opened_at=now, updated_at=now
    )

    act(operator, Incident, "resolve", [incident.id])

    assert Incident.objects.get(id=incident.id).resolved_at is not None


def test_changelists_show_times_to_the_second(operator, clock):
    run = make_run()

    html = operator.get(reverse("admin:ingestion_ingestionrun_changelist")).content.decode()

    assert timezone.localtime(run.created_at).strftime("%Y-%m-%d %H:%M:%S") in html


def test_the_runs_changelist_shows_the_counters_in_one_column(operator):
    make_run(total_jobs_found=7, jobs_processed=6, jobs_added=5, jobs_failed=1)

    html = operator.get(reverse("admin:ingestion_ingestionrun_changelist")).content.decode()

    assert "7 · 6 · 5 · 0 · 0 · 1 · 0" in html
    assert 'id="nav-sidebar"' not in html


def test_celerys_empty_result_tables_are_not_in_the_admin():
    from django_celery_results.models import GroupResult, TaskResult

    assert not admin.site.is_registered(TaskResult)
    assert not admin.site.is_registered(GroupResult)


def test_json_fields_show_indented_and_escaped_on_read_only_pages(operator):
    run = make_run()
    ledger = PipelineJob.objects.create(
        task_id="t-1",
        task_name="ingestion.crawl_batch",
        payload={"args": [run.id, [1, 2]], "note": "<script>alert(1)</script>"},
        result={"settled": 2},
        run=run,
    )
    incident = Incident.objects.create(
        kind="failure_rate",
        severity="critical",
        summary="s",
        metrics={"rate": 0.5},
        opened_at=timezone.now(),
        updated_at=timezone.now(),
    )

    page = operator.get(reverse("admin:tracking_pipelinejob_change", args=[ledger.id])).content
    run_page = operator.get(reverse("admin:ingestion_ingestionrun_change", args=[run.id])).content
    incident_page = operator.get(
        reverse("admin:tracking_incident_change", args=[incident.id])
    ).content

    html = page.decode()
    assert '<pre class="json">{\n  &quot;args&quot;: [\n' in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert" not in html
    assert '<pre class="json">{\n  &quot;settled&quot;: 2\n}</pre>' in html
    assert '<pre class="json">' in run_page.decode()  # sources and options
    assert "&quot;rate&quot;: 0.5" in incident_page.decode()


def test_a_viewer_reads_a_sources_config_indented_an_operator_edits_it(client, operator, roles):
    from django.contrib.auth.models import Group

    source = make_source(config={"link_pattern": "/jobs/<id>"})
    url = reverse("admin:ingestion_source_change", args=[source.id])
    viewer = User.objects.create_user("viewer", password="pw", is_staff=True)
    viewer.groups.add(Group.objects.get(name="viewer"))

    edit = operator.get(url).content.decode()
    client.force_login(viewer)
    view = client.get(url).content.decode()

    assert 'name="config"' in edit
    assert 'name="config"' not in view
    assert (
        '<pre class="json">{\n  &quot;link_pattern&quot;: &quot;/jobs/&lt;id&gt;&quot;\n}' in view
    )


HOSTILE = {"note": "<script>alert(1)</script>", "n": [1, 2]}
INDENTED = "{\n  &quot;n&quot;: [\n    1,\n    2\n  ],\n  &quot;note&quot;: &quot;&lt;script&gt;"


def json_rows() -> list[models.Model]:
    """One row of every admin model with a JSON field, each JSON field holding HOSTILE."""
    now = timezone.now()
    source = make_source(config=HOSTILE)
    run = make_run()
    run_url = make_run_url(run)
    RunUrl.objects.filter(id=run_url.id).update(extracted=HOSTILE)
    IngestionRun.objects.filter(id=run.id).update(sources=HOSTILE, options=HOSTILE)
    return [
        source,
        run,
        run_url,
        make_job(n=1, raw_metadata=HOSTILE, provenance=HOSTILE),
        make_job(ShadowJob, n=2, raw_metadata=HOSTILE, provenance=HOSTILE),
        PipelineJob.objects.create(
            task_id="t-1", task_name="ingestion.crawl_batch", payload=HOSTILE, result=HOSTILE
        ),
        Incident.objects.create(
            kind="k",
            severity="warning",
            summary="s",
            metrics=HOSTILE,
            actions=HOSTILE,
            opened_at=now,
            updated_at=now,
        ),
        HeldArchive.objects.create(
            run=run, source=source, table="jobs", job_ids=HOSTILE, active=1, listed=0, reason="r"
        ),
    ]


def json_names(model) -> list[str]:
    return [f.name for f in model._meta.fields if isinstance(f, models.JSONField)]


@pytest.mark.parametrize("who", ["viewer", "superuser"])
def test_every_json_field_in_the_admin_is_indented_and_escaped(client, roles, who):
    # given: a row of every JobPipe admin model with a JSON field, and a viewer or a superuser
    rows = json_rows()
    ours = {
        m
        for m in admin.site._registry
        if json_names(m) and m._meta.app_label in ("ingestion", "extraction", "tracking")
    }
    assert {type(row) for row in rows} == ours
    user = User.objects.create_user(who, password="pw", is_staff=True)
    user.is_superuser = who == "superuser"
    user.save()
    if who == "viewer":
        user.groups.add(Group.objects.get(name="viewer"))
    client.force_login(user)
    edits = {Source, Job, ShadowJob} if who == "superuser" else set()

    for row in rows:
        meta = row._meta
        # when: its change page is opened
        url = reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[row.pk])
        html = client.get(url).content.decode()

        # then: each JSON field reads indented (in a textarea where the user may edit it),
        # and the crawled markup is text
        assert "<script>alert" not in html, meta.model_name
        for name in json_names(type(row)):
            if type(row) in edits:
                assert f'name="{name}"' in html and f">\n{INDENTED}" in html, (meta, name)
            else:
                assert f'name="{name}"' not in html, (meta.model_name, name)
                assert f'<pre class="json">{INDENTED}' in html, (meta.model_name, name)


def test_an_indented_config_saves_as_the_same_json(admin_client):
    # given: a source whose config an operator opens and saves unchanged
    source = make_source(config={"link_pattern": "/jobs/<id>", "delist_after": 3})
    url = reverse("admin:ingestion_source_change", args=[source.id])
    form = admin_client.get(url).context["adminform"].form
    data = {name: form[name].value() for name in form.fields}
    data = {k: ("" if v is None else v) for k, v in data.items() if v is not False}

    # when
    response = admin_client.post(url, data)

    # then: the indented text parses back to the same config
    assert response.status_code == 302
    source.refresh_from_db()
    assert source.config == {"link_pattern": "/jobs/<id>", "delist_after": 3}


def test_records_of_what_happened_have_no_delete_button(operator):
    # given: a run with its source, a URL, a ledger row and a held archive; a superuser
    run = make_run()
    source = Source.objects.get(id=run.sources[0]["id"])
    records = [
        run,
        RunSource.objects.get(run=run, source=source),
        make_run_url(run),
        PipelineJob.objects.create(task_id="t-2", task_name="ingestion.start_run", run=run),
        HeldArchive.objects.create(
            run=run, source=source, table="jobs", job_ids=[], active=1, listed=0, reason="r"
        ),
    ]

    for record in records:
        name = f"admin:{record._meta.app_label}_{record._meta.model_name}"
        # when: its page and its changelist are opened
        page = operator.get(reverse(f"{name}_change", args=[record.pk]))
        listing = operator.get(reverse(f"{name}_changelist"))

        # then: neither offers to delete it
        assert page.status_code == 200
        assert 'class="deletelink"' not in page.content.decode(), name
        assert 'value="delete_selected"' not in listing.content.decode(), name
