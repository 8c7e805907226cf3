"""Dashboard pages. Anonymous users go to the login page (the dashboard's own: the admin's
takes staff accounts only, and a viewer needs no staff status); reading needs roles.READ (the
viewer role), starting and resetting runs roles.OPERATE (the operator role); a logged-in user
without them gets 403. Views stay thin: queries.py and the domain functions do the work."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dashboard import queries, roles
from extraction.models import Job, JobStatus, ShadowJob
from ingestion import archive, runs
from ingestion.models import HeldArchive, IngestionRun, RunStatus, Source, UrlOutcome
from ingestion.progress import run_progress
from ingestion.start import Door, start
from jobpipe import health
from jobpipe.api.queries import job_item
from tracking.models import Incident

HEALTH_COLOURS = {"healthy": "green", "degraded": "yellow", "critical": "red"}


def _needs(perm: str):
    """Login first (anonymous: the login page), then the permission (missing: 403)."""

    def decorator(view):
        return login_required(permission_required(perm, raise_exception=True)(view))

    return decorator


reads, operates = _needs(roles.READ), _needs(roles.OPERATE)
decides = _needs(roles.DECIDE)

# Any active user may log in; the pages then check the role. Logging out is POST only.
login = auth_views.LoginView.as_view(
    template_name="dashboard/login.html", redirect_authenticated_user=True
)
logout = auth_views.LogoutView.as_view()


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


@reads
@require_GET
def overview(request):
    report = health.health_report()
    days = queries.daily_stats(30)
    context = {
        "health": report,
        "health_colour": HEALTH_COLOURS[report["status"]],
        "incidents": Incident.objects.open().order_by("-opened_at")[:20],
        "active_runs": IngestionRun.objects.active().order_by("-created_at")[:10],
        "chart": queries.chart(days),
        "days": days,
    }
    return render(request, "dashboard/overview.html", context)


@operates
@require_http_methods(["GET", "POST"])
def start_run(request):
    if request.method == "POST":
        ids = [int(i) for i in request.POST.getlist("sources") if i.isdigit()]
        chosen = Source.objects.filter(id__in=ids)
        try:
            run = start(
                chosen,
                door=Door.DASHBOARD,
                use_storage=request.POST.get("use_storage") == "on",
                shadow_mode=request.POST.get("shadow_mode") == "on",
            ).run
        except runs.RunError as exc:
            messages.error(request, str(exc))
            return redirect("dashboard:start-run")
        return redirect("dashboard:run", run_id=run.id)
    # The same defaults as `manage.py ingest` and the API: the settings.
    defaults = {
        "use_storage": settings.EXTRACTION_USE_STORAGE,
        "shadow_mode": settings.EXTRACTION_SHADOW_MODE,
    }
    return render(
        request, "dashboard/start_run.html", {"sources": queries.sources(), "defaults": defaults}
    )


@reads
@require_GET
def run_detail(request, run_id: int):
    run = get_object_or_404(IngestionRun, id=run_id)
    failed = run.urls.filter(outcome=UrlOutcome.FAILED)
    context = {
        "run": run,
        "progress": run_progress(run),
        "resettable": run.is_active and request.user.has_perm(roles.OPERATE),
        "stuck": queries.is_stuck(run),
        "run_sources": run.run_sources.select_related("source").order_by("id"),
        "failures": failed.order_by("id")[:20],
        "failed_count": failed.count(),
        "skipped": queries.skipped_breakdown(run),
        "unchanged_by": queries.unchanged_reasons(run),
    }
    return render(request, "dashboard/run.html", context)


@reads
@require_GET
def run_progress_json(request, run_id: int):
    run = IngestionRun.objects.filter(id=run_id).first()
    if run is None:
        raise Http404(f"no run {run_id}")
    # The live page also refreshes its Sources list: discovery settles while the run goes on.
    return JsonResponse(
        {
            **run_progress(run),
            "sources": queries.run_sources(run),
            "skipped": queries.skipped_breakdown(run),
        }
    )


@operates
@require_POST
def reset_run(request, run_id: int):
    try:
        runs.cancel_run(run_id, f"reset by {request.user} from the dashboard")
        messages.success(request, f"Run {run_id} was reset.")
    except IngestionRun.DoesNotExist:
        raise Http404(f"no run {run_id}") from None
    except runs.RunError as exc:
        messages.error(request, str(exc))
    return redirect("dashboard:run", run_id=run_id)


@reads
@require_GET
def history(request):
    status = request.GET.get("status") if request.GET.get("status") in RunStatus.values else None
    source_id = _int(request.GET.get("source"))
    page = Paginator(queries.runs_page_queryset(status, source_id), 25).get_page(
        request.GET.get("page")
    )
    context = {
        "page": page,
        "statuses": RunStatus.values,
        "sources": queries.sources(),
        "status": status or "",
        "source_id": source_id,
    }
    return render(request, "dashboard/history.html", context)


@reads
@require_GET
def run_urls(request, run_id: int):
    run = get_object_or_404(IngestionRun, id=run_id)
    outcome = request.GET.get("outcome") if request.GET.get("outcome") in UrlOutcome.values else ""
    urls = run.urls.order_by("id")
    if outcome:
        urls = urls.filter(outcome=outcome)
    page = Paginator(urls, 50).get_page(request.GET.get("page"))
    context = {"run": run, "page": page, "outcomes": UrlOutcome.values, "outcome": outcome}
    return render(request, "dashboard/run_urls.html", context)


@reads
@require_GET
def jobs(request):
    table = "shadow" if request.GET.get("table") == "shadow" else "production"
    # Active jobs unless asked otherwise ("all" for every status): the common view, and the
    # one the (status, updated_at) index serves.
    wanted = request.GET.get("status", JobStatus.ACTIVE)
    status = wanted if wanted in JobStatus.values else ""
    q = request.GET.get("q", "").strip()[:200]
    source_id = _int(request.GET.get("source"))
    found = queries.search_jobs(q=q, source_id=source_id, status=status, table=table)
    context = {
        "page": Paginator(found, 50).get_page(request.GET.get("page")),
        "q": q,
        "table": table,
        "status": status,
        "statuses": JobStatus.values,
        "source_id": source_id,
        "sources": queries.sources(),
    }
    return render(request, "dashboard/jobs.html", context)


@reads
@require_GET
def job_detail(request, job_id):
    """One job: every field with the strategy that found it and its confidence (the API's
    job item), the page it came from, and its source."""
    table = "shadow" if request.GET.get("table") == "shadow" else "production"
    job = get_object_or_404(ShadowJob if table == "shadow" else Job, id=job_id)
    context = {"job": job, "item": job_item(job), "table": table}
    return render(request, "dashboard/job.html", context)


@reads
@require_GET
def compare(request):
    return render(request, "dashboard/compare.html", {"cmp": queries.compare_tables()})


@reads
@require_GET
def held_archives(request):
    status = request.GET.get("status", HeldArchive.Status.HELD)
    status = status if status in HeldArchive.Status.values else ""
    held = HeldArchive.objects.select_related("source", "run").order_by("-created_at")
    page = Paginator(held.filter(status=status) if status else held, 25).get_page(
        request.GET.get("page")
    )
    context = {"page": page, "statuses": HeldArchive.Status.values, "status": status}
    return render(request, "dashboard/archives.html", context)


@decides
@require_POST
def decide_held_archive(request, held_id: int, decision: str):
    """Approve (archive exactly the held jobs) or reject (keep them) a held archive."""
    decide = archive.approve if decision == "approve" else archive.reject
    try:
        held = decide(held_id, by=str(request.user))
    except HeldArchive.DoesNotExist:
        raise Http404(f"no held archive {held_id}") from None
    except ValueError as exc:  # already decided
        messages.error(request, str(exc))
    else:
        done = f"{held.archived} jobs archived" if decision == "approve" else "jobs kept"
        messages.success(request, f"Held archive {held_id} {held.status}: {done}.")
    return redirect("dashboard:archives")
