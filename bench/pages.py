"""Seeded, realistic job pages for the benchmarks: 30-80 KB each, JSON-LD plus a real page's
chrome (head with styles and scripts, navigation, long description, related jobs, footer).

Written for JobPipe's benchmarks; modelled on the structure of real career-site job pages.
"""

from __future__ import annotations

import json
import random

TITLES = [
    "Backend Engineer",
    "Data Engineer",
    "Site Reliability Engineer",
    "Product Designer",
    "Customer Support Specialist",
    "QA Automation Engineer",
    "Account Executive",
    "Technical Writer",
    "Machine Learning Engineer",
    "Engineering Manager",
]
CITIES = [
    ("Berlin", "DE"),
    ("Lisbon", "PT"),
    ("Toronto", "CA"),
    ("Austin", "US"),
    ("Madrid", "ES"),
    ("Lyon", "FR"),
    ("Oslo", "NO"),
    ("Porto", "PT"),
]
WORDS = [
    "build",
    "operate",
    "scale",
    "reliable",
    "services",
    "teams",
    "customers",
    "data",
    "platform",
    "product",
    "quality",
    "design",
    "ship",
    "measure",
    "improve",
    "collaborate",
    "ownership",
    "mentoring",
    "distributed",
    "systems",
    "observability",
    "security",
    "performance",
    "roadmap",
    "stakeholders",
    "delivery",
    "infrastructure",
]


def _paragraph(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def job_page(n: int, *, employer: str, seed: int = 7) -> str:
    rng = random.Random(seed * 1_000_003 + n)
    title = f"{TITLES[n % len(TITLES)]} {n}"
    city, country = CITIES[n % len(CITIES)]
    target = rng.randint(30_000, 80_000)
    description = "".join(f"<p>{_paragraph(rng, 60)}</p>" for _ in range(4))
    posting = {
        "@context": "https://schema.org",
        "@type": "JobPosting",
        "title": title,
        "identifier": {"@type": "PropertyValue", "name": employer, "value": f"REQ-{n:06d}"},
        "hiringOrganization": {"@type": "Organization", "name": employer},
        "jobLocation": {
            "@type": "Place",
            "address": {
                "@type": "PostalAddress",
                "addressLocality": city,
                "addressCountry": country,
            },
        },
        "datePosted": "2026-11-01",
        "validThrough": "2026-12-31T23:59:59Z",
        "employmentType": rng.choice(["FULL_TIME", "PART_TIME", "CONTRACTOR"]),
        "baseSalary": {
            "@type": "MonetaryAmount",
            "currency": "EUR",
            "value": {
                "@type": "QuantitativeValue",
                "minValue": 50000 + n,
                "maxValue": 70000 + n,
                "unitText": "YEAR",
            },
        },
        "description": description,
        "url": f"/jobs/{n}/apply",
    }
    head = (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{title} | {employer} Careers</title>"
        f'<meta property="og:title" content="{title}">'
        "<style>"
        + "".join(f".c{i}{{margin:{i}px;padding:{i % 7}px}}" for i in range(300))
        + "</style>"
        "<script>window.dataLayer=window.dataLayer||[];"
        + "".join(f"dataLayer.push({{e:{i}}});" for i in range(200))
        + "</script>"
        f'<script type="application/ld+json">{json.dumps(posting)}</script></head>'
    )
    nav = (
        "<header><nav>"
        + "".join(f'<a class="c{i}" href="/section/{i}">Section {i}</a>' for i in range(40))
        + "</nav></header>"
    )
    main = (
        f"<main><h1>{title}</h1><p>Location: {city}, {country}</p>{description}"
        "<h2>Requirements</h2><ul>"
        + "".join(f"<li>{_paragraph(rng, 8)}</li>" for _ in range(8))
        + f'</ul><a class="apply" href="/jobs/{n}/apply">Apply now</a></main>'
    )
    page = head + "<body>" + nav + main
    related = []
    size = len(page)
    i = 0
    while size < target - 200:
        chunk = (
            f'<div class="c{i % 300}"><a href="/related/{n}/{i}">{_paragraph(rng, 5)}</a>'
            f"<p>{_paragraph(rng, 25)}</p></div>"
        )
        related.append(chunk)
        size += len(chunk)
        i += 1
    return (
        page
        + "<aside>"
        + "".join(related)
        + "</aside><footer>&copy; "
        + employer
        + "</footer></body></html>"
    )


def sitemap(base: str, numbers: range, lastmod=None) -> str:
    """A urlset of the job pages `numbers`; `lastmod(n)` gives each entry a <lastmod>."""
    stamp = (lambda n: f"<lastmod>{lastmod(n)}</lastmod>") if lastmod else (lambda n: "")
    locs = "".join(f"<url><loc>{base}/jobs/{n}.html</loc>{stamp(n)}</url>" for n in numbers)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{locs}</urlset>'
    )
