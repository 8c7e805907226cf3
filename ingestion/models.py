"""Database models: sources, runs, and each run's per-source and per-URL records."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.db import models

from ingestion.choices import (
    ACTIVE_RUN_STATUSES,
    WORKING_RUN_STATUSES,
    RunStage,
    RunStatus,
    UrlOutcome,
    UrlStage,
)
from ingestion.querysets import IngestionRunQuerySet, RunUrlQuerySet

__all__ = [  # the choices are part of the models' vocabulary, importable from here
    "IngestionRun",
    "RunSource",
    "RunStage",
    "RunStatus",
    "RunUrl",
    "Source",
    "SourceKind",
    "UrlOutcome",
    "UrlStage",
]


# C0 and C1 control characters, DEL and ESC (ANSI sequences start with it): a name holding
# them rewrites the terminal or the page that prints it.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f]")
# An ATS board token is one path segment or subdomain: letters, digits, '.', '_', '~', '-'.
BOARD_TOKEN = re.compile(r"^[\w.~-]+$")


class SourceKind(models.TextChoices):
    CAREERS_PAGE = "careers_page", "Careers page"
    SITEMAP = "sitemap", "Sitemap"
    GREENHOUSE = "greenhouse", "Greenhouse"
    LEVER = "lever", "Lever"
    ASHBY = "ashby", "Ashby"
    WORKABLE = "workable", "Workable"
    SMARTRECRUITERS = "smartrecruiters", "SmartRecruiters"
    WORKDAY = "workday", "Workday"
    RECRUITEE = "recruitee", "Recruitee"
    PERSONIO = "personio", "Personio"
    TEAMTAILOR = "teamtailor", "Teamtailor"
    PINPOINT = "pinpoint", "Pinpoint"
    BAMBOOHR = "bamboohr", "BambooHR"
    RIPPLING = "rippling", "Rippling"
    MANATAL = "manatal", "Manatal"
    ORACLE = "oracle", "Oracle Recruiting Cloud"
    BREEZY = "breezy", "Breezy HR"
    COMEET = "comeet", "Comeet"
    JOIN = "join", "JOIN"
    SUCCESSFACTORS = "successfactors", "SuccessFactors"
    ICIMS = "icims", "iCIMS"
    JOBVITE = "jobvite", "Jobvite"
    JAZZHR = "jazzhr", "JazzHR"
    TALEO = "taleo", "Taleo"


class Source(models.Model):
    """An employer whose job postings JobPipe ingests."""

    name = models.CharField(max_length=200, unique=True, help_text="Operator-facing name.")
    org_name = models.CharField(
        max_length=200, help_text="Employer name used when a page does not state it."
    )
    kind = models.CharField(max_length=32, choices=SourceKind.choices)
    url = models.URLField(
        max_length=2000,
        blank=True,
        help_text="Careers page or sitemap URL (careers_page and sitemap kinds).",
    )
    board_token = models.CharField(
        max_length=200, blank=True, help_text="Board identifier on the ATS (ATS kinds)."
    )
    config = models.JSONField(
        default=dict,
        blank=True,
        help_text="Adapter options, e.g. {'job_url_pattern': '/jobs/'}.",
    )
    enabled = models.BooleanField(default=True, help_text="Disabled sources are never run.")
    cadence_minutes = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="Run automatically every this many minutes (Beat); empty: only when started.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        """A page or sitemap source needs its http(s) URL, an ATS source its board token: a
        source without one would list nothing, and an empty listing must never look real."""
        for field in ("name", "org_name"):
            if CONTROL_CHARACTERS.search(getattr(self, field) or ""):
                raise ValidationError({field: "control characters are not allowed"})
        if self.url and not self.url.lower().startswith(("http://", "https://")):
            scheme = self.url.split(":", 1)[0]
            raise ValidationError({"url": f"a source needs an http(s) URL, not {scheme}:"})
        if self.kind in (SourceKind.CAREERS_PAGE, SourceKind.SITEMAP):
            if not self.url:
                raise ValidationError({"url": f"a {self.kind} source needs an http(s) URL"})
        elif self.kind and not self.board_token.strip():
            raise ValidationError({"board_token": f"a {self.kind} source needs a board token"})
        elif self.kind and not BOARD_TOKEN.match(self.board_token):
            raise ValidationError(
                {"board_token": "a board token is letters, digits, '.', '_', '~' and '-' only"}
            )
        delist_after = (
            (self.config or {}).get("delist_after") if isinstance(self.config, dict) else None
        )
        if delist_after is not None and (
            isinstance(delist_after, bool) or not isinstance(delist_after, int) or delist_after < 1
        ):
            raise ValidationError({"config": "delist_after must be a whole number of at least 1"})

    def snapshot(self) -> dict:
        """The fields a run records about this source when it starts."""
        return {
            "id": self.id,
            "name": self.name,
            "org_name": self.org_name,
            "kind": self.kind,
            "url": self.url,
            "board_token": self.board_token,
            "config": self.config,
        }


class IngestionRun(models.Model):
    """One pass over a set of sources: discover, archive, crawl, extract, insert."""

    status = models.CharField(
        max_length=32, choices=RunStatus.choices, default=RunStatus.PENDING, db_index=True
    )
    current_stage = models.CharField(
        max_length=32,
        choices=RunStage.choices,
        default=RunStage.PENDING,
        help_text="What the run is doing now, for dashboards.",
    )
    sources = models.JSONField(
        default=list, help_text="Snapshot of the sources this run covers, taken at creation."
    )
    options = models.JSONField(
        default=dict,
        help_text="Settings snapshot for this run: use_storage, shadow_mode, target table.",
    )
    sources_pending = models.PositiveIntegerField(
        default=0, help_text="Sources whose discovery has not settled yet."
    )
    total_jobs_found = models.PositiveIntegerField(default=0, help_text="URLs discovered.")
    jobs_processed = models.PositiveIntegerField(default=0, help_text="URLs settled.")
    jobs_added = models.PositiveIntegerField(default=0)
    jobs_updated = models.PositiveIntegerField(default=0, help_text="Changed or restored jobs.")
    jobs_skipped = models.PositiveIntegerField(
        default=0, help_text="Unchanged jobs, pages without a job, jobs missing required fields."
    )
    jobs_failed = models.PositiveIntegerField(default=0)
    jobs_archived = models.PositiveIntegerField(
        default=0, help_text="Jobs soft-deleted because their source no longer lists them."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    last_heartbeat = models.DateTimeField(
        null=True, blank=True, help_text="Touched by every task working for this run."
    )
    retry_count = models.PositiveIntegerField(
        default=0, help_text="How many times recovery re-drove this run."
    )
    error_message = models.TextField(blank=True)

    objects = IngestionRunQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            # The stale-run sweeper scans only active runs by heartbeat.
            models.Index(
                fields=["last_heartbeat"],
                name="ingestionrun_active_heartbeat",
                condition=models.Q(status__in=WORKING_RUN_STATUSES),
            ),
        ]

    def __str__(self) -> str:
        return f"Run {self.pk} ({self.status})"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_RUN_STATUSES

    def snapshot_of(self, source_id: int) -> dict:
        """The run's snapshot of source `source_id` (Source.snapshot() when the run began)."""
        return next(s for s in self.sources if s["id"] == source_id)


