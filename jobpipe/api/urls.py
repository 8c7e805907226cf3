"""Routes of the internal JSON API (documented in docs/openapi.yaml and the README)."""

from django.urls import path, re_path

from jobpipe.api import views

urlpatterns = [
    path("_internal/jobs", views.jobs, name="api-jobs"),
    path("_internal/jobs/<str:job_id>", views.job, name="api-job"),
    path("api/sources", views.create_source, name="api-sources"),
    path("api/ingest/start", views.start_ingest, name="api-ingest-start"),
    path("api/ingest/runs/<int:run_id>/progress", views.run_progress, name="api-run-progress"),
    path("api/ingest/history", views.run_history, name="api-run-history"),
    path("api/ingest/runs/<int:run_id>/reset", views.reset_run, name="api-run-reset"),
    path("pipeline/enqueue", views.enqueue, name="api-pipeline-enqueue"),
    path("pipeline/status/<str:job_id>", views.pipeline_status, name="api-pipeline-status"),
    path("pipeline/jobs/recent", views.recent_jobs, name="api-pipeline-recent"),
    # Anything else under the API prefixes, newlines included: a JSON 404, not Django's HTML page.
    re_path(r"^(?:_internal|api|pipeline)/(?P<path>[\s\S]*)\Z", views.not_found),
]
