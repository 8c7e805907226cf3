"""The internal JSON API: auth matrix, envelope, success and error paths of every endpoint."""

from __future__ import annotations

import datetime
import json
import uuid

import pytest
from django.utils import timezone

from extraction.models import Job, JobStatus, ShadowJob
from ingestion.models import IngestionRun, RunStatus
from tests import factories
from tests.factories import make_run, make_source
from tracking.models import PipelineJob

pytestmark = pytest.mark.django_db
KEY = "s3cret-internal-key"

# Every non-public endpoint with a request that would succeed with the right key.
ENDPOINTS = [
    ("get", "/_internal/jobs"),
    ("get", f"/_internal/jobs/{uuid.uuid4()}"),
    ("post", "/api/ingest/start"),
    ("post", "/api/sources"),
    ("get", "/api/ingest/runs/1/progress"),
    ("get", "/api/ingest/history"),
    ("post", "/api/ingest/runs/1/reset"),
    ("post", "/pipeline/enqueue"),
    ("get", f"/pipeline/status/{uuid.uuid4()}"),
    ("get", "/pipeline/jobs/recent"),
]


@pytest.fixture
def api(client, settings):
    settings.INTERNAL_API_KEY = KEY

    class Api:
        def get(self, path, key=KEY, **params):
            return client.get(path, params, HTTP_X_INTERNAL_API_KEY=key)

        def post(self, path, body=None, key=KEY, **headers):
            data = body if isinstance(body, str) else json.dumps(body or {})
            return client.post(
                path,
                data,
                content_type="application/json",
                HTTP_X_INTERNAL_API_KEY=key,
                **{f"HTTP_{k.upper()}": v for k, v in headers.items()},
            )

    return Api()


def make_job(model=Job, n=1, **fields):
    """A job with a deadline, requirements, a classifier score and title provenance."""
    extras = {
        "deadline": datetime.date(2026, 12, 31),
        "raw_metadata": {"requirements": ["Python"], "classifier_score": 0.95},
        "provenance": {"title": {"source": "jsonld", "confidence": 0.95}},
    }
    return factories.make_job(model, n, **{**extras, **fields})


def error_of(response):
    body = response.json()
    assert body["status"] == "error"
    return response.status_code, body["error"]["code"]


@pytest.mark.parametrize(("method", "path"), ENDPOINTS)
@pytest.mark.parametrize(
    ("key", "expected"),
    [(None, "unauthorized"), ("wrong", "unauthorized"), (KEY[:6], "unauthorized")],
    ids=["no-key", "wrong-key", "key-prefix"],
)
def test_every_endpoint_refuses_a_missing_wrong_or_partial_key(api, method, path, key, expected):
    response = getattr(api, method)(path, key=key) if key else getattr(api, method)(path, key="")

    assert error_of(response) == (401, expected)


@pytest.mark.parametrize(("method", "path"), ENDPOINTS)
def test_every_endpoint_says_it_is_disabled_without_a_configured_key(
    client, settings, method, path
):
    settings.INTERNAL_API_KEY = ""

    response = getattr(client, method)(path, HTTP_X_INTERNAL_API_KEY="anything")

    assert error_of(response) == (503, "api_disabled")
    assert "INTERNAL_API_KEY" in response.json()["error"]["message"]


@pytest.mark.parametrize(("method", "path"), ENDPOINTS)
def test_every_endpoint_answers_the_wrong_method_with_405(api, client, method, path):
    other = "post" if method == "get" else "get"
    response = getattr(client, other)(path, HTTP_X_INTERNAL_API_KEY=KEY)

    assert error_of(response) == (405, "method_not_allowed")
    assert response["Allow"] == method.upper()


