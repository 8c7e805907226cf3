"""The /metrics exposition: the worker-side counters (jobpipe.metrics) and gauges read from
PostgreSQL and Redis at scrape time."""

from __future__ import annotations

import os

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest, multiprocess
from prometheus_client.core import GaugeMetricFamily

from ingestion.choices import ACTIVE_RUN_STATUSES
from ingestion.models import IngestionRun
from jobpipe import metrics
from tracking.models import Incident, PipelineJob, PipelineJobStatus


class StateCollector:
    """Gauges read at scrape time from the database and the broker."""

    def collect(self):
        runs = GaugeMetricFamily("jobpipe_active_runs", "Runs not yet finished.", labels=["status"])
        for status in ACTIVE_RUN_STATUSES:
            runs.add_metric([status], IngestionRun.objects.filter(status=status).count())
        yield runs
        backlog = GaugeMetricFamily(
            "jobpipe_pipeline_jobs", "Ledger rows not finished.", labels=["queue", "status"]
        )
        rows = (
            PipelineJob.objects.filter(
                status__in=[PipelineJobStatus.QUEUED, PipelineJobStatus.RUNNING]
            )
            .values_list("queue", "status")
            .order_by()
        )
        counts: dict[tuple[str, str], int] = {}
        for key in rows.iterator():
            counts[key] = counts.get(key, 0) + 1
        for (queue, status), n in sorted(counts.items()):
            backlog.add_metric([queue, status], n)
        yield backlog
        incidents = GaugeMetricFamily(
            "jobpipe_open_incidents", "Open incidents.", labels=["severity"]
        )
        for severity in ("warning", "critical"):
            incidents.add_metric(
                [severity], Incident.objects.open().filter(severity=severity).count()
            )
        yield incidents
        depth = metrics.queue_depths()
        if depth is not None:
            gauge = GaugeMetricFamily(
                "jobpipe_queue_depth", "Messages waiting in the broker.", labels=["queue"]
            )
            for queue, n in depth.items():
                gauge.add_metric([queue], n)
            yield gauge


def exposition() -> tuple[bytes, str]:
    """The /metrics body and content type."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = CollectorRegistry()
        for collector in (
            metrics.URL_OUTCOMES,
            metrics.URLS_UNCHANGED,
            metrics.TASK_DURATION,
            metrics.RUN_DURATION,
        ):
            registry.register(collector)
    registry.register(StateCollector())
    return generate_latest(registry), CONTENT_TYPE_LATEST
