"""What a discovery adapter returns."""

from __future__ import annotations

import datetime
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
    # url -> when the listing says the page last changed (a sitemap's <lastmod>), if it does.
    lastmod: dict[str, datetime.datetime] = field(default_factory=dict)
    # url -> the listing key (ingestion.sources.ats.common.listing_key) of the entry whose
    # detail gave the record: the next run skips that detail while the entry stays the same.
    listing: dict[str, str] = field(default_factory=dict)
    # url -> job id of postings whose listing entry did not change since their detail was last
    # read (within the re-verify window): settled `unchanged` without a request.
    unchanged: dict[str, str] = field(default_factory=dict)
    # url -> the request for an ATS posting's detail that discovery left to the crawl stage
    # (past JOBPIPE_DISCOVERY_DETAIL_BUDGET): ingestion.sources.read_detail(spec) reads it.
    details: dict[str, dict] = field(default_factory=dict)
    # url -> the text of the link a careers page lists the job under (its title there): a
    # title candidate for extraction (extraction.types.DiscoveryContext.anchor_text).
    anchors: dict[str, str] = field(default_factory=dict)


Adapter = Callable[[dict], DiscoveryResult]
