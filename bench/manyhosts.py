"""Many slow hosts: JobPipe through a real worker, Scrapy + extruct, the polite limit and the
floor, on the same pages in the same invocation.

    eval "$(scripts/services.sh)"
    .venv/bin/pip install -r bench/requirements.txt     # the peer (optional)
    .venv/bin/python -m bench.manyhosts --hosts 40 --pages 50 --latency-ms 300

H hosts on 127.0.0.2 ... each serve P JSON-LD job pages (bench/pages.py) and answer every
request after L ms; every host is one sitemap source. JobPipe runs with its default politeness
(JOBPIPE_DOMAIN_RATE 5/s and 4 in flight per host, robots.txt read); the peer with the same
per-host limits. Floor: the same pages fetched, parsed, extracted and upserted with no latency
on every core (bench/e2e.py's floor), i.e. what the CPU allows.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import subprocess
import sys
import tempfile

from bench.e2e import ROOT, bench_environment, report, run_floor, run_pipeline, start_server


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--hosts", type=int, default=40)
    parser.add_argument("--pages", type=int, default=50, help="pages per host")
    parser.add_argument("--latency-ms", type=int, default=300)
    parser.add_argument("--concurrency", type=int, default=3, help="worker processes (-c)")
    parser.add_argument("--rate", type=int, default=5, help="requests/s per host, both crawlers")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--database", default="jobpipe_bench_hosts")
    parser.add_argument("--skip-floor", action="store_true")
    parser.add_argument("--skip-peer", action="store_true")
    parser.add_argument(
        "--fail-500", type=float, default=0, help="share of pages that always answer 500"
    )
    parser.add_argument(
        "--once-429",
        type=float,
        default=0,
        help="share of pages whose first request answers 429 (Retry-After: 1)",
    )
    args = parser.parse_args(argv)
    args.sources, args.preload_jobs, args.preload_ledger = args.hosts, 0, 0
    db_url, env = bench_environment(
        args.database,
        JOBPIPE_FETCH_ALLOWED_NETWORKS="127.0.0.0/8",
        JOBPIPE_DOMAIN_RATE=str(args.rate),
        JOBPIPE_DOMAIN_CONCURRENCY="4",
    )
    server, port = start_server(
        "bench.manyhosts_server",
        args.hosts,
        args.pages,
        args.latency_ms,
        args.seed,
        round(args.fail_500 * 1000),
        round(args.once_429 * 1000),
    )
    hosts = [f"http://127.0.0.{i + 2}:{port}" for i in range(args.hosts)]
    total = args.hosts * args.pages
    pages = [f"{hosts[n // args.pages]}/jobs/{n}.html" for n in range(total)]
    try:
        floor = None
        if not args.skip_floor:
            floor = run_floor(
                [f"http://127.0.0.1:{port}/jobs/{n}.html" for n in range(total)], db_url
            )
        peer = None if args.skip_peer else run_peer(pages)
        pipeline = run_pipeline(args, hosts[0], env, server, [f"{h}/sitemap.xml" for h in hosts])
    finally:
        server.terminate()
        server.wait(timeout=10)
    polite = args.hosts * args.rate
    print(
        f"many hosts: {args.hosts} hosts x {args.pages} pages, {args.latency_ms} ms per response, "
        f"{args.rate} requests/s and 4 in flight per host"
        + (
            f", {args.fail_500:.0%} of pages always 500, {args.once_429:.0%} 429 once"
            if args.fail_500 or args.once_429
            else ""
        )
    )
    report(args, floor, pipeline)
    print(f"polite limit: {polite} pages/s ({args.hosts} hosts x {args.rate}/s)")
    print(
        f"crawl tasks: {pipeline['crawl_tasks']} ({pipeline['empty_tasks']} settled nothing, "
        f"{pipeline['taken_over']} of them because running batches had taken their URLs), "
        f"attempts spent: {pipeline['attempts']}"
    )
    if peer:
        print(
            f"scrapy+extruct: {peer['pages']} pages in {peer['seconds']:.1f} s = "
            f"{peer['pages'] / peer['seconds']:.1f} pages/s ({peer['jobs']} JobPostings)"
        )
        print(
            f"jobpipe / scrapy: {pipeline['pages_per_s'] / (peer['pages'] / peer['seconds']):.2f}"
        )
    elif not args.skip_peer:
        print("scrapy+extruct: not installed (pip install -r bench/requirements.txt)")
    limit = min(polite, floor["pages_per_s"]) if floor else polite
    print(f"jobpipe / min(polite limit, floor): {pipeline['pages_per_s'] / limit:.2f}")
    return {"floor": floor, "pipeline": pipeline, "peer": peer, "polite": polite}


def run_peer(pages: list[str]) -> dict | None:
    if importlib.util.find_spec("scrapy") is None or importlib.util.find_spec("extruct") is None:
        return None
    with tempfile.NamedTemporaryFile("w", suffix=".txt") as listing:
        listing.write("\n".join(pages))
        listing.flush()
        out = subprocess.run(
            [sys.executable, "-m", "bench.scrapy_peer", listing.name],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
            timeout=3600,
        ).stdout
    return json.loads(out.strip().splitlines()[-1])


if __name__ == "__main__":
    main()
