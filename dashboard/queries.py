"""What the dashboard shows, as plain functions over the models (tested without a browser)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone

from extraction.models import Job, JobBase, JobStatus, ShadowJob, job_model, job_table
from ingestion.models import IngestionRun, RunUrl, Source, UrlOutcome


@dataclass(frozen=True)
class Day:
    date: datetime.date
    added: int
    settled: int
    failed: int

    @property
    def failure_rate(self) -> float:
        return self.failed / self.settled if self.settled else 0.0


def daily_stats(days: int = 30, now: datetime.datetime | None = None) -> list[Day]:
    """Jobs added and the URL failure rate per day, oldest first, one entry per day."""
    now = now or timezone.now()
    first = (now - datetime.timedelta(days=days - 1)).date()
    rows = (
        RunUrl.objects.filter(settled_at__date__gte=first)
        .annotate(day=TruncDate("settled_at"))
        .values("day")
        .annotate(
            settled=Count("id"),
            added=Count("id", filter=Q(outcome=UrlOutcome.ADDED)),
            failed=Count("id", filter=Q(outcome=UrlOutcome.FAILED)),
        )
    )
    by_day = {row["day"]: row for row in rows}
    result = []
    for offset in range(days):
        day = first + datetime.timedelta(days=offset)
        row = by_day.get(day, {})
        result.append(Day(day, row.get("added", 0), row.get("settled", 0), row.get("failed", 0)))
    return result


def chart(days: list[Day], width: int = 600, height: int = 120) -> dict:
    """Bar heights for jobs added and a polyline for the failure rate, in SVG coordinates."""
    top = max((d.added for d in days), default=0) or 1
    step = width / max(len(days), 1)
    bars = [
        {
            "x": round(i * step + 1, 1),
            "width": round(step - 2, 1),
            "height": round(d.added / top * (height - 10), 1),
            "y": round(height - d.added / top * (height - 10), 1),
            "label": f"{d.date:%b %d}: {d.added} added, {d.failure_rate:.0%} failed",
        }
        for i, d in enumerate(days)
    ]
    points = " ".join(
        f"{round(i * step + step / 2, 1)},{round(height - d.failure_rate * (height - 10), 1)}"
        for i, d in enumerate(days)
    )
    # Date labels under today's bar and every seventh before it: an x axis a reader can place.
    ticks = [
        {
            # Today's label ends at its bar: centred, the chart's right edge would cut it.
            "x": round((i + 1) * step if i == len(days) - 1 else i * step + step / 2, 1),
            "anchor": "end" if i == len(days) - 1 else "middle",
            "label": f"{d.date:%b %d}",
        }
        for i, d in enumerate(days)
        if (len(days) - 1 - i) % 7 == 0
    ]
    return {
        "bars": bars,
        "points": points,
        "width": width,
        "height": height,
        "top": top,
        "ticks": ticks,
        "axis_height": height + 16,
    }


def runs_page_queryset(status: str | None, source_id: int | None) -> QuerySet[IngestionRun]:
    runs = IngestionRun.objects.order_by("-created_at")
    if status:
        runs = runs.filter(status=status)
    if source_id:
        runs = runs.filter(run_sources__source_id=source_id).distinct()
    return runs


def search_jobs(
    *, q: str = "", source_id: int | None = None, status: str = "", table: str = "production"
) -> QuerySet[JobBase]:
    jobs = job_model(job_table(shadow=table == "shadow")).objects.order_by("-updated_at", "id")
    if q:
        jobs = jobs.filter(
            Q(title__icontains=q) | Q(org_name__icontains=q) | Q(location_raw__icontains=q)
        )
    if source_id:
        jobs = jobs.filter(source_id=source_id)
    if status:
        jobs = jobs.filter(status=status)
    return jobs


@dataclass(frozen=True)
class Comparison:
    counts: dict[str, dict[str, int]]  # table -> status -> count
    only_production: list[Job]
    only_shadow: list[ShadowJob]
    different: list[tuple[Job, ShadowJob]]
    limit: int = 50  # each list stops here: a full list says "50 shown, maybe more"


def compare_tables(limit: int = 50) -> Comparison:
    """Counts per table and status, jobs in one table only, and jobs whose fields differ."""
    counts = {}
    for name, model in (("production", Job), ("shadow", ShadowJob)):
        per_status = dict(model.objects.values_list("status").annotate(n=Count("id")))
        counts[name] = {status: per_status.get(status, 0) for status in JobStatus.values}
    prod_hashes = Job.objects.values("canonical_hash")
    in_shadow = ShadowJob.objects.filter(canonical_hash=OuterRef("canonical_hash"))
    in_production = Job.objects.filter(canonical_hash=OuterRef("canonical_hash"))
    # NOT EXISTS (an anti-join that stops at `limit`), not NOT IN over the other table.
    only_production = list(Job.objects.filter(~Exists(in_shadow)).order_by("id")[:limit])
    only_shadow = list(ShadowJob.objects.filter(~Exists(in_production)).order_by("id")[:limit])
    shadow_by_hash = {
        s.canonical_hash: s
        for s in ShadowJob.objects.filter(canonical_hash__in=prod_hashes).only(
            "canonical_hash", "content_hash", "title", "org_name", "location_raw", "status"
        )
    }
    different = []
    for job in Job.objects.filter(canonical_hash__in=list(shadow_by_hash)).only(
        "canonical_hash", "content_hash", "title", "org_name", "location_raw", "status"
    ):
        twin = shadow_by_hash[job.canonical_hash]
        if (job.content_hash, job.status) != (twin.content_hash, twin.status):
            different.append((job, twin))
            if len(different) >= limit:
                break
    return Comparison(counts, only_production, only_shadow, different, limit)


def run_sources(run: IngestionRun) -> list[dict]:
    """Each source's discovery so far, for the live page's Sources list."""
    return [
        {
            "id": rs.id,
            "name": rs.source.name,
            "status": rs.status,
            "urls_found": rs.urls_found,
            "archived": rs.archived,
            "note": rs.note,
        }
        for rs in run.run_sources.select_related("source").order_by("id")
    ]


# The outcomes the run's one jobs_skipped counter adds up (ingestion/choices.py
# OUTCOME_COUNTERS); the run's URL rows tell them apart.
SKIPPED_OUTCOMES = (UrlOutcome.UNCHANGED, UrlOutcome.SKIPPED, UrlOutcome.NOT_A_JOB)


def skipped_breakdown(run: IngestionRun) -> dict[str, int] | None:
    """jobs_skipped split into unchanged, skipped and not_a_job from the run's URL outcomes;
    None when the rows do not add up to the counter (a run still settling, or pruned rows)."""
    urls = run.urls.filter(outcome__in=SKIPPED_OUTCOMES)
    counts = dict(urls.order_by().values_list("outcome").annotate(n=Count("id")))
    breakdown = {str(outcome): counts.get(outcome, 0) for outcome in SKIPPED_OUTCOMES}
    return breakdown if sum(breakdown.values()) == run.jobs_skipped else None


def unchanged_reasons(run: IngestionRun) -> dict[str, int]:
    """How the run's unchanged URLs were settled without extraction (sitemap lastmod, a 304,
    the same body), by RunUrl.unchanged_by; extracted-and-unchanged ones are not counted."""
    urls = run.urls.filter(outcome=UrlOutcome.UNCHANGED).exclude(unchanged_by="")
    return dict(urls.order_by("unchanged_by").values_list("unchanged_by").annotate(n=Count("id")))


def is_stuck(run: IngestionRun) -> bool:
    """Working but silent for JOBPIPE_STALE_RUN_SECONDS: what the sweeper would recover."""
    cutoff = timezone.now() - datetime.timedelta(seconds=settings.JOBPIPE_STALE_RUN_SECONDS)
    return IngestionRun.objects.stale(cutoff).filter(id=run.id).exists()


def sources() -> QuerySet[Source]:
    return Source.objects.order_by("name")
