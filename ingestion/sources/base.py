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


Adapter = Callable[[dict], DiscoveryResult]
