"""/metrics: outcome counters from a real run, scrape-time gauges, the multi-process mode,
and the JSON fallback file."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from prometheus_client import CollectorRegistry, multiprocess
from prometheus_client.parser import text_string_to_metric_families

from ingestion import runs
from ingestion.models import SourceKind
from ingestion.tasks import start_run
from jobpipe import metrics
from tests.factories import make_run, make_source


def scrape(client) -> dict:
    response = client.get("/metrics")
    assert response.status_code == 200
    samples = {}
    for family in text_string_to_metric_families(response.content.decode()):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


def outcome_count(samples: dict, source_id: int, outcome: str) -> float:
    key = (
        "jobpipe_url_outcomes_total",
        (("outcome", outcome), ("source_id", str(source_id)), ("table", "jobs")),
    )
    return samples.get(key, 0.0)


@pytest.mark.django_db(transaction=True)
def test_it_counts_the_outcomes_of_a_run_per_source_and_table(client, make_site, pump):
    site = make_site(jobs=4, missing=1, not_jobs=1)
    source = make_source(kind=SourceKind.CAREERS_PAGE, url=site.url("/jobs/index.html"))
    run = runs.create_run([source], use_storage=True, shadow_mode=False)
    start_run.enqueue(run.id, run_id=run.id)
    pump.drain()
    run.refresh_from_db()

    samples = scrape(client)

    assert outcome_count(samples, source.id, "added") == run.jobs_added == 4
    assert outcome_count(samples, source.id, "failed") == run.jobs_failed == 1
    assert outcome_count(samples, source.id, "not_a_job") == 1
    assert samples[("jobpipe_run_duration_seconds_count", ())] >= 1
    insert_tasks = samples[
        (
            "jobpipe_task_duration_seconds_count",
            (("status", "finished"), ("task", "ingestion.crawl_batch")),
        )
    ]
    assert insert_tasks >= 1


@pytest.mark.django_db
def test_gauges_are_read_from_the_database_at_scrape_time(client):
    make_run()
    make_run(status="archiving")

    samples = scrape(client)

    assert samples[("jobpipe_active_runs", (("status", "ingesting"),))] == 1
    assert samples[("jobpipe_active_runs", (("status", "archiving"),))] == 1
    assert ("jobpipe_queue_depth", (("queue", "crawl"),)) in samples


RECORD = """
import django, os
django.setup()
from jobpipe import metrics
for _ in range({n}):
    metrics.record_outcome(1, "jobs_side", 7, "added")
"""


def test_counters_from_several_worker_processes_add_up(tmp_path):
    """Two processes with PROMETHEUS_MULTIPROC_DIR, as Celery prefork children are."""
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path)}
    for n in (3, 4):
        subprocess.run(
            [sys.executable, "-c", RECORD.format(n=n)],
            env=env,
            check=True,
            cwd=Path(__file__).resolve().parents[2],
        )

    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry, path=str(tmp_path))
    value = registry.get_sample_value(
        "jobpipe_url_outcomes_total", {"source_id": "7", "table": "jobs_side", "outcome": "added"}
    )
    assert value == 7


def test_the_json_fallback_file_keeps_the_newest_operations(tmp_path):
    path = tmp_path / "metrics.json"
    for i in range(12):
        metrics.append_operation(path, {"n": i}, keep=10)

    kept = json.loads(path.read_text())["operations"]

    assert [op["n"] for op in kept] == list(range(2, 12))


def test_a_corrupt_fallback_file_is_replaced(tmp_path):
    path = tmp_path / "metrics.json"
    path.write_text("{not json")

    metrics.append_operation(path, {"n": 1})

    assert json.loads(path.read_text()) == {"operations": [{"n": 1}]}


def test_the_shipped_alert_rule_uses_metrics_that_jobpipe_exports():
    import re

    import yaml

    path = Path(__file__).resolve().parents[2] / "deploy" / "prometheus" / "alerts.yml"
    rules = yaml.safe_load(path.read_text())["groups"][0]["rules"]
    insert_rule = next(r for r in rules if r["alert"] == "JobPipeInsertFailureRateHigh")

    exported = {
        "jobpipe_task_duration_seconds_count",
        "jobpipe_queue_depth",
        "jobpipe_pipeline_jobs",
        "jobpipe_url_outcomes_total",
    }
    for rule in rules:
        used = set(re.findall(r"\bjobpipe_[a-z_]+", rule["expr"]))
        assert used <= exported, rule["alert"]
    assert "> 0.05" in insert_rule["expr"]
    assert ">= 10" in insert_rule["expr"]
    assert "[60m]" in insert_rule["expr"]


@pytest.mark.django_db
def test_metrics_need_the_token_when_one_is_set(client, settings):
    settings.JOBPIPE_METRICS_TOKEN = "scrape-token"

    refused = client.get("/metrics")
    wrong = client.get("/metrics", HTTP_AUTHORIZATION="Bearer nope")
    allowed = client.get("/metrics", HTTP_AUTHORIZATION="Bearer scrape-token")

    assert (refused.status_code, refused["WWW-Authenticate"]) == (401, 'Bearer realm="metrics"')
    assert wrong.status_code == 401
    assert allowed.status_code == 200
