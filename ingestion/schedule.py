"""Scheduled ingestion: start a run for the sources whose cadence has come round."""

from __future__ import annotations

import datetime

from django.db.models import Max
from django.utils import timezone

from ingestion.models import IngestionRun, RunSource, Source
from ingestion.start import Door, start


def due_sources(now: datetime.datetime | None = None) -> list[Source]:
    """Enabled sources with a cadence, not in an active run, last run longer ago than it."""
    now = now or timezone.now()
    busy = RunSource.objects.filter(run__in=IngestionRun.objects.active()).values("source_id")
    candidates = (
        Source.objects.filter(enabled=True, cadence_minutes__isnull=False)
        .exclude(id__in=busy)
        .annotate(last_run=Max("run_sources__run__created_at"))
    )
    return [
        s
        for s in candidates
        if s.last_run is None
        or s.last_run <= now - datetime.timedelta(minutes=s.cadence_minutes or 0)
    ]


def start_due_runs(now: datetime.datetime | None = None) -> IngestionRun | None:
    """Start one run covering every due source (None when nothing is due)."""
    sources = due_sources(now)
    if not sources:
        return None
    return start(sources, door=Door.SCHEDULE).run
