"""Which crawl task works on a URL.

A batch spends an attempt on each URL it is about to fetch and marks the URL with its task id
(`attempt_task`: the same message delivered twice spends one attempt) and with its claim
(`claimed_by`: this execution of the task). Another batch given the same URL (a batch enqueued
twice, a message delivered twice, a re-drive while this one still works) leaves it alone while
the claim lives: a Redis key the batch renews while it runs (`Claim`). A batch whose own URLs
run low takes more of its run's URLs that no task has started (`take_unstarted`), instead of
sitting out its slowest host while another process's batch waits in the queue; the batch they
were cut into, when its message comes, finds them claimed. A URL a batch hands on (a retry
batch, a carry-over) loses its claim (`release`); a batch that dies leaves claims whose key
expires, and the watchdog re-drives them with the task's own URLs.
"""

from __future__ import annotations

import contextlib
import secrets
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

import redis
from django.conf import settings
from django.db import transaction
from django.db.models import F, Window
from django.db.models.functions import RowNumber

from ingestion.models import RunUrl, UrlStage
from ingestion.shared_state import store


@dataclass
class Claim:
    """One execution of a crawl task: `id` ("<task id>:<random>") marks the URLs it works; it
    lives while its key does (JOBPIPE_TASK_LEASE_SECONDS, renewed by `renew`)."""

    task_id: str
    id: str = field(init=False)
    renewed_at: float = 0.0

    def __post_init__(self) -> None:
        self.id = f"{self.task_id}:{secrets.token_hex(4)}" if self.task_id else ""

    def hold(self) -> None:
        """Mark this claim live (before it marks any URL), and again every lease / 4. With
        Redis unreachable it is not seen: at worst another batch fetches its URLs again."""
        if self.id:
            self.renewed_at = time.monotonic()
            with contextlib.suppress(redis.RedisError):
                store().set(_key(self.id), "1", settings.JOBPIPE_TASK_LEASE_SECONDS)

    def renew(self) -> None:
        if (
            self.id
            and time.monotonic() - self.renewed_at >= settings.JOBPIPE_TASK_LEASE_SECONDS / 4
        ):
            self.hold()

    def drop(self) -> None:
        if self.id:
            with contextlib.suppress(redis.RedisError):  # else its key expires
                store().delete(_key(self.id))


@contextlib.contextmanager
def held(task_id: str) -> Iterator[Claim]:
    """A claim for this execution of `task_id`, live until the block ends."""
    claim = Claim(task_id)
    claim.hold()
    try:
        yield claim
    finally:
        claim.drop()


def _key(claim_id: str) -> str:
    return f"jp:claim:{claim_id}"


def live_claims(claim_ids: set[str]) -> set[str]:
    """Of `claim_ids`, the ones whose batch still runs; with Redis unreachable, all of them
    (a URL left alone now is re-driven later; one fetched twice is not)."""
    ids = sorted(claim_ids)
    if not ids:
        return set()
    try:
        values = store().get_many(*(_key(claim_id) for claim_id in ids))
    except redis.RedisError:
        return set(ids)
    return {claim_id for claim_id, value in zip(ids, values, strict=True) if value is not None}


def spend_attempts(url_ids: list[int], task_id: str, claim: str = "") -> tuple[set[int], set[int]]:
    """Count one attempt for each URL about to be fetched, unless this task already did (a
    duplicate delivery), and mark it with `claim`. Returns (the URLs whose attempt this call
    spent, the URLs another live claim holds or that were settled since they were read: not
    to be fetched here). Spent before the fetch, so a page that kills its worker still runs
    out of attempts."""
    if not url_ids:
        return set(), set()
    if not task_id:
        RunUrl.objects.filter(id__in=url_ids).update(attempts=F("attempts") + 1)
        return set(url_ids), set()
    with transaction.atomic():
        rows = list(  # settled meanwhile (by a batch that had taken them): not to fetch
            RunUrl.objects.select_for_update()
            .filter(id__in=url_ids, outcome="")
            .values_list("id", "attempt_task", "claimed_by")
        )
        live = live_claims({held for _, _, held in rows if held and held != claim})
        elsewhere = {url_id for url_id, _, held in rows if held in live}
        elsewhere |= set(url_ids) - {url_id for url_id, _, _ in rows}
        mine = {
            url_id
            for url_id, attempt_task, _ in rows
            if attempt_task != task_id and url_id not in elsewhere
        }
        RunUrl.objects.filter(id__in=mine).update(
            attempts=F("attempts") + 1, attempt_task=task_id, claimed_by=claim
        )
        if again := set(url_ids) - mine - elsewhere:  # this task's own, delivered again
            RunUrl.objects.filter(id__in=again).update(claimed_by=claim)
    return mine, elsewhere


def take_unstarted(
    run_id: int, task_id: str, claim: str, limit: int, per_source: int = 4
) -> list[int]:
    """Claim up to `limit` of the run's URLs that no task has started, at most `per_source` of
    a source, sources taking turns (each source's first unstarted URL, then each one's second
    ...), and spend their attempt; returns their ids. Two takers never get the same URL (rows
    locked, locked ones skipped)."""
    turn = Window(RowNumber(), partition_by=[F("source_id")], order_by=F("id").asc())
    unstarted = RunUrl.objects.filter(run_id=run_id, stage=UrlStage.DISCOVERED).unworked()
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
            attempts=F("attempts") + 1, attempt_task=task_id, claimed_by=claim
        )
    place = {url_id: n for n, url_id in enumerate(candidates)}
    return sorted(taken, key=place.__getitem__)


def release(url_ids: list[int], claim: str) -> None:
    """The batch hands these URLs on (to a retry batch, a carry-over): its claim ends."""
    if url_ids and claim:
        RunUrl.objects.filter(id__in=url_ids, claimed_by=claim).update(claimed_by="")


def forget(run_id: int, task_id: str | None = None) -> list[int]:
    """The watchdog found `task_id` lost (None: every task of the run stopped): its claims on
    the run's unsettled URLs end, whatever their keys say. Returns those URLs."""
    held = RunUrl.objects.filter(run_id=run_id).unsettled().exclude(claimed_by="")
    if task_id is not None:
        held = held.filter(claimed_by__startswith=f"{task_id}:")
    ids = list(held.order_by("id").values_list("id", flat=True))
    RunUrl.objects.filter(id__in=ids).update(claimed_by="")
    return ids
