"""Seeded mutation fuzzing of the extractor and the sitemap parser.

Every mutated document must come back with a typed outcome (an Extraction with a reason, or a
SitemapError), never an unhandled exception, each within 2 s of CPU time (thread time, so a busy
machine does not fail it; catastrophic regex backtracking would). CI runs JOBPIPE_FUZZ_CASES
(default 3,000) cases; the full run is:

    JOBPIPE_FUZZ_CASES=10000 scripts/test tests/fuzz
"""

from __future__ import annotations

import datetime
import os
import random
import re
import time
from pathlib import Path

from extraction.extract import extract_job
from ingestion.sources.sitemap import SitemapError, parse_sitemap
from tests.sitegen import NOT_A_JOB, job_page

# Every verdict extract_job can give (extraction/extract.py).
VERDICT = re.compile(
    r"(?:jsonld|microdata|rdfa) JobPosting|heuristics: title \+ .+|listing page: \d+ job links"
    r"|no JobPosting markup and (?:no job title|no job signals for .+|too few job signals for .+)"
    r"|error page: .+|empty or unparseable body",
    re.S,
)
CASES = int(os.environ.get("JOBPIPE_FUZZ_CASES", "3000"))
FETCHED = datetime.datetime(2026, 11, 20, 9, tzinfo=datetime.UTC)
FIXTURES = Path(__file__).resolve().parents[1] / "extraction" / "fixtures"
JUNK = [
    b"<",
    b">",
    b"{",
    b"}",
    b"[",
    b'"',
    b"\\",
    b"\\u0040type",
    b"&amp;",
    b"&#x0;",
    b"\x00",
    b"\xff\xfe",
    b"\xc3\x28",
    b"]]>",
    b"<!--",
    b'<script type="application/ld+json">',
    b"</script>",
    b"[" * 500,
    b'{"@graph": [',
    b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>',
    b"&e;",
    b'itemscope itemtype="https://schema.org/JobPosting"',
]
SITEMAP = b"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<url><loc>http://127.0.0.1:9/jobs/1.html</loc></url>
<url><loc>http://127.0.0.1:9/jobs/2.html</loc></url></urlset>"""


def seeds() -> list[bytes]:
    pages = [path.read_bytes() for path in sorted(FIXTURES.glob("*.html"))]
    pages += [job_page(n).encode() for n in range(3)] + [NOT_A_JOB.encode()]
    return pages


def mutate(rng: random.Random, doc: bytes) -> bytes:
    data = bytearray(doc)
    for _ in range(rng.randint(1, 6)):
        if not data:
            data += rng.choice(JUNK)
            continue
        at = rng.randrange(len(data))
        op = rng.randrange(5)
        if op == 0:
            data[at] = rng.randrange(256)
        elif op == 1:
            del data[at : at + rng.randint(1, 200)]
        elif op == 2:
            data[at:at] = rng.choice(JUNK)
        elif op == 3:
            start = rng.randrange(len(data))
            data[at:at] = data[start : start + rng.randint(1, 400)]
        else:
            data = data[: rng.randrange(len(data) + 1)]
    return bytes(data)


def test_mutated_pages_always_get_a_typed_outcome():
    rng = random.Random(20261124)
    docs = seeds()
    slowest = 0.0
    for case in range(CASES):
        doc = mutate(rng, rng.choice(docs))
        started = time.thread_time()
        result = extract_job(doc, "http://127.0.0.1:9/jobs/1.html", fetched_at=FETCHED)
        slowest = max(slowest, time.thread_time() - started)
        assert VERDICT.fullmatch(result.reason), (case, result.reason)
        assert result.is_job == (result.job is not None), case
        if result.job is not None:  # cleaned text and an absolute apply URL, always
            # (a JobPosting without a title is still a job here; the write refuses it by name)
            assert (result.job.title or "") == (result.job.title or "").strip(), case
            assert result.job.apply_url.startswith(("http://", "https://")), case
    assert slowest < 2.0


def test_mutated_sitemaps_parse_or_fail_with_a_sitemap_error():
    rng = random.Random(7)
    outcomes = {"parsed": 0, "refused": 0}
    for _ in range(max(CASES // 3, 100)):
        doc = mutate(rng, SITEMAP)
        started = time.thread_time()
        try:
            kind, locs = parse_sitemap(doc)
            assert kind in ("urlset", "sitemapindex")
            assert all(loc.startswith(("http://", "https://")) for loc in locs)
            outcomes["parsed"] += 1
        except SitemapError:
            outcomes["refused"] += 1
        assert time.thread_time() - started < 2.0
    assert outcomes["parsed"] and outcomes["refused"]
