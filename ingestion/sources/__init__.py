"""Discovery adapters: one module per source kind, each listing a source's job URLs.

An adapter is a function `discover(source: dict) -> DiscoveryResult`, where `source` is the
run's snapshot of the Source (see Source.snapshot()). It must set `complete=False` whenever it
may have missed part of the listing, because archiving trusts a complete listing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class DiscoveryResult:
    urls: list[str] = field(default_factory=list)
    complete: bool = True
    note: str = ""
    # url -> ExtractedJob.to_json() for jobs the listing describes in full (ATS APIs): those
    # URLs skip the fetch and go straight to the insert stage.
    records: dict[str, dict] = field(default_factory=dict)


Adapter = Callable[[dict], DiscoveryResult]


def adapter_for(kind: str) -> Adapter:
    from ingestion.sources import careers_page, sitemap
    from ingestion.sources.ats import ashby, greenhouse, lever, smartrecruiters, workable

    adapters: dict[str, Adapter] = {
        "careers_page": careers_page.discover,
        "sitemap": sitemap.discover,
        "greenhouse": greenhouse.discover,
        "lever": lever.discover,
        "ashby": ashby.discover,
        "workable": workable.discover,
        "smartrecruiters": smartrecruiters.discover,
    }
    try:
        return adapters[kind]
    except KeyError:
        return _unsupported(kind)


def _unsupported(kind: str) -> Adapter:
    def discover(source: dict) -> DiscoveryResult:
        return DiscoveryResult(complete=False, note=f"no discovery adapter for kind {kind!r} yet")

    return discover
