"""The stale-run sweeper: find runs that stopped beating and re-drive them from PostgreSQL.

A run in archiving/ingesting whose last heartbeat (or start) is older than the threshold is
stale: its worker died, its messages were lost with Redis, or a task is wedged. The sweeper
claims it with a compare-and-set on (status, last_heartbeat), so a run that beats or finishes
meanwhile is left alone and two sweepers recover a run once. Recovery re-enqueues the run's
unfinished work from the database (every task is idempotent, so work still in the broker is
harmless), and after JOBPIPE_STALE_MAX_RETRIES recoveries fails the run, revokes its tasks and
opens an incident.
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, F, Max, OuterRef, Q
from django.utils import timezone

from ingestion import claims, runs
from ingestion.choices import FINISHED_RUN_STATUSES
from ingestion.models import IngestionRun, RunSource, RunStatus, RunUrl
from tracking import ledger
from tracking.incidents import Finding, apply
from tracking.ledger import revoke_outstanding
from tracking.models import PipelineJob, PipelineJobStatus

IdsCallback = Callable[[int, list[int]], object]  # (run_id, ids) -> anything


@dataclass(frozen=True)
class Redrive:
    """How to re-enqueue each stage's work (the Celery tasks, or anything in tests)."""

    discover: IdsCallback
    crawl: IdsCallback  # a batch fetches what is discovered and inserts what is extracted


@dataclass
class SweepReport:
    recovered: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)
    redriven_urls: int = 0
    stale_tasks: int = 0

    def as_dict(self) -> dict:
        return {
            "recovered": self.recovered,
            "failed": self.failed,
            "redriven_urls": self.redriven_urls,
            "stale_tasks": self.stale_tasks,
        }


def sweep(
    redrive: Redrive,
    *,
    now: datetime.datetime | None = None,
    threshold: datetime.timedelta | None = None,
    limit: int = 100,
) -> SweepReport:
    """Recover at most `limit` stale runs and close stale ledger rows."""
    now = now or timezone.now()
    threshold = threshold or datetime.timedelta(seconds=settings.JOBPIPE_STALE_RUN_SECONDS)
    report = SweepReport()
    stale = IngestionRun.objects.stale(now - threshold).order_by("id")[:limit]
    for run in stale:
        outcome = recover_run(run, redrive, now=now)
        if outcome == "failed":
            report.failed.append(run.id)
        elif isinstance(outcome, int):
            report.recovered.append(run.id)
            report.redriven_urls += outcome
    report.stale_tasks = close_stale_tasks(now=now)
    return report


def recover_run(run: IngestionRun, redrive: Redrive, *, now: datetime.datetime) -> int | str | None:
    """Claim one stale run observed as `run`; None if someone else got there first.

    Returns "failed" when the run ran out of retries, else how many URLs were re-driven.
    """
    claim = IngestionRun.objects.filter(id=run.id, status=run.status)
    claim = (
        claim.filter(last_heartbeat=run.last_heartbeat)
        if run.last_heartbeat
        else claim.filter(last_heartbeat__isnull=True)
    )
    with transaction.atomic():
        won = claim.update(retry_count=F("retry_count") + 1, last_heartbeat=now)
        if won != 1:
            return None
        retries = run.retry_count + 1
        if retries > settings.JOBPIPE_STALE_MAX_RETRIES:
            return _give_up(run, retries)
        return _redrive(run.id, redrive)


def _give_up(run: IngestionRun, retries: int) -> str:
    # Not the last heartbeat: each recovery set that to its own time.
    progress = RunUrl.objects.filter(run_id=run.id).aggregate(last=Max("settled_at"))["last"]
    message = (
        f"stale: no URL settled since {progress or run.started_at}; "
        f"recovered {retries - 1} times without finishing"
    )
    if runs.fail_run(run.id, message):
        revoke_outstanding(run.id, message)
        unsettled = RunUrl.objects.filter(run_id=run.id).unsettled().count()
        apply(
            Finding(
                f"run_failed:{run.id}",
                "critical",
                summary=f"Run {run.id} failed after {retries - 1} recoveries: {message}.",
                metrics={
                    "run_id": run.id,
                    "status_before": run.status,
                    "retry_count": retries - 1,
                    "total_jobs_found": run.total_jobs_found,
                    "jobs_processed": run.jobs_processed,
                    "unsettled_urls": unsettled,
                },
                actions=[
                    "Check that workers are running: celery -A jobpipe inspect ping",
                    "Read the run's failed tasks in /admin/tracking/pipelinejob/",
                    "Start a new run for its sources once the cause is fixed.",
                ],
            ),
            run_id=run.id,
        )
    return "failed"


