"""Re-crawl cost: the same site crawled twice, 5 % of its pages changed in between.

    eval "$(scripts/services.sh)"
    .venv/bin/python -m bench.recrawl --pages 5000

The page server (bench/server.py) renders N JSON-LD job pages over 10 sitemap sources; with
--validators etag (the default) it sends an ETag per page and answers a matching If-None-Match
with a 304, with --validators lastmod it sends no ETag but gives each sitemap entry a <lastmod>
(a changed page's is the second server's start), with both it does both (as a CMS behind a
web server that sends ETags does), with none neither. The
first run crawls everything; the server then restarts on the same port with every 20th page
changed, and a second run crawls the same sources. Printed for each run: wall time, worker CPU
seconds, requests that returned a body, and the second run's share of each, plus how the
second run settled its URLs (not_modified, same_body, updated).
"""

from __future__ import annotations

import argparse
from collections import Counter

from bench.e2e import bench_environment, run_pipeline, start_server

CHANGED_EVERY = 20  # 5 % of pages change between the runs
VALIDATORS = ["none", "etag", "lastmod", "both"]  # bench.server's modes 0-3


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=5000)
    parser.add_argument("--concurrency", type=int, default=2, help="worker processes (-c)")
    parser.add_argument(
        "--validators",
        choices=VALIDATORS,
        default="etag",
        help="ETag and 304s, or no ETag but sitemap <lastmod>, or both, or neither",
    )
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--database", default="jobpipe_bench_recrawl")
    args = parser.parse_args(argv)
    args.sources, args.preload_jobs, args.preload_ledger = 10, 0, 0
    # One local host meant to be hammered (as bench/e2e): no per-host spacing or slot limit.
    _db_url, env = bench_environment(
        args.database,
        JOBPIPE_FETCH_ALLOWED_NETWORKS="127.0.0.0/8",
        JOBPIPE_DOMAIN_RATE="0",
        JOBPIPE_DOMAIN_CONCURRENCY="0",
    )
    validators = VALIDATORS.index(args.validators)
    server, port = start_server("bench.server", 0, args.pages, 10, args.seed, 0, validators)
    base = f"http://127.0.0.1:{port}"
    try:
        first = run_pipeline(args, base, env, server)
    finally:
        server.terminate()
        server.wait(timeout=10)
    server, _ = start_server(
        "bench.server", port, args.pages, 10, args.seed, CHANGED_EVERY, validators
    )
    try:
        second = run_pipeline(args, base, env, server, sources=first["sources"])
    finally:
        server.terminate()
        server.wait(timeout=10)
    settled = outcomes(second["run_id"])
    bodies = {
        "first": first["pages"],
        "second": second["pages"]
        - settled.get(("unchanged", "not_modified"), 0)  # a 304: no body
        - settled.get(("unchanged", "lastmod"), 0),  # no request at all
    }
    print(
        f"re-crawl: {args.pages} JSON-LD pages over 10 sitemap sources, worker -c "
        f"{args.concurrency}, validators: {args.validators}, "
        f"1 in {CHANGED_EVERY} pages changed before the second run"
    )
    for name, run in (("first", first), ("second", second)):
        print(
            f"{name:>6} run: {run['seconds']:.1f} s, worker CPU {run['cpu']['worker']:.1f} s, "
            f"{bodies[name]} requests returned a body, run {run['status']}"
        )
    print(
        f"second / first: wall {second['seconds'] / first['seconds']:.2f}, worker CPU "
        f"{second['cpu']['worker'] / first['cpu']['worker']:.2f}, bodies "
        f"{bodies['second'] / bodies['first']:.2f}"
    )
    print(
        "second run settled: " + ", ".join(f"{k[0]}/{k[1] or '-'} {n}" for k, n in settled.items())
    )
    return {"first": first, "second": second, "settled": settled}


def outcomes(run_id: int) -> Counter:
    from ingestion.models import RunUrl

    return Counter(RunUrl.objects.filter(run_id=run_id).values_list("outcome", "unchanged_by"))


if __name__ == "__main__":
    main()
