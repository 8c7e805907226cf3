"""Comeet GET /careers-api/2.0/company/{uid}/positions?token=&details=true: a JSON list.

Models the structure of Comeet's public careers API (as its developer docs describe it):
per position uid, name, department, company_name, location {name, country, city, is_remote},
employment_type, experience_level, url_comeet_hosted_page, url_active_page, time_updated and
details [{name, value (HTML), order}].
"""

from __future__ import annotations

import json

PATH = "/careers-api/2.0/company/A1.00B/positions?token=T0KEN&details=true"


def positions(base: str) -> bytes:
    return json.dumps(
        [
            {
                "uid": "C4.A1",
                "name": "QA Engineer",
                "department": "R&D",
                "company_name": "Acme Robotics Ltd",
                "location": {
                    "name": "Tel Aviv",
                    "country": "IL",
                    "city": "Tel Aviv",
                    "is_remote": False,
                },
                "employment_type": "Full-time",
                "experience_level": "Mid-level",
                "url_comeet_hosted_page": f"{base}/jobs/acme/A1.00B/qa-engineer/C4.A1",
                "url_active_page": f"{base}/careers/qa-engineer",
                "time_updated": "2026-11-07T06:30:00Z",
                "details": [
                    {
                        "name": "Requirements",
                        "value": "<ul><li>Python</li><li>ROS</li></ul>",
                        "order": 2,
                    },
                    {"name": "Description", "value": "<p>Test the arms.</p>", "order": 1},
                ],
            }
        ]
    ).encode()