def _redrive(run_id: int, redrive: Redrive) -> int:
    run = IngestionRun.objects.get(id=run_id)
    if run.status == RunStatus.ARCHIVING:
        _redrive_discovery(run_id, redrive)
        return 0
    return _redrive_crawl(run_id, redrive)


def _redrive_discovery(run_id: int, redrive: Redrive, source_ids: list | None = None) -> None:
    """Discover the run's pending sources again (of `source_ids`, when given); with none
    pending, every source was discovered but the hand-over to ingesting, or the crawl of what
    the sources listed, was lost: do it."""
    pending = RunSource.objects.filter(run_id=run_id, status=RunSource.Status.PENDING)
    if source_ids is not None:
        pending = pending.filter(id__in=source_ids)
    ids = list(pending.values_list("id", flat=True))
    if ids:
        redrive.discover(run_id, ids)
        return
    crawl = functools.partial(redrive.crawl, run_id)
    if not runs.begin_ingesting(run_id, crawl, recovering=True) and source_ids is not None:
        # Recorded, but the task may have died before it enqueued their crawl.
        runs.crawl_discovered(run_id, runs.sources_by_run(source_ids).get(run_id, []), crawl)


def _redrive_crawl(run_id: int, redrive: Redrive, url_ids: list | None = None) -> int:
    """Crawl the run's unsettled URLs again (of `url_ids`, when given); with none left, the run
    may be done. Returns how many URLs were re-driven."""
    unsettled = RunUrl.objects.filter(run_id=run_id).unsettled()
    if url_ids is not None:
        unsettled = unsettled.filter(id__in=url_ids)
    else:  # the whole run stopped: no batch of it works any more
        claims.forget(run_id)
    ids = list(unsettled.order_by("id").values_list("id", flat=True))
    if ids:
        redrive.crawl(run_id, ids)
    else:
        runs.complete_if_done(run_id)
    return len(ids)


def close_stale_tasks(*, now: datetime.datetime | None = None) -> int:
    """Fail ledger rows that will never finish on their own:

    - running past the hard time limit (plus grace): the worker that ran them is gone;
    - queued for a run that has ended: the task would do nothing;
    - queued without a run for longer than the broker's visibility timeout: the message is lost.

    Their work is not lost: the RunUrl rows say what is unfinished and the run sweeper
    re-drives it. A row closed here that runs after all still moves on to finished.
    """
    now = now or timezone.now()
    grace = settings.JOBPIPE_STALE_RUN_SECONDS
    running_cutoff = now - datetime.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + grace)
    lost_cutoff = now - datetime.timedelta(
        seconds=settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] + grace
    )
    ended = FINISHED_RUN_STATUSES
    stale = PipelineJob.objects.filter(
        Q(status=PipelineJobStatus.RUNNING, started_at__lt=running_cutoff)
        | Q(status=PipelineJobStatus.QUEUED, run__status__in=ended)
        | Q(status=PipelineJobStatus.QUEUED, run__isnull=True, created_at__lt=lost_cutoff)
    )
    ids = list(stale.values_list("id", flat=True)[:10000])
    return PipelineJob.objects.filter(
        id__in=ids, status__in=[PipelineJobStatus.QUEUED, PipelineJobStatus.RUNNING]
    ).update(
        status=PipelineJobStatus.FAILED,
        error="stale: running past its time limit, or queued for an ended run or lost message",
        finished_at=now,
    )


# --- the watchdog: lost tasks found from the ledger, in about a minute -----------------------


@dataclass
class WatchReport:
    lost_workers: int = 0  # running tasks whose lease lapsed
    lost_messages: int = 0  # queued tasks the broker no longer holds
    stalled_runs: list[int] = field(default_factory=list)  # active, nothing outstanding
    redriven_urls: int = 0

    def as_dict(self) -> dict:
        return {
            "lost_workers": self.lost_workers,
            "lost_messages": self.lost_messages,
            "stalled_runs": self.stalled_runs,
            "redriven_urls": self.redriven_urls,
        }


