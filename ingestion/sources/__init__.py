"""Discovery adapters: one module per source kind, each listing a source's job URLs.

An adapter is a function `discover(source: dict) -> DiscoveryResult`, where `source` is the
run's snapshot of the Source (see Source.snapshot()). It must set `complete=False` whenever it
may have missed part of the listing, because archiving trusts a complete listing.

An adapter of READS_DETAILS reads each posting's detail with a request of its own; discovery
hands it source[ats.common.KNOWN], the postings whose detail it may skip while their listing
entry is unchanged (ats.common.Details). The details it has no time left to read are handed to
the crawl stage as specs, which `read_detail` reads with the adapter module's read_detail.
"""

from __future__ import annotations

import sys

from ingestion import pacing
from ingestion.models import SourceKind
from ingestion.sources import careers_page, sitemap
from ingestion.sources.ats import (
    ashby,
    bamboohr,
    breezy,
    comeet,
    greenhouse,
    icims,
    jazzhr,
    jobvite,
    join,
    lever,
    manatal,
    oracle,
    personio,
    pinpoint,
    recruitee,
    rippling,
    smartrecruiters,
    successfactors,
    taleo,
    teamtailor,
    workable,
    workday,
)
from ingestion.sources.ats.common import AtsError
from ingestion.sources.base import Adapter, DiscoveryResult

__all__ = [
    "ADAPTERS",
    "READS_DETAILS",
    "Adapter",
    "DiscoveryResult",
    "adapter_for",
    "read_detail",
]


ADAPTERS: dict[str, Adapter] = {
    SourceKind.CAREERS_PAGE: careers_page.discover,
    SourceKind.SITEMAP: sitemap.discover,
    SourceKind.GREENHOUSE: greenhouse.discover,
    SourceKind.LEVER: lever.discover,
    SourceKind.ASHBY: ashby.discover,
    SourceKind.WORKABLE: workable.discover,
    SourceKind.SMARTRECRUITERS: smartrecruiters.discover,
    SourceKind.WORKDAY: workday.discover,
    SourceKind.RECRUITEE: recruitee.discover,
    SourceKind.PERSONIO: personio.discover,
    SourceKind.TEAMTAILOR: teamtailor.discover,
    SourceKind.PINPOINT: pinpoint.discover,
    SourceKind.BAMBOOHR: bamboohr.discover,
    SourceKind.RIPPLING: rippling.discover,
    SourceKind.MANATAL: manatal.discover,
    SourceKind.ORACLE: oracle.discover,
    SourceKind.BREEZY: breezy.discover,
    SourceKind.COMEET: comeet.discover,
    SourceKind.JOIN: join.discover,
    SourceKind.SUCCESSFACTORS: successfactors.discover,
    SourceKind.ICIMS: icims.discover,
    SourceKind.JOBVITE: jobvite.discover,
    SourceKind.JAZZHR: jazzhr.discover,
    SourceKind.TALEO: taleo.discover,
}

READS_DETAILS = frozenset(
    {
        SourceKind.WORKDAY,
        SourceKind.WORKABLE,
        SourceKind.SMARTRECRUITERS,
        SourceKind.BAMBOOHR,
        SourceKind.ORACLE,
        SourceKind.RIPPLING,
    }
)


def adapter_for(kind: str) -> Adapter:
    """The kind's adapter; an ATS adapter runs as its provider, paced by the PACING its module
    declares (ingestion.pacing) across every tenant and host."""
    adapter = ADAPTERS.get(kind)
    if adapter is None:
        return _unsupported(kind)
    if adapter.__module__.startswith("ingestion.sources.ats."):
        declared = getattr(sys.modules[adapter.__module__], "PACING", pacing.DEFAULT)
        return pacing.as_provider(kind, declared, adapter)
    return adapter


def read_detail(spec: dict) -> dict:
    """The record of an ATS posting whose detail discovery handed to the crawl stage (a
    DiscoveryResult.details spec), read as its provider: paced like the adapter's own requests.
    A failed request raises its FetchError, a bad answer an AtsError."""
    kind = str(spec.get("kind") or "")
    adapter = ADAPTERS.get(kind)
    reader = getattr(sys.modules[adapter.__module__], "read_detail", None) if adapter else None
    if reader is None:
        raise AtsError(f"no detail reader for kind {kind!r}")
    declared = getattr(sys.modules[adapter.__module__], "PACING", pacing.DEFAULT)
    with pacing.provider(kind, declared):
        return reader(spec)


def _unsupported(kind: str) -> Adapter:
    def discover(source: dict) -> DiscoveryResult:
        return DiscoveryResult(complete=False, note=f"no discovery adapter for kind {kind!r} yet")

    return discover
