"""Internal JSON API views: parse, call a plain function, wrap in the envelope."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.db import transaction

import ingestion.maintenance  # noqa: F401 - registers Beat's tasks in this (web) process
import tracking.tasks  # noqa: F401 - likewise
from ingestion import runs
from ingestion.models import IngestionRun, Source, SourceKind
from ingestion.progress import run_progress as progress_of
from ingestion.sources.recognise import NotRecognised, PageUnreadable, fill_from_url
from ingestion.start import Door, RateLimited, start
from jobpipe.api import params, queries
from jobpipe.api.auth import api_view
from jobpipe.api.responses import ApiError, ok
from jobpipe.celery import app
from tracking.decorators import TrackedTask
from tracking.models import PipelineJob, PipelineJobStatus

REALM = re.compile(r"^[a-z][a-z0-9_.-]{0,63}$")
# Tasks a client may enqueue by name (the stage tasks need ids only the pipeline knows).
ENQUEUEABLE = (
    "ingestion.start_run",
    "maintenance.sweep_stale",
    "maintenance.check_failure_rates",
    "maintenance.prune_ledger",
    "maintenance.schedule_due_sources",
)


@api_view("GET", query=("limit", "offset", "source_id", "shadow_mode", "include_archived"))
def jobs(request):
    data = queries.jobs_page(
        limit=params.integer(request, "limit", 10, minimum=1, maximum=100),
        offset=params.integer(request, "offset", 0, minimum=0),
        source_id=params.integer(request, "source_id", None, minimum=1),
        shadow_mode=params.boolean(request, "shadow_mode", False),
        include_archived=params.boolean(request, "include_archived", False),
    )
    return ok(data)


@api_view("GET", query=("shadow_mode",))
def job(request, job_id: str):
    job_uuid = params.uuid_value(job_id, "job_id")
    shadow = params.boolean(request, "shadow_mode", False)
    return ok(queries.job_detail(job_uuid, shadow_mode=shadow))


@api_view("POST")
def start_ingest(request):
    """Body: {"sources": [id or name, ...]} or {"all": true} (every enabled source), plus
    optional "use_storage" and "shadow_mode" booleans. An empty body starts nothing (400)."""
    body = params.json_body(request, ("sources", "all", "use_storage", "shadow_mode"))
    wanted = body.get("sources")
    if "all" in body and (body["all"] is not True or "sources" in body):
        raise ApiError(400, "invalid_all", 'give either "sources": [...] or "all": true')
    if body.get("all") is True:
        sources = list(Source.objects.filter(enabled=True))
    elif "sources" not in body:
        raise ApiError(
            400, "missing_sources", 'say which sources: "sources": [ids or names] or "all": true'
        )
    else:
        if not isinstance(wanted, list) or not all(
            params.as_id(w) is not None or type(w) is str for w in wanted
        ):
            raise ApiError(400, "invalid_sources", "sources must be a list of ids or names")
        ids = {params.as_id(w) for w in wanted if type(w) is not str}
        names = {w for w in wanted if type(w) is str}
        # A name PostgreSQL cannot store (a NUL, a lone surrogate) names no source.
        known = {n for n in names if params.storable(n)}
        sources = list(Source.objects.filter(id__in=ids) | Source.objects.filter(name__in=known))
        unknown = (ids - {s.id for s in sources}) | (names - {s.name for s in sources})
        if unknown:
            listed = ", ".join(sorted(map(str, unknown)))
            raise ApiError(404, "unknown_source", f"unknown source(s): {listed}")
    options = {}
    for name in ("use_storage", "shadow_mode"):
        if name in body:
            if not isinstance(body[name], bool):
                raise ApiError(400, f"invalid_{name}", f"{name} must be true or false")
            options[name] = body[name]
    try:
        run = start(sources, door=Door.API, **options).run
    except RateLimited as exc:
        raise ApiError(429, "rate_limited", str(exc)) from None
    except runs.RunError as exc:
        raise ApiError(400, "invalid_sources", str(exc)) from None
    return ok(queries.run_summary(run), status=201)


SOURCE_FIELDS = ("name", "org_name", "kind", "url", "board_token", "config", "enabled")


@api_view("POST")
def create_source(request):
    """Body: {"name", "url"} and optionally "kind", "board_token", "org_name", "config",
    "enabled", "cadence_minutes", "dry_run". Without a kind (or an ATS kind without a board
    token) the ATS is found from the URL: a board URL as it is, any other page by the board it
    embeds. "dry_run": true only says what would be created."""
    body = params.json_body(request, (*SOURCE_FIELDS, "cadence_minutes", "dry_run"))
    for name in ("name", "org_name", "kind", "url", "board_token"):
        if not isinstance(body.get(name, ""), str) or not params.storable(body.get(name, "")):
            raise ApiError(400, f"invalid_{name}", f"{name} must be a string without NUL bytes")
    for name in ("enabled", "dry_run"):
        if not isinstance(body.get(name, False), bool):
            raise ApiError(400, f"invalid_{name}", f"{name} must be true or false")
    if not isinstance(body.get("config", {}), dict):
        raise ApiError(400, "invalid_config", "config must be a JSON object")
    cadence = body.get("cadence_minutes")
    if cadence is not None:
        cadence = params.as_id(cadence)
        if cadence is None or not 1 <= cadence <= params.INT_MAX:
            raise ApiError(
                400, "invalid_cadence_minutes", "cadence_minutes must be a whole number >= 1"
            )
    name, kind = body.get("name", "").strip(), body.get("kind", "")
    url = body.get("url", "").strip()
    if not name:
        raise ApiError(400, "invalid_name", "a source needs a name")
    if kind and kind not in SourceKind.values:
        raise ApiError(400, "invalid_kind", f"kind must be one of {', '.join(SourceKind.values)}")
    if not kind and not url:
        raise ApiError(400, "missing_url", "give a url (the ATS is found from it) or a kind")
    if Source.objects.filter(name=name).exists():
        raise ApiError(409, "source_exists", f"a source named {name!r} already exists")
    try:
        fields, found = fill_from_url(
            url=url,
            kind=kind,
            board_token=body.get("board_token", "").strip(),
            config=body.get("config", {}),
        )
    except NotRecognised as exc:
        raise ApiError(400, "unrecognised_url", str(exc)) from None
    except PageUnreadable as exc:
        raise ApiError(400, "unreadable_url", str(exc)) from None
    source = Source(
        name=name,
        org_name=body.get("org_name", "").strip() or name,
        enabled=body.get("enabled", True),
        cadence_minutes=cadence,
        **fields,
    )
    try:
        source.full_clean()
    except ValidationError as exc:
        details = "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
        raise ApiError(400, "invalid_source", details) from None
    if not body.get("dry_run"):
        source.save()
    data = {"source": queries.source_item(source), "found": found and found.as_json()}
    return ok(data, status=200 if body.get("dry_run") else 201)


@api_view("GET")
def run_progress(request, run_id: int):
    return ok(progress_of(queries.get_run(run_id)))


@api_view("GET", query=("limit",))
def run_history(request):
    limit = params.integer(request, "limit", 10, minimum=1, maximum=100)
    return ok({"runs": queries.history(limit), "limit": limit})


@api_view("POST")
def reset_run(request, run_id: int):
    body = params.json_body(request, ("reason",))
    if not isinstance(body.get("reason", ""), str):
        raise ApiError(400, "invalid_reason", "reason must be a string")
    reason = (body.get("reason") or "reset through the internal API")[:500]
    try:
        run = runs.cancel_run(run_id, reason)
    except IngestionRun.DoesNotExist:
        raise ApiError(404, "run_not_found", f"no run {run_id}") from None
    except runs.RunError as exc:
        raise ApiError(409, "run_not_resettable", str(exc)) from None
    return ok(progress_of(run))


@api_view("POST")
def enqueue(request):
    """Body: {"task": name, "payload": {"args": [...]}}; header X-Realm (default "api")."""
    body = params.json_body(request, ("task", "payload"))
    name = body.get("task")
    if name not in ENQUEUEABLE:
        raise ApiError(
            400, "unknown_task", f"unknown task {name!r}; one of: {', '.join(ENQUEUEABLE)}"
        )
    payload = body.get("payload", {})
    args = payload.get("args", []) if isinstance(payload, dict) else None
    if not isinstance(args, list) or set(payload) - {"args"}:
        raise ApiError(400, "invalid_payload", 'payload must be {"args": [...]}')
    realm = request.headers.get("X-Realm") or "api"
    if not REALM.match(realm):
        raise ApiError(400, "invalid_realm", f"X-Realm must match {REALM.pattern}")
    task: TrackedTask = app.tasks[name]
    run_id = None
    if name == "ingestion.start_run":
        if len(args) != 1 or params.as_id(args[0]) is None:
            raise ApiError(400, "invalid_payload", "ingestion.start_run takes [run_id]")
        args = [params.as_id(args[0])]
        run_id = queries.get_run(args[0]).id
    elif args:
        raise ApiError(400, "invalid_payload", f"{name} takes no arguments")
    with transaction.atomic():
        task_id = task.enqueue(*args, run_id=run_id, realm=realm)
    row = PipelineJob.objects.get(task_id=task_id)
    return ok(
        {
            "job_id": str(row.id),
            "task_id": task_id,
            "queue": row.queue,
            "realm": row.realm,
            "status": PipelineJobStatus.QUEUED,
        },
        status=202,
    )


@api_view("GET")
def pipeline_status(request, job_id: str):
    job_uuid = params.uuid_value(job_id, "job_id")
    row = PipelineJob.objects.filter(id=job_uuid).first()
    if row is None:
        raise ApiError(404, "job_not_found", f"no pipeline job {job_id}")
    return ok(queries.ledger_item(row))


@api_view("GET", query=("limit", "realm", "queue", "status"))
def recent_jobs(request):
    limit = params.integer(request, "limit", 20, minimum=1, maximum=100)
    filters = {
        "realm": request.GET.get("realm") or None,
        "queue": request.GET.get("queue") or None,
        "status": params.choice(request, "status", list(PipelineJobStatus.values)),
    }
    rows = PipelineJob.objects.order_by("-created_at")
    for name, value in filters.items():
        if value:
            rows = rows.filter(**{name: value})
    items = [queries.ledger_item(row) for row in rows[:limit]]
    return ok({"jobs": items, "count": len(items), "filters": filters, "limit": limit})


@api_view("GET", "POST", "PUT", "PATCH", "DELETE", query=None)
def not_found(request, path: str = ""):
    raise ApiError(404, "no_such_endpoint", f"no endpoint {request.path}")