def test_jobs_lists_active_production_jobs_with_field_provenance(api):
    first = make_job(n=1)
    make_job(n=2, status=JobStatus.ARCHIVED, archived_at=timezone.now())
    make_job(ShadowJob, n=3)

    body = api.get("/_internal/jobs").json()

    assert body["status"] == "ok"
    data = body["data"]
    assert (data["total"], data["limit"], data["offset"], data["shadow_mode"]) == (1, 10, 0, False)
    [item] = data["items"]
    assert item["url"] == first.url
    assert item["canonical_id"] == first.canonical_hash
    assert item["fields"]["title"] == {
        "value": "Engineer 1",
        "source": "jsonld",
        "confidence": 0.95,
    }
    assert item["fields"]["location"] == {"value": "Berlin", "source": None, "confidence": None}
    assert item["fields"]["deadline"]["value"] == "2026-12-31"
    assert item["fields"]["requirements"]["value"] == ["Python"]
    assert (item["is_job"], item["classifier_score"]) == (True, 0.95)


def test_jobs_pages_filters_and_switches_to_the_shadow_table(api):
    source = make_source()
    for n in range(5):
        make_job(n=n, source=source if n < 3 else None)
    make_job(ShadowJob, n=9)
    make_job(n=8, status=JobStatus.ARCHIVED, archived_at=timezone.now())

    page = api.get("/_internal/jobs", limit=2, offset=1, source_id=source.id).json()["data"]
    shadow = api.get("/_internal/jobs", shadow_mode="true").json()["data"]
    everything = api.get("/_internal/jobs", include_archived="true").json()["data"]

    assert (page["total"], len(page["items"]), page["offset"]) == (3, 2, 1)
    assert (shadow["total"], shadow["shadow_mode"]) == (1, True)
    assert everything["total"] == 6


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"limit": 0}, "invalid_limit"),
        ({"limit": 101}, "invalid_limit"),
        ({"limit": "ten"}, "invalid_limit"),
        ({"offset": -1}, "invalid_offset"),
        ({"source_id": "x"}, "invalid_source_id"),
        ({"shadow_mode": "maybe"}, "invalid_shadow_mode"),
    ],
)
def test_jobs_rejects_bad_parameters_precisely(api, params, code):
    assert error_of(api.get("/_internal/jobs", **params)) == (400, code)


def test_job_detail_and_its_errors(api):
    job = make_job()
    shadow = make_job(ShadowJob, n=2)

    assert api.get(f"/_internal/jobs/{job.id}").json()["data"]["id"] == str(job.id)
    assert api.get(f"/_internal/jobs/{shadow.id}", shadow_mode="1").json()["data"]["id"] == str(
        shadow.id
    )
    assert error_of(api.get(f"/_internal/jobs/{shadow.id}")) == (404, "job_not_found")
    assert error_of(api.get("/_internal/jobs/not-a-uuid")) == (400, "invalid_job_id")


@pytest.mark.django_db(transaction=True)
def test_start_creates_a_run_and_hands_it_to_the_workers(api, monkeypatch):
    launched = []
    monkeypatch.setattr("ingestion.start.launch", launched.append)
    source = make_source(name="Acme careers")

    response = api.post("/api/ingest/start", {"sources": ["Acme careers"], "use_storage": True})

    assert response.status_code == 201
    data = response.json()["data"]
    run = IngestionRun.objects.get(id=data["id"])
    assert (data["status"], data["sources"]) == (
        "pending",
        [{"id": source.id, "name": "Acme careers"}],
    )
    assert run.options["use_storage"] is True
    assert launched == [run.id]


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ("{not json", "invalid_json"),
        ("[1, 2]", "invalid_json"),
        ({"sources": "all"}, "invalid_sources"),
        ({"sources": [], "use_storage": True}, "invalid_sources"),
        ({"use_storage": "yes", "all": True}, "invalid_use_storage"),
        ({}, "missing_sources"),
        ({"all": True, "sources": [1]}, "invalid_all"),
        ({"all": "yes"}, "invalid_all"),
        ({"sources": [1], "use_storrage": True}, "unknown_field"),
    ],
)
def test_start_rejects_bad_requests_precisely(api, body, code):
    make_source()

    assert error_of(api.post("/api/ingest/start", body)) == (400, code)
    assert not IngestionRun.objects.exists()


@pytest.mark.parametrize(
    "wanted", [[999999], ["Nobody"], [1, "Nobody"], ["Nul\x00name"], ["lone \ud9f1 surrogate"]]
)
def test_start_answers_404_for_sources_that_do_not_exist(api, wanted):
    make_source()

    assert error_of(api.post("/api/ingest/start", {"sources": wanted})) == (
        404,
        "unknown_source",
    )
    assert not IngestionRun.objects.exists()


