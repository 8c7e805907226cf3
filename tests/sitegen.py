"""Generated employer sites for tests: job pages with JSON-LD, a listing, a sitemap.

Written here for JobPipe, modelled on how real career sites mark up postings.
"""

from __future__ import annotations

import json
from pathlib import Path

TITLES = [
    "Backend Engineer",
    "Data Analyst",
    "Site Reliability Engineer",
    "Product Designer",
    "Support Specialist",
    "QA Engineer",
    "Account Executive",
    "Technical Writer",
]
CITIES = ["Berlin", "Lisbon", "Toronto", "Austin", "Madrid", "Lyon", "Oslo", "Porto"]


def job_page(n: int, *, employer: str = "Acme Robotics") -> str:
    title = f"{TITLES[n % len(TITLES)]} {n}"
    posting = {
        "@context": "https://schema.org",
        "@type": "JobPosting",
        "title": title,
        "hiringOrganization": {"@type": "Organization", "name": employer},
        "jobLocation": {
            "@type": "Place",
            "address": {
                "@type": "PostalAddress",
                "addressLocality": CITIES[n % len(CITIES)],
                "addressCountry": "DE",
            },
        },
        "datePosted": "2026-11-01",
        "validThrough": "2026-12-31",
        "employmentType": "FULL_TIME",
        "description": f"<p>Join {employer} as {title}. You will build and run things.</p>",
        "url": f"/jobs/{n}/apply",
    }
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title} | {employer} Careers</title>
<script type="application/ld+json">{json.dumps(posting)}</script></head>
<body><header><nav><a href="/">Home</a> <a href="/jobs/">All jobs</a></nav></header>
<main><h1>{title}</h1><p>Location: {CITIES[n % len(CITIES)]}</p>
<h2>Requirements</h2><ul><li>Python</li><li>Curiosity</li></ul>
<a href="/jobs/{n}/apply">Apply now</a></main>
<footer>&copy; {employer}</footer></body></html>"""


NOT_A_JOB = """<!doctype html><html><head><meta charset="utf-8"><title>Our culture</title></head>
<body><h1>Life at Acme</h1><p>We like long walks and short meetings.</p></body></html>"""


def write_site(root: Path, *, jobs: int, missing: int = 0, not_jobs: int = 0) -> dict:
    """Write a site under `root`; return the paths by kind.

    The listing at /jobs/index.html links `jobs` job pages, `missing` pages that 404 and
    `not_jobs` pages without a posting; /sitemap.xml lists the same URLs as {{BASE}} links.
    """
    (root / "jobs").mkdir(parents=True, exist_ok=True)
    job_paths = [f"/jobs/job-{n}.html" for n in range(jobs)]
    for n, path in enumerate(job_paths):
        (root / path.lstrip("/")).write_text(job_page(n))
    missing_paths = [f"/jobs/gone-{n}.html" for n in range(missing)]
    other_paths = [f"/jobs/culture-{n}.html" for n in range(not_jobs)]
    for path in other_paths:
        (root / path.lstrip("/")).write_text(NOT_A_JOB)
    every = job_paths + missing_paths + other_paths
    links = "\n".join(f'<li><a href="{p}">{p}</a></li>' for p in every)
    (root / "jobs" / "index.html").write_text(
        f"<!doctype html><html><body><h1>Open roles</h1><ul>{links}</ul>"
        '<a href="/">Home</a></body></html>'
    )
    locs = "".join(f"<url><loc>{{{{BASE}}}}{p}</loc></url>" for p in every)
    (root / "sitemap.xml").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{locs}</urlset>'
    )
    return {"jobs": job_paths, "missing": missing_paths, "not_jobs": other_paths}
