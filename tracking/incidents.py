"""Open, refresh and resolve incidents: one open incident per condition, never duplicates."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from tracking.models import Incident


@dataclass(frozen=True)
class Finding:
    """What a check saw: a condition that should (or should no longer) be an incident."""

    kind: str
    severity: str | None  # None: the condition is fine (resolve an open incident)
    summary: str = ""
    metrics: dict = field(default_factory=dict)
    actions: list[str] = field(default_factory=list)


def apply(finding: Finding, run_id: int | None = None) -> tuple[Incident | None, bool]:
    """Open, refresh or resolve the incident for `finding.kind`. Returns (incident, opened),
    where `opened` is True only when this call opened a new incident."""
    if finding.severity is None:
        return resolve(finding.kind, finding.metrics), False
    now = timezone.now()
    fields = {
        "severity": finding.severity,
        "summary": finding.summary,
        "metrics": finding.metrics,
        "actions": finding.actions,
        "updated_at": now,
    }
    if Incident.objects.open().filter(kind=finding.kind).update(**fields):
        return Incident.objects.open().get(kind=finding.kind), False
    try:
        with transaction.atomic():
            incident = Incident.objects.create(
                kind=finding.kind, opened_at=now, run_id=run_id, **fields
            )
    except IntegrityError:  # a concurrent check opened it first: refresh that one
        Incident.objects.open().filter(kind=finding.kind).update(**fields)
        return Incident.objects.open().get(kind=finding.kind), False
    path = write_report(incident)
    if path:
        Incident.objects.filter(id=incident.id).update(report_path=str(path))
        incident.report_path = str(path)
    return incident, True


def resolve(kind: str, metrics: dict | None = None) -> Incident | None:
    incident = Incident.objects.open().filter(kind=kind).first()
    if incident is None:
        return None
    updates: dict[str, object] = {"resolved_at": timezone.now()}
    if metrics:
        updates["metrics"] = {**incident.metrics, "at_resolution": metrics}
    Incident.objects.filter(id=incident.id, resolved_at__isnull=True).update(**updates)
    incident.refresh_from_db()
    return incident


def write_report(incident: Incident) -> Path | None:
    """incidents/<kind>_YYYYMMDD_HHMMSS.md when JOBPIPE_INCIDENTS_DIR is set."""
    if not settings.JOBPIPE_INCIDENTS_DIR:
        return None
    folder = Path(settings.JOBPIPE_INCIDENTS_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{incident.kind}_{incident.opened_at:%Y%m%d_%H%M%S}.md"
    actions = "\n".join(f"{i}. {a}" for i, a in enumerate(incident.actions, 1)) or "None."
    path.write_text(
        f"# Incident: {incident.kind} ({incident.severity})\n\n"
        f"Opened: {incident.opened_at.isoformat()}\n\n"
        f"## Summary\n\n{incident.summary}\n\n"
        f"## Metrics\n\n```json\n{json.dumps(incident.metrics, indent=2, default=str)}\n```\n\n"
        f"## Recommended actions\n\n{actions}\n",
        encoding="utf-8",
    )
    return path
