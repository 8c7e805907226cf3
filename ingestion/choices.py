"""The words of a run's life, defined once: statuses, stages, outcomes and counters."""

from __future__ import annotations

from django.db import models


class RunStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    ARCHIVING = "archiving", "Discovering and archiving"
    INGESTING = "ingesting", "Ingesting"
    COMPLETED = "completed", "Completed"
    # Ended, but not everything worked: a source's discovery failed or was incomplete, an
    # archive was held, or more than JOBPIPE_RUN_FAILED_SHARE of the URLs failed.
    COMPLETED_WITH_ERRORS = "completed_with_errors", "Completed with errors"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"


# A run that has not ended; of those, the ones working (and so able to go stale).
ACTIVE_RUN_STATUSES = (RunStatus.PENDING, RunStatus.ARCHIVING, RunStatus.INGESTING)
WORKING_RUN_STATUSES = (RunStatus.ARCHIVING, RunStatus.INGESTING)
FINISHED_RUN_STATUSES = (
    RunStatus.COMPLETED,
    RunStatus.COMPLETED_WITH_ERRORS,
    RunStatus.FAILED,
    RunStatus.CANCELLED,
)


class RunStage(models.TextChoices):
    """What a run is doing now, for people (the status says what it may do next)."""

    PENDING = "pending", "Pending"
    DISCOVERING = "discovering", "Discovering and archiving"
    CRAWLING = "crawling", "Crawling"
    COMPLETED = "completed", "Completed"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"


# The run's counters, in the order the API, the dashboard and the admin show them.
RUN_COUNTERS = (
    "total_jobs_found",
    "jobs_processed",
    "jobs_added",
    "jobs_updated",
    "jobs_skipped",
    "jobs_failed",
    "jobs_archived",
)


class UrlStage(models.TextChoices):
    DISCOVERED = "discovered", "Discovered"
    EXTRACTED = "extracted", "Fetched and extracted"
    SETTLED = "settled", "Settled"


class UrlOutcome(models.TextChoices):
    ADDED = "added", "Added"
    UPDATED = "updated", "Updated"
    UNCHANGED = "unchanged", "Unchanged"
    SKIPPED = "skipped", "Skipped"
    NOT_A_JOB = "not_a_job", "Not a job"
    FAILED = "failed", "Failed"


# Which run counter each outcome adds to, besides jobs_processed.
OUTCOME_COUNTERS = {
    UrlOutcome.ADDED: "jobs_added",
    UrlOutcome.UPDATED: "jobs_updated",
    UrlOutcome.UNCHANGED: "jobs_skipped",
    UrlOutcome.SKIPPED: "jobs_skipped",
    UrlOutcome.NOT_A_JOB: "jobs_skipped",
    UrlOutcome.FAILED: "jobs_failed",
}
