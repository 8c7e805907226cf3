"""How a run ended, honestly: completed only when everything worked.

- failed: nothing worked (every source's discovery failed, or every URL failed);
- completed_with_errors: a source's discovery failed or saw only part of its listing, an
  archive was held for an operator, or more than JOBPIPE_RUN_FAILED_SHARE of the URLs failed;
- completed: otherwise.

A page that answered 404 or 410 is a job that is gone, not a failure of the run: it does not
count against the share (the listing linked a withdrawn posting).
"""

from __future__ import annotations

from django.conf import settings

from ingestion.choices import RunStatus, UrlOutcome
from ingestion.models import IngestionRun, RunSource, RunUrl

GONE = (404, 410)


def judge(run_id: int) -> tuple[str, str]:
    """(status, one-line reason) of a run whose URLs are all settled."""
    run = IngestionRun.objects.get(id=run_id)
    sources = list(RunSource.objects.filter(run_id=run_id).select_related("source"))
    failed_sources = [s for s in sources if s.status == RunSource.Status.FAILED]
    partial = [s for s in sources if s.status == RunSource.Status.DISCOVERED and not s.complete]
    held = [s for s in sources if s.archive_held]
    failed_urls = (
        RunUrl.objects.filter(run_id=run_id, outcome=UrlOutcome.FAILED)
        .exclude(http_status__in=GONE)
        .count()
    )
    total = run.total_jobs_found
    problems = []
    if failed_sources:
        first = failed_sources[0]
        problems.append(
            f"{len(failed_sources)} of {len(sources)} sources failed discovery "
            f"({first.source.name}: {first.note[:200]})"
        )
    if partial:
        problems.append(f"{len(partial)} of {len(sources)} sources listed only partly")
    if held:
        problems.append(f"archive held for an operator: {', '.join(s.source.name for s in held)}")
    if failed_urls:
        problems.append(f"{failed_urls} of {total} URLs failed ({failed_urls / total:.0%})")
    reason = "; ".join(problems)
    if (sources and len(failed_sources) == len(sources)) or (total and failed_urls == total):
        return RunStatus.FAILED, reason
    too_many = total and failed_urls / total > settings.JOBPIPE_RUN_FAILED_SHARE
    if failed_sources or partial or held or too_many:
        return RunStatus.COMPLETED_WITH_ERRORS, reason
    return RunStatus.COMPLETED, reason
