from django.urls import path

from dashboard import views

app_name = "dashboard"
urlpatterns = [
    path("login/", views.login, name="login"),
    path("logout/", views.logout, name="logout"),
    path("", views.overview, name="overview"),
    path("runs/", views.history, name="history"),
    path("runs/new", views.start_run, name="start-run"),
    path("runs/<int:run_id>/", views.run_detail, name="run"),
    path("runs/<int:run_id>/progress.json", views.run_progress_json, name="run-progress"),
    path("runs/<int:run_id>/reset", views.reset_run, name="run-reset"),
    path("runs/<int:run_id>/urls", views.run_urls, name="run-urls"),
    path("jobs/", views.jobs, name="jobs"),
    path("jobs/compare", views.compare, name="compare"),
    path("jobs/<uuid:job_id>/", views.job_detail, name="job"),
    path("archives/", views.held_archives, name="archives"),
    path(
        "archives/<int:held_id>/approve",
        views.decide_held_archive,
        {"decision": "approve"},
        name="archive-approve",
    ),
    path(
        "archives/<int:held_id>/reject",
        views.decide_held_archive,
        {"decision": "reject"},
        name="archive-reject",
    ),
]
