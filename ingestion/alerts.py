"""Failure-rate checks: plain functions over PostgreSQL that Beat and `check_failure_rate` run.

- Insert failures: failed job-writing tasks over all finished ones in the last
  JOBPIPE_INSERT_FAILURE_WINDOW_MINUTES (ledger rows), with at least
  JOBPIPE_INSERT_FAILURE_MIN_OPS operations, above JOBPIPE_INSERT_FAILURE_RATE.
- Pipeline failures: URLs settled `failed` over all URLs settled in the last 24 hours, above
  JOBPIPE_PIPELINE_WARNING_RATE (warning) or JOBPIPE_PIPELINE_CRITICAL_RATE (critical).
- Infrastructure: tasks that failed because PostgreSQL or Redis stayed unreachable, or were
  lost with their worker or message (and re-driven), in the insert window. These are not
  insert failures (every job they carried is written when they are re-driven): they get
  their own incident.

Each check yields a Finding; `tracking.incidents.apply` keeps one open incident per kind and
resolves it when the rate recovers.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Q
from django.utils import timezone

from ingestion.models import RunUrl, UrlOutcome
from tracking.incidents import Finding, apply
from tracking.models import FailureKind, Incident, PipelineJob, PipelineJobStatus

# The tasks that write jobs: a crawl batch inserts its URLs' jobs in one transaction (fetch
# errors settle per URL and never fail the task, so a failed batch is a failed write).
INSERT_TASKS = ("ingestion.crawl_batch",)


def insert_failure_finding(now: datetime.datetime | None = None) -> Finding:
    now = now or timezone.now()
    window = settings.JOBPIPE_INSERT_FAILURE_WINDOW_MINUTES
    counts = PipelineJob.objects.filter(
        task_name__in=INSERT_TASKS,
        finished_at__gte=now - datetime.timedelta(minutes=window),
        status__in=[PipelineJobStatus.FINISHED, PipelineJobStatus.FAILED],
    ).aggregate(
        total=Count("id"),
        failed=Count(
            "id",
            filter=Q(status=PipelineJobStatus.FAILED, failure_kind=FailureKind.TASK),
        ),
    )
    total, failed = counts["total"], counts["failed"]
    rate = failed / total if total else 0.0
    threshold = settings.JOBPIPE_INSERT_FAILURE_RATE
    metrics = {
        "window_minutes": window,
        "operations": total,
        "failed": failed,
        "failure_rate": round(rate, 4),
        "threshold": threshold,
        "min_operations": settings.JOBPIPE_INSERT_FAILURE_MIN_OPS,
    }
    if total < settings.JOBPIPE_INSERT_FAILURE_MIN_OPS or rate <= threshold:
        return Finding("insert_failure_rate", None, metrics=metrics)
    return Finding(
        "insert_failure_rate",
        "critical",
        summary=(
            f"{failed} of {total} insert operations failed in the last {window} minutes "
            f"({rate:.1%}, threshold {threshold:.0%})."
        ),
        metrics=metrics,
        actions=[
            "Read the errors of the failed crawl_batch rows: "
            "/admin/tracking/pipelinejob/?status=failed",
            "Check PostgreSQL health (connections, disk, locks) and recent migrations.",
            "Once fixed, the stale-run sweeper re-drives the URLs left unsettled.",
        ],
    )


def pipeline_failure_finding(now: datetime.datetime | None = None) -> Finding:
    now = now or timezone.now()
    counts = RunUrl.objects.filter(settled_at__gte=now - datetime.timedelta(days=1)).aggregate(
        total=Count("id"), failed=Count("id", filter=Q(outcome=UrlOutcome.FAILED))
    )
    total, failed = counts["total"], counts["failed"]
    rate = failed / total if total else 0.0
    warning, critical = (
        settings.JOBPIPE_PIPELINE_WARNING_RATE,
        settings.JOBPIPE_PIPELINE_CRITICAL_RATE,
    )
    metrics = {
        "window_hours": 24,
        "urls_settled": total,
        "failed": failed,
        "failure_rate": round(rate, 4),
        "warning_above": warning,
        "critical_above": critical,
    }
    if rate > critical:
        severity = "critical"
    elif rate > warning:
        severity = "warning"
    else:
        return Finding("pipeline_failure_rate", None, metrics=metrics)
    return Finding(
        "pipeline_failure_rate",
        severity,
        summary=f"{failed} of {total} URLs settled in the last 24 hours failed ({rate:.1%}).",
        metrics=metrics,
        actions=[
            "Group the failures by error class: /admin/ingestion/runurl/?outcome=failed",
            "Many http_4xx/robots/blocked errors point at one source: disable it and fix its URL.",
            "Many timeouts or http_5xx point at the network or an employer's site being down.",
        ],
    )


INFRASTRUCTURE_KINDS = (FailureKind.INFRASTRUCTURE, FailureKind.LOST)


def infrastructure_finding(now: datetime.datetime | None = None) -> Finding:
    now = now or timezone.now()
    window = settings.JOBPIPE_INSERT_FAILURE_WINDOW_MINUTES
    rows = PipelineJob.objects.filter(
        status=PipelineJobStatus.FAILED,
        failure_kind__in=INFRASTRUCTURE_KINDS,
        finished_at__gte=now - datetime.timedelta(minutes=window),
    )
    counts = dict(
        rows.values_list("failure_kind").annotate(n=Count("id")).values_list("failure_kind", "n")
    )
    unreachable = counts.get(FailureKind.INFRASTRUCTURE, 0)
    lost = counts.get(FailureKind.LOST, 0)
    metrics = {"window_minutes": window, "unreachable": unreachable, "lost": lost}
    if not unreachable and not lost:
        return Finding("infrastructure", None, metrics=metrics)
    return Finding(
        "infrastructure",
        "critical" if unreachable else "warning",
        summary=(
            f"In the last {window} minutes {unreachable} tasks gave up on an unreachable "
            f"database or broker and {lost} were lost with their worker or message "
            "(their work was re-driven)."
        ),
        metrics=metrics,
        actions=[
            "Check PostgreSQL and Redis: /health, and the errors of "
            "/admin/tracking/pipelinejob/?status=failed",
            "Lost tasks: check that no worker is being killed (memory limits, deploys): "
            "celery -A jobpipe inspect ping",
        ],
    )


def check_failure_rates(now: datetime.datetime | None = None) -> list[CheckResult]:
    """Run the checks and apply their findings (open, refresh or resolve incidents)."""
    results = []
    findings = (
        insert_failure_finding(now),
        pipeline_failure_finding(now),
        infrastructure_finding(now),
    )
    for finding in findings:
        incident, opened = apply(finding)
        results.append(CheckResult(finding, incident, opened))
    return results


@dataclass(frozen=True)
class CheckResult:
    finding: Finding
    incident: Incident | None  # the open incident, or the one just resolved, or None
    opened: bool

    def as_dict(self) -> dict:
        return {
            "kind": self.finding.kind,
            "severity": self.finding.severity or "ok",
            "opened": self.opened,
            "incident_id": self.incident.id if self.incident else None,
            **self.finding.metrics,
        }
