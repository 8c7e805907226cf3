"""BambooHR GET /careers/list and /careers/{id}/detail.

Models the structure of a BambooHR careers site's JSON (as saved in public scraper suites):
the list {"meta": {"totalCount"}, "result": [{"id", "jobOpeningName", "departmentLabel",
"employmentStatusLabel", "location": {"city", "state"}, "atsLocation": {"country", "state",
"province", "city"}, "isRemote"}]} and the detail {"meta": {}, "result": {"jobOpening":
{"jobOpeningName", "description" (HTML), "datePosted", "employmentStatusLabel", "location",
"minimumExperience", "compensation", "jobOpeningShareUrl", "isRemote"}}}.
"""

from __future__ import annotations

import json


def listing(n: int, *, total: int | None = None) -> bytes:
    result = [
        {
            "id": str(40 + i),
            "jobOpeningName": f"Nurse {i}",
            "departmentLabel": "Clinic",
            "employmentStatusLabel": "Regular - Full-Time",
            "location": {"city": "Denver", "state": "Colorado"},
            "atsLocation": {"country": "United States", "state": "Colorado", "city": "Denver"},
            "isRemote": None,
        }
        for i in range(n)
    ]
    return json.dumps(
        {"meta": {"totalCount": n if total is None else total}, "result": result}
    ).encode()


def detail(base: str, i: int) -> bytes:
    return json.dumps(
        {
            "meta": {"isMultiLocation": False},
            "result": {
                "jobOpening": {
                    "jobOpeningName": f"Nurse {i}",
                    "jobOpeningStatus": "Open",
                    "description": "<p>Care for patients.</p>",
                    "datePosted": "2026-10-29",
                    "employmentStatusLabel": "Regular - Full-Time",
                    "location": {"city": "Denver", "state": "Colorado", "addressCountry": "US"},
                    "minimumExperience": "Experienced",
                    "compensation": "$38 - $45 / hour",
                    "jobOpeningShareUrl": f"{base}/careers/{40 + i}",
                    "isRemote": i == 1,
                }
            },
        }
    ).encode()
