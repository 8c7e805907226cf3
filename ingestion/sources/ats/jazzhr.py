"""JazzHR boards: GET https://{company}.applytojob.com/apply/jobs (one server-rendered page).

JazzHR's API needs a key; its public board lists every job on one page, either as table rows
(a.job_title_link to /apply/jobs/details/{code}) or as list-group items (links to
/apply/{code}/{Title}). Those links are returned as plain URLs for the crawler (the job pages
carry JSON-LD). These are pages, so robots.txt applies. A page with neither layout is
incomplete unless it says there are no openings.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

from extraction.normalize import canonical_url
from ingestion.sources.ats.common import AtsError, api_base, board, failed, get_html
from ingestion.sources.base import DiscoveryResult

JOB_PATH = re.compile(r"^/apply/(?:jobs/details/)?[A-Za-z0-9]{6,}(?:/|$)")
NO_JOBS = re.compile(r"no (?:current )?(?:job )?openings|no open positions", re.IGNORECASE)
LINKS = (
    "//a[contains(@class, 'job_title_link')]/@href"
    " | //li[contains(@class, 'list-group-item')]//a/@href"
)


def discover(source: dict):
    try:
        company = board(source)
        url = f"{api_base(source, f'https://{company}.applytojob.com')}/apply/jobs"
        page, document = get_html(url, "JazzHR")
    except AtsError as exc:
        return failed(exc)
    links = []
    for href in document.xpath(LINKS):
        absolute = urljoin(page.url, str(href))
        if JOB_PATH.match(urlsplit(absolute).path):
            links.append(canonical_url(absolute))
    if not links and not NO_JOBS.search(document.text_content()):
        note = f"JazzHR page {page.url} lists no jobs and does not say there are none"
        return DiscoveryResult(complete=False, note=note)
    return DiscoveryResult(urls=list(dict.fromkeys(links)), complete=True)
