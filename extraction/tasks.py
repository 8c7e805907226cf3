"""Celery tasks of the extraction app."""

from __future__ import annotations

from extraction.insert import insert_url
from tracking.decorators import tracked_task


@tracked_task(name="extraction.insert_job")
def insert_job(self, run_url_id: int) -> dict:
    return insert_url(run_url_id)
