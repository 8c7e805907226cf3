"""Failure-rate checks and incidents: thresholds, windows, one open incident, auto-resolve."""

from __future__ import annotations

import datetime
import uuid

import pytest
from django.core.management import call_command
from django.utils import timezone

from ingestion import alerts
from ingestion.models import RunUrl, UrlOutcome
from tests.factories import make_run, make_run_url
from tracking.models import Incident, PipelineJob, PipelineJobStatus

pytestmark = pytest.mark.django_db


def insert_ops(ok: int, failed: int, *, at=None) -> None:
    at = at or timezone.now()
    rows = [
        PipelineJob(
            task_id=str(uuid.uuid4()),
            task_name=alerts.INSERT_TASKS[0],
            status=PipelineJobStatus.FAILED if i < failed else PipelineJobStatus.FINISHED,
            finished_at=at,
        )
        for i in range(ok + failed)
    ]
    PipelineJob.objects.bulk_create(rows)


def settled_urls(ok: int, failed: int) -> None:
    run = make_run()
    for i in range(ok + failed):
        url = make_run_url(run)
        RunUrl.objects.filter(id=url.id).update(
            outcome=UrlOutcome.FAILED if i < failed else UrlOutcome.ADDED,
            settled_at=timezone.now(),
        )


def test_it_needs_a_minimum_number_of_insert_operations(clock):
    insert_ops(ok=4, failed=5)  # 55% of 9 operations: too few to judge

    assert alerts.insert_failure_finding().severity is None


def test_it_opens_one_incident_above_the_insert_failure_threshold_and_resolves_it(clock):
    insert_ops(ok=18, failed=2)  # 10% > 5%

    first = alerts.check_failure_rates()
    second = alerts.check_failure_rates()

    assert [r.opened for r in first if r.finding.kind == "insert_failure_rate"] == [True]
    assert [r.opened for r in second if r.finding.kind == "insert_failure_rate"] == [False]
    incident = Incident.objects.open().get(kind="insert_failure_rate")
    assert incident.metrics["operations"] == 20
    assert incident.metrics["failure_rate"] == 0.1
    assert "2 of 20 insert operations failed" in incident.summary

    insert_ops(ok=30, failed=0)  # 2 of 50 = 4%
    alerts.check_failure_rates()

    incident.refresh_from_db()
    assert incident.resolved_at is not None
    assert incident.metrics["at_resolution"]["failure_rate"] == 0.04
    assert not Incident.objects.open().exists()


def test_it_only_counts_insert_operations_inside_the_window(clock):
    insert_ops(ok=0, failed=20, at=timezone.now() - datetime.timedelta(minutes=61))
    insert_ops(ok=20, failed=0)

    finding = alerts.insert_failure_finding()

    assert (finding.severity, finding.metrics["operations"]) == (None, 20)


def test_it_grades_the_daily_pipeline_failure_rate(clock):
    settled_urls(ok=85, failed=15)
    assert alerts.pipeline_failure_finding().severity == "warning"

    alerts.check_failure_rates()
    settled_urls(ok=0, failed=20)  # 35 of 120
    alerts.check_failure_rates()

    incident = Incident.objects.open().get(kind="pipeline_failure_rate")
    assert incident.severity == "critical"
    assert Incident.objects.filter(kind="pipeline_failure_rate").count() == 1

    clock.shift(datetime.timedelta(days=1, seconds=1))  # the failures leave the window
    alerts.check_failure_rates()
    assert not Incident.objects.open().exists()


def test_it_writes_a_markdown_report_for_a_new_incident(clock, settings, tmp_path):
    settings.JOBPIPE_INCIDENTS_DIR = str(tmp_path / "incidents")
    insert_ops(ok=10, failed=10)

    alerts.check_failure_rates()

    incident = Incident.objects.open().get()
    path = tmp_path / "incidents" / "insert_failure_rate_20261120_090000.md"
    assert incident.report_path == str(path)
    text = path.read_text()
    assert "# Incident: insert_failure_rate (critical)" in text
    assert '"failure_rate": 0.5' in text


def test_the_command_exits_1_when_it_opens_an_incident_and_0_otherwise(clock, capsys):
    call_command("check_failure_rate")  # nothing to judge: returns normally (exit 0)
    insert_ops(ok=10, failed=10)

    with pytest.raises(SystemExit) as opened:
        call_command("check_failure_rate")
    call_command("check_failure_rate")  # still failing, but nothing new opened

    assert opened.value.code == 1
    out = capsys.readouterr().out
    assert "insert_failure_rate: 50.0% (critical, opened incident" in out
    assert "still open" in out


def test_infrastructure_failures_are_not_insert_failures_and_get_their_own_incident(clock):
    insert_ops(ok=10, failed=10)
    PipelineJob.objects.filter(status=PipelineJobStatus.FAILED).update(
        failure_kind="infrastructure"
    )
    lost = PipelineJob.objects.filter(status=PipelineJobStatus.FAILED)[:3]
    PipelineJob.objects.filter(id__in=[row.id for row in lost]).update(failure_kind="lost")

    insert = alerts.insert_failure_finding()
    infra = alerts.infrastructure_finding()

    assert (insert.severity, insert.metrics["failed"]) == (None, 0)
    assert infra.severity == "critical"
    assert (infra.metrics["unreachable"], infra.metrics["lost"]) == (7, 3)
    assert "7 tasks gave up on an unreachable database or broker and 3 were lost" in (infra.summary)


def test_lost_tasks_alone_are_a_warning_that_resolves_when_the_window_passes(clock):
    insert_ops(ok=0, failed=2)
    PipelineJob.objects.update(failure_kind="lost")
    alerts.check_failure_rates()
    assert Incident.objects.open().get(kind="infrastructure").severity == "warning"

    clock.shift(61 * 60)
    alerts.check_failure_rates()
    assert not Incident.objects.open().filter(kind="infrastructure").exists()
