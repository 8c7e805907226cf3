"""Oracle Recruiting Cloud: recruitingCEJobRequisitions (findReqs) and
recruitingCEJobRequisitionDetails (ById).

Models the structure of the Fusion HCM candidate-experience REST answers (as saved in public
scraper suites and career sites' network traffic): the search {"items": [{"SearchId",
"TotalJobsCount", "Offset", "Limit", "requisitionList": [{"Id", "Title", "PostedDate",
"PrimaryLocation", "PrimaryLocationCountry", "ShortDescriptionStr", "WorkplaceType",
"secondaryLocations": [{"Name"}]}]}], "count": 1, "hasMore": false}; the detail {"items":
[{"Id", "Title", "ExternalDescriptionStr", "ExternalResponsibilitiesStr",
"ExternalQualificationsStr", "JobSchedule", "WorkplaceType", "ExternalPostedStartDate"}]}.
"""

from __future__ import annotations

import json

RESOURCES = "/hcmRestApi/resources/latest"


def search_path(offset: int, limit: int, site: str = "CX_1") -> str:
    finder = f"findReqs;siteNumber={site},limit={limit},offset={offset},sortBy=POSTING_DATES_DESC"
    return (
        f"{RESOURCES}/recruitingCEJobRequisitions?onlyData=true"
        f"&expand=requisitionList.secondaryLocations&finder={finder}"
    )


def detail_path(ident: str, site: str = "CX_1") -> str:
    return (
        f"{RESOURCES}/recruitingCEJobRequisitionDetails?expand=all&onlyData=true"
        f"&finder=ById;Id=%22{ident}%22,siteNumber={site}"
    )


def search(offset: int, count: int, total: int) -> bytes:
    requisitions = [
        {
            "Id": str(3000 + i),
            "Title": f"Database Administrator {i}",
            "PostedDate": "2026-11-06",
            "PrimaryLocation": "Austin, TX, United States",
            "PrimaryLocationCountry": "US",
            "ShortDescriptionStr": "Keep the databases up.",
            "WorkplaceType": "Hybrid",
            "secondaryLocations": [{"Name": "Reston, VA, United States"}] if i == 0 else [],
        }
        for i in range(offset, offset + count)
    ]
    item = {
        "SearchId": 1,
        "TotalJobsCount": total,
        "Offset": offset,
        "Limit": count,
        "requisitionList": requisitions,
    }
    return json.dumps({"items": [item], "count": 1, "hasMore": False, "limit": 25}).encode()


def detail(ident: str) -> bytes:
    item = {
        "Id": ident,
        "Title": f"Database Administrator {int(ident) - 3000}",
        "ExternalDescriptionStr": "<p>Run <b>Oracle</b> databases.</p>",
        "ExternalResponsibilitiesStr": "<ul><li>Backups</li></ul>",
        "ExternalQualificationsStr": "<ul><li>SQL</li></ul>",
        "JobSchedule": "Full time",
        "WorkplaceType": "On-site" if ident == "3001" else "Hybrid",
        "ExternalPostedStartDate": "2026-11-06T08:00:00+00:00",
    }
    return json.dumps({"items": [item], "count": 1}).encode()
