"""Top-level URL routes."""

from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from jobpipe import views

# The app list beside every admin page takes 300 px that changelists need; the breadcrumbs
# and the index lead to every model anyway.
admin.site.enable_nav_sidebar = False

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="dashboard:overview"), name="home"),
    path("dashboard/", include("dashboard.urls")),
    path("admin/", admin.site.urls),
    path("health", views.health, name="health"),
    path("metrics", views.metrics, name="metrics"),
    path("", include("jobpipe.api.urls")),
]
