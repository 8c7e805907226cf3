"""Taleo POST /careersection/rest/jobboard/searchjobs?lang=en&portal={portal}.

Models the structure of the JSON search Taleo career sections call from their own pages (as
described in public scraper suites): the body {"multilineEnabled", "sortingSelection",
"fieldData", "filterSelectionParam", "advancedSearchFiltersSelectionParam", "pageNo"}; the
answer {"requisitionList": [{"jobId", "contestNo", "column": [title, location (text or a
JSON list), date "Nov 2, 2026"]}], "pagingData": {"currentPageNo", "pageSize",
"totalCount"}}; a missing section says "careerSectionUnAvailable": true.
"""

from __future__ import annotations

import json

PATH = "/careersection/rest/jobboard/searchjobs?lang=en&portal=7700"


class Section:
    """The search endpoint over `total` requisitions, `size` a page."""

    def __init__(self, http, total: int, size: int = 2, *, listed: int | None = None):
        self.total, self.size, self.listed = total, size, total if listed is None else listed
        http.post_routes[PATH] = self.search

    def search(self, body) -> tuple[int, dict, bytes]:
        page = body["pageNo"]
        start = (page - 1) * self.size
        rows = [
            {
                "jobId": str(90 + i),
                "contestNo": f"26000{i}",
                "column": [
                    f"Teller {i}",
                    '["Toronto, ON", "Ottawa, ON"]' if i == 0 else "Halifax, NS",
                    "Nov 2, 2026",
                ],
            }
            for i in range(start, min(start + self.size, self.listed))
        ]
        paging = {"currentPageNo": page, "pageSize": self.size, "totalCount": self.total}
        answer = {"requisitionList": rows, "pagingData": paging}
        return 200, {"Content-Type": "application/json"}, json.dumps(answer).encode()
