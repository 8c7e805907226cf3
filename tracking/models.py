"""Database models: the durable task ledger."""

from __future__ import annotations

import uuid

from django.db import models


class PipelineJobStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    FINISHED = "finished", "Finished"
    FAILED = "failed", "Failed"


class PipelineJobQuerySet(models.QuerySet):
    def unfinished(self) -> PipelineJobQuerySet:
        return self.filter(status__in=[PipelineJobStatus.QUEUED, PipelineJobStatus.RUNNING])

    def for_run(self, run_id: int) -> PipelineJobQuerySet:
        return self.filter(run_id=run_id)


class PipelineJob(models.Model):
    """One Celery task, recorded before its message is published and updated as it runs."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    task_id = models.CharField(
        max_length=255, unique=True, help_text="Celery task id; pre-generated before publishing."
    )
    task_name = models.CharField(max_length=255, help_text="Registered Celery task name.")
    realm = models.CharField(
        max_length=64,
        default="ingestion",
        help_text="Which part of the system the task belongs to (ingestion, maintenance, ...).",
    )
    queue = models.CharField(max_length=64, default="default", help_text="Broker queue.")
    status = models.CharField(
        max_length=16, choices=PipelineJobStatus.choices, default=PipelineJobStatus.QUEUED
    )
    payload = models.JSONField(
        default=dict, help_text="Task arguments: {'args': [], 'kwargs': {}}."
    )
    result = models.JSONField(null=True, blank=True, help_text="Return value of the last run.")
    error = models.TextField(
        blank=True, help_text="Exception class and message of the last failure."
    )
    attempt = models.PositiveIntegerField(
        default=0, help_text="How many times a worker started this task (redeliveries and retries)."
    )
    run = models.ForeignKey(
        "ingestion.IngestionRun",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="pipeline_jobs",
        help_text="The ingestion run this task works for, if any.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = PipelineJobQuerySet.as_manager()

    class Meta:
        db_table = "pipeline_jobs"
        ordering = ["-created_at"]
        indexes = [
            # Dashboard and /pipeline/jobs/recent filters.
            models.Index(fields=["status"], name="pipeline_jobs_status"),
            models.Index(fields=["realm", "status"], name="pipeline_jobs_realm_status"),
            models.Index(fields=["-created_at"], name="pipeline_jobs_created_desc"),
            models.Index(fields=["queue", "status"], name="pipeline_jobs_queue_status"),
        ]

    def __str__(self) -> str:
        return f"{self.task_name} [{self.status}] {self.task_id}"
