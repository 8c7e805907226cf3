"""Top-level URL routes."""

from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView
from django_celery_results.models import GroupResult, TaskResult

from jobpipe import views

# The app list beside every admin page takes 300 px that changelists need; the breadcrumbs
# and the index lead to every model anyway.
admin.site.enable_nav_sidebar = False
# Celery's result tables stay empty (CELERY_TASK_IGNORE_RESULT: the PipelineJob ledger is the
# record of every task), so their admin pages would only ever say "0 results".
for model in (TaskResult, GroupResult):
    if admin.site.is_registered(model):
        admin.site.unregister(model)

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="dashboard:overview"), name="home"),
    path("dashboard/", include("dashboard.urls")),
    path("admin/", admin.site.urls),
    path("health", views.health, name="health"),
    path("metrics", views.metrics, name="metrics"),
    path("", include("jobpipe.api.urls")),
]
