"""Top-level URL routes."""

from django.contrib import admin
from django.urls import include, path

from jobpipe import views

urlpatterns = [
    path("admin/", admin.site.urls),
    path("health", views.health, name="health"),
    path("metrics", views.metrics, name="metrics"),
    path("", include("jobpipe.api.urls")),
]
