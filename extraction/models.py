"""Database models: the jobs table and its shadow twin."""

from __future__ import annotations

import uuid

from django.db import models


class JobStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    ARCHIVED = "archived", "Archived"


class JobQuerySet(models.QuerySet):
    def active(self) -> JobQuerySet:
        return self.filter(status=JobStatus.ACTIVE)


class JobBase(models.Model):
    """Fields shared by the production table and the shadow table."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    canonical_hash = models.CharField(
        max_length=32,
        unique=True,
        help_text="MD5 of the normalised 'title|apply_url': the dedup key.",
    )
    source = models.ForeignKey(
        "ingestion.Source", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    url = models.URLField(max_length=2000, help_text="Canonical URL of the page it came from.")
    title = models.CharField(max_length=500)
    org_name = models.CharField(max_length=300, blank=True, help_text="Employer.")
    location_raw = models.CharField(max_length=500, blank=True, help_text="Location as stated.")
    deadline = models.DateField(null=True, blank=True, help_text="Application deadline.")
    description_snippet = models.TextField(blank=True)
    apply_url = models.URLField(max_length=2000)
    posted_on = models.DateField(null=True, blank=True)
    fetched_at = models.DateTimeField(help_text="When the page was last fetched.")
    raw_metadata = models.JSONField(
        default=dict, blank=True, help_text="Requirements and every other extracted field."
    )
    provenance = models.JSONField(
        default=dict,
        blank=True,
        help_text="Per field: {'source': strategy, 'confidence': 0..1}.",
    )
    content_hash = models.CharField(
        max_length=32, blank=True, help_text="Hash of the stored fields; unchanged pages skip."
    )
    status = models.CharField(
        max_length=16, choices=JobStatus.choices, default=JobStatus.ACTIVE, db_index=True
    )
    archived_at = models.DateTimeField(null=True, blank=True)
    relisted_at = models.DateTimeField(
        null=True, blank=True, help_text="When the job was last listed again after its archiving."
    )
    times_relisted = models.PositiveIntegerField(
        default=0, db_default=0, help_text="How often it came back after being archived."
    )
    missed_listings = models.PositiveSmallIntegerField(
        default=0,
        db_default=0,
        help_text="Complete listings in a row that did not list it; archived at the source's K.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = JobQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["-updated_at"]

    def __str__(self) -> str:
        return f"{self.title} ({self.org_name})"


class Job(JobBase):
    class Meta(JobBase.Meta):
        db_table = "jobs"
        indexes = [
            # archive_missing(): a source's active jobs.
            models.Index(fields=["source", "status"], name="jobs_source_status"),
            # The API's and dashboard's newest-first pages.
            models.Index(fields=["status", "-updated_at", "id"], name="jobs_status_updated"),
            # upsert.follow_moved(): the active job at a page's URL.
            models.Index(fields=["url"], name="jobs_url"),
        ]


class ShadowJob(JobBase):
    """Same shape as Job; written instead of it while shadow mode is on."""

    class Meta(JobBase.Meta):
        db_table = "jobs_side"
        verbose_name = "shadow job"
        indexes = [
            models.Index(fields=["source", "status"], name="jobs_side_source_status"),
            models.Index(fields=["status", "-updated_at", "id"], name="jobs_side_status_updated"),
            models.Index(fields=["url"], name="jobs_side_url"),
        ]


class JobTable(models.TextChoices):
    """The two jobs tables, by their table names: the one vocabulary for "which table"."""

    JOBS = "jobs", "Production (jobs)"
    SHADOW = "jobs_side", "Shadow (jobs_side)"


JOB_MODELS: dict[str, type[JobBase]] = {JobTable.JOBS: Job, JobTable.SHADOW: ShadowJob}


def job_table(*, shadow: bool) -> JobTable:
    """The table a reader asks for: the shadow one, or the production one."""
    return JobTable.SHADOW if shadow else JobTable.JOBS


def job_model(table: str) -> type[JobBase]:
    """The model of a table name (a JobTable value); KeyError for any other name."""
    return JOB_MODELS[table]
