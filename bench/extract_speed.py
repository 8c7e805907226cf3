"""Extraction speed: the full extractor vs the bare floor on the same ~50 KB JSON-LD pages.

    .venv/bin/python -m bench.extract_speed --pages 300

Floor: lxml parse + one JSON-LD xpath + json.loads of the block. Full: extraction.extract_job
(decode, parse, JSON-LD, microdata, RDFa, the heuristics for what is still empty, cleaning).
Prints the median per page of each and the ratio (target: within 2x on JSON-LD pages).
"""

from __future__ import annotations

import argparse
import datetime
import json
import statistics
import time

import lxml.html

from bench.pages import job_page


def floor(body: bytes) -> object:
    tree = lxml.html.document_fromstring(body)
    block = tree.xpath('//script[@type="application/ld+json"]/text()')[0]
    return json.loads(block)


def median_ms(fns, pages: list[bytes], rounds: int) -> list[float]:
    """The median ms per page of each of `fns`, timed in turn on each page (floor, full, floor,
    full, ...), so a burst of load on a shared machine falls on both alike instead of on
    whichever ran during it."""
    timings: list[list[float]] = [[] for _ in fns]
    for _ in range(rounds):
        for page in pages:
            for fn, times in zip(fns, timings, strict=True):
                started = time.perf_counter()
                fn(page)
                times.append((time.perf_counter() - started) * 1000)
    return [statistics.median(times) for times in timings]


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    from extraction.extract import extract_job  # Django-free: no settings needed

    pages = [job_page(n, employer=f"Employer {n % 10}").encode() for n in range(args.pages)]
    now = datetime.datetime.now(datetime.UTC)
    url = "http://127.0.0.1:9/jobs/1.html"
    for page in pages[:20]:  # warm up imports and caches
        floor(page)
        extract_job(page, url, fetched_at=now)
    floor_ms, full_ms = median_ms(
        [floor, lambda p: extract_job(p, url, fetched_at=now)], pages, args.rounds
    )
    size = statistics.mean(len(p) for p in pages) / 1024
    print(
        f"extraction speed over {args.pages} JSON-LD pages (mean {size:.0f} KB), median per page:"
    )
    print(f"  floor (lxml parse + JSON-LD xpath + json.loads): {floor_ms:.2f} ms")
    print(f"  full extractor:                                 {full_ms:.2f} ms")
    print(f"  ratio: {full_ms / floor_ms:.2f}x")
    return {"floor_ms": floor_ms, "full_ms": full_ms}


if __name__ == "__main__":
    main()
