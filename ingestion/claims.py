"""Which crawl task works on a URL.

A batch spends an attempt on each URL it is about to fetch and marks the URL with its task id:
`attempt_task` (the same message delivered twice spends one attempt) and `claimed_by` (another
task given the same URL, a batch enqueued twice or re-driven while this one still works, leaves
it alone while this task's ledger lease lives: `spend_attempts`). A batch whose own URLs run
low takes more of its run's URLs that no task has started (`take_unstarted`), instead of
sitting out its slowest host while another process's batch waits in the queue; the batch they
were cut into, when its message comes, finds them claimed. A URL a task hands on (a retry
batch, a carry-over) loses its claim (`release`); a task that dies leaves claims whose lease
lapses, and the watchdog re-drives them with the task's own URLs.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import F, Window
from django.db.models.functions import RowNumber

from ingestion.models import RunUrl, UrlStage
from tracking import ledger


def spend_attempts(url_ids: list[int], task_id: str) -> tuple[set[int], set[int]]:
    """Count one attempt for each URL about to be fetched, unless this task already did (a
    duplicate delivery). Returns (the URLs whose attempt this call spent, the URLs another
    live task took ahead of this batch: not to be fetched here). Spent before the fetch, so a
    page that kills its worker still runs out of attempts."""
    if not url_ids:
        return set(), set()
    if not task_id:
        RunUrl.objects.filter(id__in=url_ids).update(attempts=F("attempts") + 1)
        return set(url_ids), set()
    with transaction.atomic():
        rows = list(
            RunUrl.objects.select_for_update()
            .filter(id__in=url_ids)
            .values_list("id", "attempt_task", "claimed_by")
        )
        takers = {claim for _, _, claim in rows if claim and claim != task_id}
        live = ledger.live_task_ids(takers)
        elsewhere = {url_id for url_id, _, claim in rows if claim in live}
        mine = {
            url_id
            for url_id, attempt_task, _ in rows
            if attempt_task != task_id and url_id not in elsewhere
        }
        RunUrl.objects.filter(id__in=mine).update(
            attempts=F("attempts") + 1, attempt_task=task_id, claimed_by=task_id
        )
    return mine, elsewhere


def take_unstarted(run_id: int, task_id: str, limit: int, per_source: int = 4) -> list[int]:
    """Claim up to `limit` of the run's URLs that no task has started, at most `per_source` of
    a source, sources taking turns (each source's first unstarted URL, then each one's second
    ...), and spend their attempt; returns their ids. Two takers never get the same URL (rows
    locked, locked ones skipped)."""
    turn = Window(RowNumber(), partition_by=[F("source_id")], order_by=F("id").asc())
    unstarted = RunUrl.objects.filter(
        run_id=run_id, outcome="", stage=UrlStage.DISCOVERED, attempt_task="", claimed_by=""
    )
    candidates = list(
        unstarted.annotate(turn=turn)
        .filter(turn__lte=per_source)
        .order_by("turn", "id")
        .values_list("id", flat=True)[:limit]
    )
    if not candidates:
        return []
    with transaction.atomic():
        taken = list(
            unstarted.select_for_update(skip_locked=True)
            .filter(id__in=candidates)
            .values_list("id", flat=True)
        )
        RunUrl.objects.filter(id__in=taken).update(
            attempts=F("attempts") + 1, attempt_task=task_id, claimed_by=task_id
        )
    place = {url_id: n for n, url_id in enumerate(candidates)}
    return sorted(taken, key=place.__getitem__)


def release(url_ids: list[int], task_id: str) -> None:
    """The task hands these URLs on (to a retry batch, a carry-over): its claim ends."""
    if url_ids and task_id:
        RunUrl.objects.filter(id__in=url_ids, claimed_by=task_id).update(claimed_by="")


def claimed(run_id: int, task_id: str) -> list[int]:
    """The run's unsettled URLs `task_id` took ahead of their batches (for the watchdog)."""
    return list(
        RunUrl.objects.filter(run_id=run_id, claimed_by=task_id)
        .unsettled()
        .order_by("id")
        .values_list("id", flat=True)
    )
