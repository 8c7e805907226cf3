"""A run's life: create, begin, hand over to ingesting, settle URLs, complete.

Every status change is a compare-and-set (`filter(status=OLD).update(status=NEW)`) whose row
count says who won, and every counter moves with F() inside the transaction that settles the
row it counts, so a task that runs twice changes nothing the second time.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from extraction.models import JobTable
from ingestion import verdict
from ingestion.choices import OUTCOME_COUNTERS, RunStage
from ingestion.models import (
    IngestionRun,
    RunSource,
    RunStatus,
    RunUrl,
    Source,
    SourceKind,
    UrlOutcome,
    UrlStage,
)
from jobpipe import bulk, metrics
from tracking.ledger import close_queued, revoke_outstanding


class RunError(ValueError):
    """A run cannot be created or changed as asked."""


def run_options(*, use_storage: bool | None = None, shadow_mode: bool | None = None) -> dict:
    """The settings a run works with, fixed at creation so a run is consistent throughout."""
    use_storage = settings.EXTRACTION_USE_STORAGE if use_storage is None else use_storage
    shadow_mode = settings.EXTRACTION_SHADOW_MODE if shadow_mode is None else shadow_mode
    return {
        "use_storage": use_storage,
        "shadow_mode": shadow_mode,
        "target_table": JobTable.SHADOW if shadow_mode else JobTable(settings.JOBS_TABLE),
    }


def create_run(sources: Iterable[Source], **options: bool | None) -> IngestionRun:
    sources = list(sources)
    if not sources:
        raise RunError("a run needs at least one source")
    disabled = [s.name for s in sources if not s.enabled]
    if disabled:
        raise RunError(f"disabled sources cannot run: {', '.join(disabled)}")
    with transaction.atomic():
        run = IngestionRun.objects.create(
            sources=[s.snapshot() for s in sources],
            options=run_options(**options),
            sources_pending=len(sources),
        )
        RunSource.objects.bulk_create(RunSource(run=run, source=s) for s in sources)
    return run


def begin_run(run_id: int, enqueue_discovery: Callable[[list[int]], object]) -> bool:
    """pending -> archiving, and enqueue one discovery per source. False if already begun."""
    now = timezone.now()
    with transaction.atomic():
        won = IngestionRun.objects.filter(id=run_id, status=RunStatus.PENDING).update(
            status=RunStatus.ARCHIVING,
            current_stage=RunStage.DISCOVERING,
            started_at=now,
            last_heartbeat=now,
        )
        if won != 1:
            return False
        ids = list(RunSource.objects.filter(run_id=run_id).values_list("id", flat=True))
        enqueue_discovery(ids)
    return True


def begin_ingesting(
    run_id: int, enqueue_crawls: Callable[[list[int]], object], *, recovering: bool = False
) -> bool:
    """archiving -> ingesting once every source settled its discovery. Exactly one caller wins
    the compare-and-set; a run that found no URL completes here.

    A run that crawls early (crawls_early) had each source's URLs enqueued as they were
    recorded (crawl_discovered); any other run, or one `recovering` (the hand-over was lost,
    perhaps with a discovery task that died before it enqueued its sources' crawl), has every
    unsettled URL no batch works yet enqueued here.
    """
    now = timezone.now()
    with transaction.atomic():
        won = IngestionRun.objects.filter(
            id=run_id, status=RunStatus.ARCHIVING, sources_pending=0
        ).update(status=RunStatus.INGESTING, current_stage=RunStage.CRAWLING, last_heartbeat=now)
        if won != 1:
            return False
        unsettled = RunUrl.objects.filter(run_id=run_id).unsettled()
        if not unsettled.exists():
            complete_if_done(run_id)
        elif recovering or not crawls_early(IngestionRun.objects.only("sources").get(id=run_id)):
            ids = list(unsettled.unworked().order_by("id").values_list("id", flat=True))
            if ids:
                enqueue_crawls(ids)
    return True


def crawls_early(run: IngestionRun) -> bool:
    """Whether the run crawls a source's URLs as soon as they are recorded: not when it lists
    a careers page beside a sitemap, whose link texts may still reach the sitemap's URLs
    (ingestion.discovery._fill_anchor_texts) before those are fetched."""
    kinds = {source.get("kind") for source in run.sources}
    return not {SourceKind.CAREERS_PAGE, SourceKind.SITEMAP} <= kinds


def crawl_discovered(
    run_id: int, source_ids: list[int], enqueue_crawls: Callable[[list[int]], object]
) -> int:
    """In a run that crawls early, enqueue the crawl of what these sources listed (their
    unsettled URLs no batch works yet) as soon as they are recorded, while the run's other
    sources may still be being discovered; returns how many."""
    run = IngestionRun.objects.only("sources").get(id=run_id)
    if not crawls_early(run):
        return 0
    ids = list(
        RunUrl.objects.filter(run_id=run_id, source_id__in=source_ids)
        .unworked()
        .order_by("id")
        .values_list("id", flat=True)
    )
    if ids:
        enqueue_crawls(ids)
    return len(ids)


def sources_by_run(run_source_ids: list[int]) -> dict[int, list[int]]:
    """The Source ids of these RunSources, by run."""
    found: dict[int, list[int]] = {}
    rows = RunSource.objects.filter(id__in=run_source_ids).values_list("run_id", "source_id")
    for run_id, source_id in rows:
        found.setdefault(run_id, []).append(source_id)
    return found


def touch(run_id: int) -> None:
    IngestionRun.objects.filter(id=run_id).update(last_heartbeat=timezone.now())


def is_active(run_id: int) -> bool:
    return IngestionRun.objects.active().filter(id=run_id).exists()


_SETTLE_FIELDS = [
    "outcome",
    "stage",
    "settled_at",
    "http_status",
    "error_class",
    "error_message",
    "fetched_at",
    "job_id",
    "unchanged_by",
]  # not `extracted`: the job row holds those fields now, and a batch never wrote them down


def settle_locked(run: IngestionRun, run_urls: list[RunUrl]) -> bool:
    """Settle URLs whose rows this transaction locked and found unsettled: one UPDATE for the
    rows, one for the run's counters. Each RunUrl carries its outcome and fields.
    Returns True when these were the run's last URLs and this call completed the run."""
    if not run_urls:
        return False
    now = timezone.now()
    counts: dict[str, int] = {}
    for run_url in run_urls:
        run_url.stage = UrlStage.SETTLED
        run_url.settled_at = now
        counter = OUTCOME_COUNTERS[UrlOutcome(run_url.outcome)]
        counts[counter] = counts.get(counter, 0) + 1
    _write_settled(run_urls)
    IngestionRun.objects.filter(id=run.id).update(
        jobs_processed=F("jobs_processed") + len(run_urls),
        **{counter: F(counter) + n for counter, n in counts.items()},
        last_heartbeat=now,
    )
    table = metrics_table(run)
    settled = [(u.source_id, u.outcome, u.unchanged_by) for u in run_urls]
    transaction.on_commit(lambda: metrics.record_outcomes(run.id, table, settled))
    return complete_if_done(run.id)


def metrics_table(run: IngestionRun) -> str:
    """The table label of a run's outcomes in the metrics ("none" for a dry run)."""
    return run.options.get("target_table", "none") if run.options.get("use_storage") else "none"


def _write_settled(run_urls: list[RunUrl]) -> None:
    """One UPDATE for all rows (jobpipe.bulk.update_rows)."""
    bulk.update_rows(
        RunUrl,
        [{"id": u.id, **{name: getattr(u, name) for name in _SETTLE_FIELDS}} for u in run_urls],
    )


def complete_if_done(run_id: int) -> bool:
    """ingesting -> ended when every discovered URL is settled; exactly one caller wins. The
    run ends completed, completed_with_errors or failed, with the reason (ingestion.verdict)."""
    now = timezone.now()
    won = (
        IngestionRun.objects.filter(
            id=run_id,
            status=RunStatus.INGESTING,
            jobs_processed__gte=F("total_jobs_found"),
        ).update(
            status=RunStatus.COMPLETED,
            current_stage=RunStage.COMPLETED,
            completed_at=now,
            last_heartbeat=now,
        )
        == 1
    )
    if won:
        status, reason = verdict.judge(run_id)
        if status != RunStatus.COMPLETED:
            IngestionRun.objects.filter(id=run_id).update(
                status=status,
                current_stage=RunStage.FAILED if status == RunStatus.FAILED else RunStage.COMPLETED,
                error_message=reason[:5000],
            )
        close_queued(run_id, status)
        started = IngestionRun.objects.values_list("started_at", flat=True).get(id=run_id)
        if started:
            seconds = (now - started).total_seconds()
            transaction.on_commit(lambda: metrics.RUN_DURATION.observe(seconds))
    return won


def fail_run(run_id: int, message: str) -> bool:
    """Mark an active run failed with the reason; a finished run is left alone."""
    now = timezone.now()
    return (
        IngestionRun.objects.active()
        .filter(id=run_id)
        .update(
            status=RunStatus.FAILED,
            current_stage=RunStage.FAILED,
            completed_at=now,
            error_message=message[:5000],
        )
        == 1
    )


def cancel_run(run_id: int, reason: str = "cancelled by an operator") -> IngestionRun:
    """Stop an active run, healthy or stuck, and revoke its outstanding tasks (the tasks also
    see the status and do nothing). The one way an operator ends a run, from every door.

    Raises IngestionRun.DoesNotExist for an unknown id and RunError for a run that has
    already ended (it stays as it ended).
    """
    run = IngestionRun.objects.get(id=run_id)
    won = (
        IngestionRun.objects.active()
        .filter(id=run_id)
        .update(
            status=RunStatus.CANCELLED,
            current_stage=RunStage.CANCELLED,
            completed_at=timezone.now(),
            error_message=reason[:5000],
        )
        == 1
    )
    run.refresh_from_db()
    if not won:
        raise RunError(f"run {run_id} is {run.status}: only an active run can be cancelled")
    revoke_outstanding(run_id, reason)
    return run


RETRYABLE = (
    RunStatus.INGESTING,
    RunStatus.COMPLETED,
    RunStatus.COMPLETED_WITH_ERRORS,
    RunStatus.FAILED,
)


def retry_failed_urls(run_id: int, enqueue: Callable[[int, list[int]], object]) -> int:
    """Put a run's failed URLs back to `discovered` and crawl them again.

    In one transaction: the run row and the failed URL rows are locked, the URLs are reset,
    their contribution leaves jobs_processed/jobs_failed (F()), a finished run reopens as
    ingesting, and the crawl is enqueued on commit; settling them again counts them again, once.
    Returns how many URLs were re-queued (0 when there were none).
    """
    with transaction.atomic():
        run = IngestionRun.objects.select_for_update().get(id=run_id)
        if run.status not in RETRYABLE:
            raise RunError(
                f"run {run_id} is {run.status}: failed URLs can be retried on ingesting, "
                "completed or failed runs"
            )
        ids = list(
            RunUrl.objects.select_for_update()
            .filter(run_id=run_id, outcome=UrlOutcome.FAILED)
            .order_by("id")
            .values_list("id", flat=True)
        )
        if not ids:
            return 0
        RunUrl.objects.filter(id__in=ids).update(
            outcome="",
            stage=UrlStage.DISCOVERED,
            attempts=0,
            http_status=None,
            error_class="",
            error_message="",
            settled_at=None,
        )
        IngestionRun.objects.filter(id=run_id).update(
            status=RunStatus.INGESTING,
            current_stage=RunStage.CRAWLING,
            completed_at=None,
            error_message="",
            jobs_processed=F("jobs_processed") - len(ids),
            jobs_failed=F("jobs_failed") - len(ids),
            last_heartbeat=timezone.now(),
        )
        enqueue(run_id, ids)
    return len(ids)
