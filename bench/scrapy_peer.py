"""The peer of bench/manyhosts.py: Scrapy + extruct over the same job pages, one process.

Settings a Scrapy user would pick for polite many-host crawling: 32 requests in flight, 4 per
host, 0.2 s download delay per host (5 requests/s, JobPipe's default rate). Each page's JSON-LD
is read with extruct and counted when it holds a JobPosting. Reads page URLs (one per line) from
the file given, prints one JSON line: {"pages", "jobs", "seconds"}.

    .venv/bin/pip install -r bench/requirements.txt   # scrapy, extruct: bench-only
"""

from __future__ import annotations

import json
import sys
import time

import extruct
import scrapy
from scrapy.crawler import CrawlerProcess


class JobPages(scrapy.Spider):
    name = "jobpages"
    custom_settings = {
        "CONCURRENT_REQUESTS": 32,
        "CONCURRENT_REQUESTS_PER_DOMAIN": 4,
        "DOWNLOAD_DELAY": 0.2,
        "RANDOMIZE_DOWNLOAD_DELAY": False,
        "ROBOTSTXT_OBEY": True,
        "LOG_LEVEL": "ERROR",
        "TELNETCONSOLE_ENABLED": False,
    }
    counts = {"pages": 0, "jobs": 0}

    def __init__(self, urls: list[str], **kwargs):
        super().__init__(**kwargs)
        self.start_urls = urls

    def parse(self, response):
        self.counts["pages"] += 1
        data = extruct.extract(response.text, base_url=response.url, syntaxes=["json-ld"])
        if any(item.get("@type") == "JobPosting" for item in data["json-ld"]):
            self.counts["jobs"] += 1


def main(path: str) -> None:
    with open(path) as handle:
        urls = [line.strip() for line in handle if line.strip()]
    process = CrawlerProcess()
    process.crawl(JobPages, urls=urls)
    started = time.perf_counter()
    process.start()
    print(json.dumps({**JobPages.counts, "seconds": time.perf_counter() - started}))


if __name__ == "__main__":
    main(sys.argv[1])
