"""The shared cast: sources, runs and URLs in the states tests need."""

from __future__ import annotations

import itertools

from django.utils import timezone

from ingestion import runs
from ingestion.models import IngestionRun, RunStatus, RunUrl, Source, SourceKind, UrlStage

_seq = itertools.count(1)


def make_source(**fields) -> Source:
    n = next(_seq)
    defaults = {
        "name": f"Employer {n}",
        "org_name": f"Employer {n} GmbH",
        "kind": SourceKind.CAREERS_PAGE,
        "url": f"http://127.0.0.1:9/careers-{n}/index.html",
    }
    return Source.objects.create(**{**defaults, **fields})


def make_run(
    sources=None,
    *,
    status: str = RunStatus.INGESTING,
    use_storage: bool = True,
    shadow_mode: bool = False,
    **fields,
) -> IngestionRun:
    sources = sources or [make_source()]
    run = runs.create_run(sources, use_storage=use_storage, shadow_mode=shadow_mode)
    now = timezone.now()
    IngestionRun.objects.filter(id=run.id).update(
        status=status, started_at=now, last_heartbeat=now, **fields
    )
    run.refresh_from_db()
    return run


def make_run_url(
    run: IngestionRun, url: str | None = None, *, job=None, count: bool = True
) -> RunUrl:
    """A URL of `run`; with `job`, already extracted and waiting for the insert stage."""
    source_id = run.sources[0]["id"]
    url = url or f"http://127.0.0.1:9/jobs/{next(_seq)}.html"
    run_url = RunUrl.objects.create(
        run=run,
        source_id=source_id,
        url=url,
        stage=UrlStage.EXTRACTED if job else UrlStage.DISCOVERED,
        extracted=job.to_json() if job else None,
        fetched_at=timezone.now() if job else None,
    )
    if count:
        from django.db.models import F

        IngestionRun.objects.filter(id=run.id).update(total_jobs_found=F("total_jobs_found") + 1)
    return run_url


def extracted_job(n: int = 1, **fields):
    from extraction.types import ExtractedJob

    defaults = {
        "title": f"Backend Engineer {n}",
        "employer": "Acme Robotics",
        "location": "Berlin, DE",
        "apply_url": f"http://127.0.0.1:9/jobs/{n}/apply",
        "description": "Build and run things.",
        "requirements": ["Python", "PostgreSQL"],
        "provenance": {"title": {"source": "jsonld", "confidence": 0.95}},
    }
    return ExtractedJob(**{**defaults, **fields})


def make_job(model=None, n: int = 1, **fields):
    """A stored job row (production table unless `model` is ShadowJob)."""
    from extraction.models import Job

    defaults = {
        "canonical_hash": f"{n:032x}",
        "url": f"http://127.0.0.1:9/jobs/{n}.html",
        "title": f"Engineer {n}",
        "org_name": "Acme",
        "location_raw": "Berlin",
        "apply_url": f"http://127.0.0.1:9/jobs/{n}/apply",
        "fetched_at": timezone.now(),
        "content_hash": "c",
    }
    return (model or Job).objects.create(**{**defaults, **fields})