def watch(
    redrive: Redrive,
    *,
    now: datetime.datetime | None = None,
    broker_ids: Callable[[list[str]], ledger.BrokerView | None] = ledger.broker_task_ids,
    held_by_workers: Callable[[], set[str] | None] = ledger.held_by_workers,
) -> WatchReport:
    """Find lost work from the ledger and re-drive it, without waiting for a timeout:

    - a running task whose lease (renewed every JOBPIPE_TASK_LEASE_SECONDS / 4) lapsed: its
      worker is gone;
    - a queued task older than JOBPIPE_LOST_MESSAGE_SECONDS that the broker holds neither in a
      queue nor as delivered and unacknowledged (Redis restarted without its data, a publish
      lost), seen so by two reads of the broker; or that it holds as delivered to a worker
      which no live worker has (reserved by a worker that was killed: Redis would give it
      back only after its visibility timeout, an hour);
    - an active run with nothing queued or running and no progress for a lease: re-driven as
      the stale-run sweeper would (and failed the same way after JOBPIPE_STALE_MAX_RETRIES).

    Each row is claimed with a compare-and-set, so watchdogs in several workers re-drive a task
    once; every task is idempotent, so work that turns out to be alive after all is harmless.
    """
    now = now or timezone.now()
    report = WatchReport()
    redriven: set[int | None] = set()  # runs whose lost tasks were just re-driven
    for row in ledger.expired_leases(now):
        if ledger.claim_lost(row, "its worker stopped renewing the lease", now):
            report.lost_workers += 1
            report.redriven_urls += redrive_task(row, redrive)
            redriven.add(row.run_id)
    for row in _lost_messages(now, broker_ids, held_by_workers):
        if ledger.claim_lost(row, "its message is not in the broker", now):
            report.lost_messages += 1
            report.redriven_urls += redrive_task(row, redrive)
            redriven.add(row.run_id)
    quiet = now - datetime.timedelta(seconds=settings.JOBPIPE_TASK_LEASE_SECONDS)
    outstanding = PipelineJob.objects.unfinished().filter(run_id=OuterRef("id"))
    stalled = (
        IngestionRun.objects.stale(quiet)
        .filter(~Exists(outstanding))
        .exclude(id__in=[run_id for run_id in redriven if run_id is not None])
        .order_by("id")[:100]
    )
    for run in stalled:
        outcome = recover_run(run, redrive, now=now)
        if outcome is not None:
            report.stalled_runs.append(run.id)
            if isinstance(outcome, int):
                report.redriven_urls += outcome
    return report


def _lost_messages(
    now: datetime.datetime,
    broker_ids: Callable[[list[str]], ledger.BrokerView | None],
    held_by_workers: Callable[[], set[str] | None],
) -> list[PipelineJob]:
    candidates = ledger.old_queued(now)
    if not candidates:
        return []
    queues = sorted({row.queue for row in candidates})
    first = broker_ids(queues)
    if first is None:
        return []
    absent = {row.id for row in candidates if not first.holds(row.task_id)}
    delivered = {
        row.id
        for row in candidates
        if row.task_id in first.delivered and row.task_id not in first.waiting
    }
    lost: set = set()
    if absent:
        # Read again: a message moves from the queue to the unacknowledged set in two steps.
        second = broker_ids(queues)
        if second is not None:
            lost |= {
                row.id for row in candidates if row.id in absent and not second.holds(row.task_id)
            }
    if delivered and (held := held_by_workers()) is not None:
        lost |= {row.id for row in candidates if row.id in delivered and row.task_id not in held}
    return [row for row in candidates if row.id in lost]


CRAWL_TASK = "ingestion.crawl_batch"
DISCOVERY_TASKS = ("ingestion.discover_sources", "ingestion.discover_source")
START_TASK = "ingestion.start_run"


def redrive_task(row: PipelineJob, redrive: Redrive) -> int:
    """Re-enqueue what a lost task had not done yet; returns the URLs re-driven. Tasks that are
    not a run's stage (Beat's) are only closed: Beat sends them again."""
    run_id = row.run_id
    args = row.payload.get("args") or []
    if run_id is None or not runs.is_active(run_id):
        return 0
    if row.task_name == CRAWL_TASK and len(args) >= 2:
        # Its own URLs, and those it took ahead of their batches (ingestion.claims).
        return _redrive_crawl(run_id, redrive, [*args[1], *claims.forget(run_id, row.task_id)])
    if row.task_name in DISCOVERY_TASKS and args:
        _redrive_discovery(run_id, redrive, args[0] if isinstance(args[0], list) else [args[0]])
        return 0
    if row.task_name == START_TASK:
        runs.begin_run(run_id, lambda ids: redrive.discover(run_id, ids))
    return 0