def test_start_takes_a_whole_number_written_as_a_float_as_an_id_and_true_as_no_id(api):
    source = make_source()

    assert api.post("/api/ingest/start", {"sources": [float(source.id)]}).status_code == 201
    assert error_of(api.post("/api/ingest/start", {"sources": [True]})) == (400, "invalid_sources")


@pytest.mark.parametrize(
    ("path", "query"),
    [
        ("/_internal/jobs", {"limt": "5"}),
        ("/api/ingest/history", {"offset": "5"}),
        ("/pipeline/jobs/recent", {"state": "failed"}),
        ("/api/ingest/runs/1/progress", {"verbose": "1"}),
    ],
)
def test_an_unknown_query_parameter_is_a_400_not_silently_ignored(api, path, query):
    assert error_of(api.get(path, **query)) == (400, "unknown_parameter")


def test_progress_reports_counters_elapsed_and_eta(api, clock):
    run = make_run(total_jobs_found=100, jobs_processed=25, jobs_added=20, jobs_failed=5)
    clock.shift(10)

    data = api.get(f"/api/ingest/runs/{run.id}/progress").json()["data"]

    assert (data["status"], data["percent"]) == ("ingesting", 25.0)
    assert data["counters"]["jobs_added"] == 20
    assert data["elapsed_seconds"] == 10.0
    assert data["eta_seconds"] == 30.0  # 75 left at 2.5 per second
    assert error_of(api.get("/api/ingest/runs/424242/progress")) == (404, "run_not_found")


def test_history_lists_the_newest_runs_first(api):
    runs = [make_run(status=RunStatus.COMPLETED) for _ in range(3)]

    data = api.get("/api/ingest/history", limit=2).json()["data"]

    assert [r["id"] for r in data["runs"]] == [runs[2].id, runs[1].id]
    assert error_of(api.get("/api/ingest/history", limit=1000)) == (400, "invalid_limit")


def test_reset_only_from_a_running_state(api):
    stuck, done = make_run(), make_run(status=RunStatus.COMPLETED)

    reset = api.post(f"/api/ingest/runs/{stuck.id}/reset", {"reason": "stuck"})

    assert reset.status_code == 200
    assert reset.json()["data"]["status"] == "cancelled"
    assert error_of(api.post(f"/api/ingest/runs/{done.id}/reset")) == (409, "run_not_resettable")
    assert error_of(api.post("/api/ingest/runs/424242/reset")) == (404, "run_not_found")


@pytest.mark.django_db(transaction=True)
def test_enqueue_records_the_task_queued_with_its_realm_and_status_reads_it(api, pump):
    response = api.post("/pipeline/enqueue", {"task": "maintenance.prune_ledger"}, x_realm="ops")

    assert response.status_code == 202
    data = response.json()["data"]
    assert (data["queue"], data["realm"], data["status"]) == ("default", "ops", "queued")
    status = api.get(f"/pipeline/status/{data['job_id']}").json()["data"]
    assert (status["task_name"], status["status"]) == ("maintenance.prune_ledger", "queued")
    pump.drain()
    assert api.get(f"/pipeline/status/{data['job_id']}").json()["data"]["status"] == "finished"


@pytest.mark.parametrize(
    ("body", "headers", "code"),
    [
        ({"task": "os.system"}, {}, "unknown_task"),
        ({}, {}, "unknown_task"),
        ({"task": "ingestion.start_run", "payload": {"args": "x"}}, {}, "invalid_payload"),
        ({"task": "ingestion.start_run", "payload": {"args": ["x"]}}, {}, "invalid_payload"),
        ({"task": "maintenance.prune_ledger", "payload": {"args": [1]}}, {}, "invalid_payload"),
        ({"task": "ingestion.start_run", "payload": {"args": [True]}}, {}, "invalid_payload"),
        ({"task": "maintenance.prune_ledger", "payload": None}, {}, "invalid_payload"),
        ({"task": "maintenance.prune_ledger", "payload": {"arg": []}}, {}, "invalid_payload"),
        ({"task": "maintenance.prune_ledger"}, {"x_realm": "Bad Realm!"}, "invalid_realm"),
        ("{", {}, "invalid_json"),
    ],
)
def test_enqueue_rejects_bad_requests_precisely(api, body, headers, code):
    assert error_of(api.post("/pipeline/enqueue", body, **headers)) == (400, code)
    assert not PipelineJob.objects.exists()


