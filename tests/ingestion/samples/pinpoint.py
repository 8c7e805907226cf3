"""Pinpoint GET /postings.json: {"data": [...]}, one page.

Models the structure of a Pinpoint board's public postings feed (as its docs and saved
responses in public scraper suites show): id, title, url, path "/en/postings/{uuid}",
description, key_responsibilities, skills_knowledge_expertise and benefits (HTML sections),
employment_type ("full_time"), workplace_type (remote, hybrid, onsite), location {city, name},
job {department {name}}, deadline_at, compensation_visible with compensation_minimum/_maximum/
_currency/_frequency; no publication date.
"""

from __future__ import annotations

import json


def postings(base: str) -> bytes:
    return json.dumps(
        {
            "data": [
                {
                    "id": "311",
                    "title": "Lecturer in Ceramics",
                    "path": "/en/postings/3f1a-ceramics",
                    "url": f"{base}/en/postings/3f1a-ceramics",
                    "description": "<p>Teach studio ceramics.</p>",
                    "key_responsibilities": "<ul><li>Teach</li></ul>",
                    "skills_knowledge_expertise": "<ul><li>Kiln safety</li><li>MA</li></ul>",
                    "benefits": "<p>Pension.</p>",
                    "employment_type": "part_time",
                    "employment_type_text": "Part Time",
                    "workplace_type": "onsite",
                    "location": {"city": "Bath", "name": "Newton Park"},
                    "job": {"department": {"name": "Art"}},
                    "deadline_at": "2026-12-15T23:59:00.000Z",
                    "compensation_visible": True,
                    "compensation_minimum": 38000,
                    "compensation_maximum": 45000,
                    "compensation_currency": "GBP",
                    "compensation_frequency": "year",
                },
                {
                    "id": "312",
                    "title": "Remote Tutor",
                    "path": "/en/postings/77aa-tutor",
                    "description": "<p>Tutor online.</p>",
                    "workplace_type": "remote",
                    "location": {},
                    "compensation_visible": False,
                    "compensation_minimum": 1,
                },
            ]
        }
    ).encode()
