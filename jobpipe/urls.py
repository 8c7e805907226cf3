"""Top-level URL routes."""

from django.contrib import admin
from django.urls import path

from jobpipe import views

urlpatterns = [
    path("admin/", admin.site.urls),
    path("health", views.health, name="health"),
    path("metrics", views.metrics, name="metrics"),
]