def test_reset_takes_only_a_string_reason(api):
    stuck = make_run(status=RunStatus.INGESTING)

    response = api.post(f"/api/ingest/runs/{stuck.id}/reset", {"reason": 42})

    assert error_of(response) == (400, "invalid_reason")
    stuck.refresh_from_db()
    assert stuck.status == RunStatus.INGESTING


def test_enqueue_of_an_unknown_run_is_404(api):
    body = {"task": "ingestion.start_run", "payload": {"args": [424242]}}

    assert error_of(api.post("/pipeline/enqueue", body)) == (404, "run_not_found")


def test_status_errors(api):
    assert error_of(api.get("/pipeline/status/nope")) == (400, "invalid_job_id")
    assert error_of(api.get(f"/pipeline/status/{uuid.uuid4()}")) == (404, "job_not_found")


def test_recent_filters_by_realm_queue_and_status(api):
    PipelineJob.objects.create(task_id="a", task_name="t", realm="ops", queue="default")
    PipelineJob.objects.create(task_id="b", task_name="t", realm="ops", queue="crawl")
    PipelineJob.objects.create(
        task_id="c", task_name="t", realm="ingestion", queue="crawl", status="failed"
    )

    data = api.get("/pipeline/jobs/recent", realm="ops", queue="crawl").json()["data"]
    failed = api.get("/pipeline/jobs/recent", status="failed").json()["data"]

    assert ([j["task_id"] for j in data["jobs"]], data["count"]) == (["b"], 1)
    assert data["filters"] == {"realm": "ops", "queue": "crawl", "status": None}
    assert [j["task_id"] for j in failed["jobs"]] == ["c"]
    assert error_of(api.get("/pipeline/jobs/recent", status="lost")) == (400, "invalid_status")


def test_unknown_paths_under_the_api_prefixes_are_json_404s(api):
    assert error_of(api.get("/_internal/nothing/here")) == (404, "no_such_endpoint")
    assert error_of(api.get("/api/ingest/runs/x/progress")) == (404, "no_such_endpoint")


def test_start_is_rate_limited(api, settings, monkeypatch):
    settings.JOBPIPE_INGEST_STARTS_PER_MINUTE = 2
    monkeypatch.setattr("ingestion.start.launch", lambda run_id: None)
    make_source(name="Acme")

    codes = [api.post("/api/ingest/start", {"sources": ["Acme"]}).status_code for _ in range(3)]

    assert codes == [201, 201, 429]
    assert IngestionRun.objects.count() == 2


def test_an_extracted_job_comes_back_with_every_field_and_its_provenance(api):
    from extraction.extract import extract_job
    from extraction.upsert import job_row, upsert_job
    from jobpipe.api.queries import job_item
    from tests.extraction.support import FETCHED_AT, PAGE_URL, fixture

    extraction = extract_job(fixture("jsonld_telecommute_en.html"), PAGE_URL, fetched_at=FETCHED_AT)
    source = make_source()
    row = job_row(
        extraction.job,
        source_id=source.id,
        page_url=PAGE_URL,
        org_fallback="x",
        fetched_at=FETCHED_AT,
    )
    _, job_id = upsert_job("jobs", row)

    fields = job_item(Job.objects.get(id=job_id))["fields"]

    assert fields["remote"] == {"value": True, "source": "jsonld", "confidence": 0.95}
    assert fields["locations"]["value"] == ["Remote (United States, Canada)"]
    assert fields["salary"]["value"] == {
        "min": 130000.0, "max": 160000.0, "currency": "USD", "unit": "YEAR"
    }  # fmt: skip
    assert fields["description_html"]["value"].startswith("<p>Write, speak and ship demos")
    assert fields["description_html"]["source"] == "jsonld"
