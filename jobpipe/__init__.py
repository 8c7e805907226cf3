"""JobPipe: a Django + Celery job-ingestion pipeline."""

from .celery import app as celery_app

__all__ = ("celery_app",)
