"""How a run ends: completed only when everything worked, and the reason in one line."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from ingestion import verdict
from ingestion.models import IngestionRun, RunSource, RunStatus, RunUrl, SourceKind, UrlOutcome
from tests.factories import make_run, make_run_url, make_source

pytestmark = pytest.mark.django_db


def settled_run(sources: int = 1, failed_sources: int = 0, **outcomes: int) -> IngestionRun:
    """A run whose sources are discovered (the first `failed_sources` failed) and whose URLs
    settled with `outcomes` ({"failed": 3, "added": 7, "gone": 1}: gone = failed with 404)."""
    run = make_run([make_source() for _ in range(sources)])
    for n, run_source in enumerate(RunSource.objects.filter(run=run).order_by("id")):
        failed = n < failed_sources
        run_source.status = RunSource.Status.FAILED if failed else RunSource.Status.DISCOVERED
        run_source.complete = not failed
        run_source.note = "http_503" if failed else ""
        run_source.save()
    total = 0
    for outcome, count in outcomes.items():
        for _ in range(count):
            url = make_run_url(run)
            status = 404 if outcome == "gone" else None
            RunUrl.objects.filter(id=url.id).update(
                outcome=UrlOutcome.FAILED if outcome == "gone" else outcome, http_status=status
            )
            total += 1
    IngestionRun.objects.filter(id=run.id).update(total_jobs_found=total)
    return run


@pytest.mark.parametrize(
    ("shape", "status", "reason"),
    [
        ({"added": 10}, RunStatus.COMPLETED, ""),
        ({"added": 9, "failed": 1}, RunStatus.COMPLETED, "1 of 10 URLs failed (10%)"),
        ({"added": 8, "failed": 2}, RunStatus.COMPLETED_WITH_ERRORS, "2 of 10 URLs failed (20%)"),
        ({"failed": 120}, RunStatus.FAILED, "120 of 120 URLs failed (100%)"),
        ({"added": 2, "gone": 8}, RunStatus.COMPLETED, ""),  # withdrawn pages: no failure
    ],
)
def test_the_share_of_failed_urls_decides(shape, status, reason):
    run = settled_run(**shape)

    assert verdict.judge(run.id) == (status, reason)


def test_a_failed_discovery_is_an_error_and_all_of_them_a_failure():
    some = settled_run(sources=9, failed_sources=4, added=5)
    every = settled_run(sources=1, failed_sources=1)

    status, reason = verdict.judge(some.id)
    assert status == RunStatus.COMPLETED_WITH_ERRORS
    assert reason.startswith("4 of 9 sources failed discovery (")
    assert verdict.judge(every.id)[0] == RunStatus.FAILED


def test_a_partial_listing_and_a_held_archive_are_errors():
    run = settled_run(sources=2, added=3)
    first, second = RunSource.objects.filter(run=run).order_by("id")
    RunSource.objects.filter(id=first.id).update(complete=False)
    RunSource.objects.filter(id=second.id).update(archive_held=True)

    status, reason = verdict.judge(run.id)

    assert status == RunStatus.COMPLETED_WITH_ERRORS
    assert "1 of 2 sources listed only partly" in reason
    assert f"archive held for an operator: {second.source.name}" in reason


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"kind": SourceKind.CAREERS_PAGE, "url": ""}, r"needs an http\(s\) URL"),
        ({"kind": SourceKind.SITEMAP, "url": "ftp://127.0.0.1/s.xml"}, r"needs an http\(s\) URL"),
        ({"kind": SourceKind.GREENHOUSE, "url": "", "board_token": " "}, "needs a board token"),
        ({"config": {"delist_after": 0}}, "delist_after must be a whole number"),
    ],
)
def test_a_source_that_would_list_nothing_is_refused(fields, message):
    source = make_source()
    for name, value in fields.items():
        setattr(source, name, value)

    with pytest.raises(ValidationError, match=message):
        source.full_clean()
