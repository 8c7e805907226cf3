"""Database models: the durable task ledger and incidents."""

from __future__ import annotations

import uuid

from django.db import models


class PipelineJobStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    FINISHED = "finished", "Finished"
    FAILED = "failed", "Failed"


class FailureKind(models.TextChoices):
    """Why a ledger row failed: the task's own error, or something around it."""

    TASK = "", "Task error"
    INFRASTRUCTURE = "infrastructure", "Database or broker unreachable"
    LOST = "lost", "Lost (worker gone or message lost), re-driven"
    REVOKED = "revoked", "Revoked (its run ended)"


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
    failure_kind = models.CharField(
        max_length=16,
        choices=FailureKind.choices,
        default=FailureKind.TASK,
        db_default=FailureKind.TASK,
        blank=True,
        help_text="Why it failed: the task's own error, or infrastructure, lost, revoked.",
    )
    heartbeat_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="The running task's lease: renewed while it runs; when it goes stale its "
        "worker is gone and the watchdog re-drives its work.",
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
            # Failure-rate window and last-sweep lookups by task over a ledger of millions.
            models.Index(fields=["task_name", "finished_at"], name="pipeline_jobs_task_finished"),
            # The watchdog's expired-lease lookup.
            models.Index(fields=["status", "heartbeat_at"], name="pipeline_jobs_status_lease"),
        ]

    def __str__(self) -> str:
        return f"{self.task_name} [{self.status}] {self.task_id}"


class IncidentSeverity(models.TextChoices):
    WARNING = "warning", "Warning"
    CRITICAL = "critical", "Critical"


class IncidentQuerySet(models.QuerySet):
    def open(self) -> IncidentQuerySet:
        return self.filter(resolved_at__isnull=True)


class Incident(models.Model):
    """A condition an operator should know about, open until it recovers.

    At most one incident per `kind` is open at a time (a partial unique index), so a check that
    keeps firing updates its open incident instead of piling up duplicates.
    """

    kind = models.CharField(
        max_length=64,
        help_text="The condition: insert_failure_rate, pipeline_failure_rate, run_failed, ...",
    )
    severity = models.CharField(
        max_length=16, choices=IncidentSeverity.choices, help_text="How urgent it is."
    )
    summary = models.TextField(help_text="One-paragraph description of what was seen.")
    metrics = models.JSONField(
        default=dict, help_text="The figures the check saw when it last fired (a snapshot)."
    )
    actions = models.JSONField(
        default=list, help_text="Recommended actions for the operator, in order."
    )
    run = models.ForeignKey(
        "ingestion.IngestionRun",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="incidents",
        help_text="The run the incident is about, if any.",
    )
    opened_at = models.DateTimeField(help_text="When the condition was first seen.")
    updated_at = models.DateTimeField(help_text="When the check last saw the condition.")
    resolved_at = models.DateTimeField(
        null=True, blank=True, help_text="When the condition recovered; empty while open."
    )
    report_path = models.CharField(
        max_length=500, blank=True, help_text="Markdown report written for it, if any."
    )

    objects = IncidentQuerySet.as_manager()

    class Meta:
        db_table = "incidents"
        ordering = ["-opened_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind"],
                condition=models.Q(resolved_at__isnull=True),
                name="incident_one_open_per_kind",
            )
        ]

    def __str__(self) -> str:
        state = "resolved" if self.resolved_at else "open"
        return f"{self.kind} [{self.severity}, {state}]"

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None
