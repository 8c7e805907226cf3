"""Model querysets."""

from __future__ import annotations

import datetime

from django.db import models
from django.db.models.functions import Coalesce

from ingestion.choices import ACTIVE_RUN_STATUSES, WORKING_RUN_STATUSES, UrlOutcome


class IngestionRunQuerySet(models.QuerySet):
    def active(self) -> IngestionRunQuerySet:
        return self.filter(status__in=ACTIVE_RUN_STATUSES)

    def stale(self, cutoff: datetime.datetime) -> IngestionRunQuerySet:
        """Runs working but silent since before `cutoff` (heartbeat, else start)."""
        return (
            self.filter(status__in=WORKING_RUN_STATUSES)
            .annotate(last_sign=Coalesce("last_heartbeat", "started_at"))
            .filter(last_sign__lt=cutoff)
        )


class RunUrlQuerySet(models.QuerySet):
    def unsettled(self) -> RunUrlQuerySet:
        return self.filter(outcome="")

    def unworked(self) -> RunUrlQuerySet:
        """Unsettled, and no batch spent an attempt on it or holds it (ingestion.claims)."""
        return self.unsettled().filter(attempt_task="", claimed_by="")

    def failed(self) -> RunUrlQuerySet:
        return self.filter(outcome=UrlOutcome.FAILED)
