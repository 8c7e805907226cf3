"""The Celery application, wired the cookiecutter-django way."""

from __future__ import annotations

import os

from celery import Celery
from celery.signals import setup_logging

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jobpipe.settings")

app = Celery("jobpipe")
# namespace="CELERY": every Celery setting in jobpipe/settings.py carries a CELERY_ prefix.
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()  # each app's tasks.py
app.autodiscover_tasks(related_name="maintenance")  # and Beat's tasks in maintenance.py


@setup_logging.connect
def config_loggers(*args, **kwargs) -> None:
    """Apply Django's LOGGING inside the worker too, instead of Celery's own setup."""
    from logging.config import dictConfig

    from django.conf import settings

    dictConfig(settings.LOGGING)