class RunSource(models.Model):
    """A source's discovery within a run; settled exactly once."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        DISCOVERED = "discovered", "Discovered"
        FAILED = "failed", "Failed"

    run = models.ForeignKey(IngestionRun, on_delete=models.CASCADE, related_name="run_sources")
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="run_sources")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    urls_found = models.PositiveIntegerField(default=0)
    complete = models.BooleanField(
        default=False, help_text="Discovery saw the full listing; only then is archiving allowed."
    )
    archived = models.PositiveIntegerField(default=0)
    listed = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="URLs the listing showed (the mass-archive guard's median).",
    )
    archive_held = models.BooleanField(
        default=False,
        db_default=False,
        help_text="The mass-archive guard held this listing's archive.",
    )
    note = models.TextField(
        blank=True, help_text="Why discovery failed or why archiving was skipped."
    )
    settled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["run", "source"], name="runsource_unique_run_source")
        ]

    def __str__(self) -> str:
        return f"Run {self.run_id} / source {self.source_id}: {self.status}"


class UnchangedBy(models.TextChoices):
    NOT_MODIFIED = "not_modified", "Not modified (304 to a conditional GET)"
    SAME_BODY = "same_body", "Same body as the last fetch"
    LASTMOD = "lastmod", "Not changed since the last fetch, says the sitemap (no request)"
    LISTING = "listing", "Same ATS listing entry as at the last detail fetch (no request)"


class RunUrl(models.Model):
    """One URL of a run, with the stage it reached and how it ended."""

    run = models.ForeignKey(IngestionRun, on_delete=models.CASCADE, related_name="urls")
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="run_urls")
    url = models.URLField(max_length=2000, help_text="Canonical URL of the job page.")
    stage = models.CharField(max_length=16, choices=UrlStage.choices, default=UrlStage.DISCOVERED)
    outcome = models.CharField(
        max_length=16, choices=UrlOutcome.choices, blank=True, help_text="Empty until settled."
    )
    http_status = models.PositiveSmallIntegerField(null=True, blank=True)
    lastmod = models.DateTimeField(
        null=True, blank=True, help_text="When the listing (a sitemap) says the page changed."
    )
    listing_key = models.CharField(
        max_length=32,
        blank=True,
        default="",
        db_default="",
        help_text="Hash of the ATS listing entry whose detail gave this URL's record (its "
        "updated_at, else the entry itself); kept in PageState for the next run.",
    )
    anchor_text = models.CharField(
        max_length=300,
        blank=True,
        default="",
        db_default="",
        help_text="The text of the link a careers page lists this URL under: a title "
        "candidate for extraction.",
    )
    unchanged_by = models.CharField(
        max_length=16,
        blank=True,
        default="",
        db_default="",
        choices=UnchangedBy.choices,
        help_text="Why an unchanged URL was settled without extraction (empty: extracted).",
    )
    error_class = models.CharField(max_length=64, blank=True, help_text="e.g. http_404, timeout.")
    error_message = models.TextField(blank=True)
    attempts = models.PositiveIntegerField(default=0, help_text="Fetch attempts.")
    attempt_task = models.CharField(
        max_length=64,
        blank=True,
        default="",
        db_default="",
        help_text="The crawl task that spent the last attempt: a message delivered twice "
        "spends one attempt, not two.",
    )
    claimed_by = models.CharField(
        max_length=64,
        blank=True,
        default="",
        db_default="",
        help_text="The crawl task that took this URL ahead of its own batch (its batch ran out "
        "of work first); other tasks leave the URL alone while that task's lease lives.",
    )
    extracted = models.JSONField(
        null=True, blank=True, help_text="Extracted fields, handed from the crawl to the insert."
    )
    detail = models.JSONField(
        null=True,
        blank=True,
        help_text="An ATS posting whose detail the crawl stage reads instead of a page: the "
        "request and the listing entry (ingestion.sources.read_detail).",
    )
    job_id = models.UUIDField(null=True, blank=True, help_text="The job row this URL produced.")
    created_at = models.DateTimeField(auto_now_add=True)
    fetched_at = models.DateTimeField(null=True, blank=True)
    settled_at = models.DateTimeField(null=True, blank=True)

    objects = RunUrlQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["run", "url"], name="runurl_unique_run_url")]
        indexes = [
            # Recovery re-drives a run's unsettled URLs.
            models.Index(fields=["run"], name="runurl_unsettled", condition=models.Q(outcome="")),
        ]

    def __str__(self) -> str:
        return f"{self.url} [{self.outcome or self.stage}]"


class HeldArchive(models.Model):
    """An archive the mass-archive guard would not do alone: the jobs a listing left out, held
    until an operator approves (exactly these jobs are archived) or rejects it."""

    class Status(models.TextChoices):
        HELD = "held", "Held"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"

    run = models.ForeignKey(IngestionRun, on_delete=models.CASCADE, related_name="held_archives")
    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="held_archives")
    table = models.CharField(max_length=32, help_text="The jobs table the jobs are in.")
    job_ids = models.JSONField(default=list, help_text="The jobs approval archives.")
    active = models.PositiveIntegerField(help_text="The source's active jobs at the time.")
    listed = models.PositiveIntegerField(help_text="URLs the listing showed.")
    reason = models.TextField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.HELD)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.CharField(max_length=150, blank=True)
    archived = models.PositiveIntegerField(default=0, help_text="Jobs archived on approval.")

    def __str__(self) -> str:
        return f"{self.source} / run {self.run_id}: {len(self.job_ids)} jobs {self.status}"


class PageState(models.Model):
    """What the last fetch of a job's page said: its validators for the next run's conditional
    GET, its body's hash, and when it was last extracted in full (the periodic re-verify)."""

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="+")
    url = models.URLField(max_length=2000)
    table = models.CharField(max_length=32, help_text="The jobs table its job is in.")
    job_id = models.UUIDField(help_text="The job this page gave at its last full extraction.")
    etag = models.CharField(max_length=300, blank=True)
    last_modified = models.CharField(max_length=100, blank=True)
    body_hash = models.CharField(max_length=32, blank=True, help_text="MD5 of the body.")
    listing_key = models.CharField(
        max_length=32,
        blank=True,
        default="",
        db_default="",
        help_text="An ATS posting's listing entry at its last detail fetch: the next run "
        "reads the detail again only when the entry differs (or the re-verify is due).",
    )
    fetched_at = models.DateTimeField()
    verified_at = models.DateTimeField(help_text="When the page was last extracted in full.")

    class Meta:
        db_table = "page_states"
        constraints = [
            models.UniqueConstraint(fields=["source", "url", "table"], name="page_state_unique")
        ]

    def __str__(self) -> str:
        return self.url
