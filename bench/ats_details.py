"""ATS details only for new or changed postings: a Workday tenant run twice, 5 % of its jobs
changed in between.

    eval "$(scripts/services.sh)"
    .venv/bin/python -m bench.ats_details --jobs 2000

The tenant (bench/workday_server.py) speaks Workday's CXS API: a search paged by 20 whose
total is capped at 2,000 (so a 2,000-job tenant is read by its location facet), and one detail
request per job. The first run reads every detail; the server then restarts on the same port
with every 20th job's listing entry and detail changed, and a second run reads the same source.
Printed for each run: wall time, worker CPU, listing and detail requests, the longest
discovery task and the details the crawl stage read; then the second run's requests against
listing pages + changed jobs (the most it may make), and how it settled. `--host-rate 5` runs
at the default politeness (5 requests/s on the tenant's one host): the first run's discovery
then reads details for JOBPIPE_DISCOVERY_DETAIL_BUDGET seconds and hands the rest to the crawl.
"""

from __future__ import annotations

import argparse
import json
import urllib.request

from bench.e2e import bench_environment, run_pipeline, start_server
from bench.recrawl import outcomes

CHANGED_EVERY = 20  # 5 % of jobs change between the runs


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--jobs", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=2, help="worker processes (-c)")
    parser.add_argument("--database", default="jobpipe_bench_ats_details")
    parser.add_argument(
        "--host-rate", default="0", help="requests/s per host (0: no spacing; default policy 5)"
    )
    args = parser.parse_args(argv)
    args.sources = 1
    _db_url, env = bench_environment(
        args.database,
        JOBPIPE_FETCH_ALLOWED_NETWORKS="127.0.0.0/8",
        JOBPIPE_DOMAIN_RATE=args.host_rate,
        **({"JOBPIPE_DOMAIN_CONCURRENCY": "0"} if args.host_rate == "0" else {}),
    )
    server, port = start_server("bench.workday_server", 0, args.jobs, 0)
    base = f"http://127.0.0.1:{port}"
    tenant = _tenant(base)
    first = _measure(args, env, server, base, tenant)
    server, _ = start_server("bench.workday_server", port, args.jobs, CHANGED_EVERY)
    second = _measure(args, env, server, base, tenant)
    changed = len(range(0, args.jobs, CHANGED_EVERY))
    print(
        f"ATS details: a {args.jobs}-job Workday tenant, worker -c {args.concurrency}, "
        f"1 in {CHANGED_EVERY} jobs changed before the second run ({changed} jobs)"
    )
    for name, run in (("first", first), ("second", second)):
        served = run["served"]
        print(
            f"{name:>6} run: {run['seconds']:.1f} s, worker CPU {run['cpu']['worker']:.1f} s, "
            f"{served['listing'] + served['details']} requests ({served['listing']} listing, "
            f"{served['details']} details), run {run['status']}, {run['added']} added; "
            f"longest discovery task {run['discovery_s']:.1f} s, "
            f"{run['crawl_details']} details read by the crawl stage"
        )
    served = second["served"]
    requests, bound = served["listing"] + served["details"], served["listing"] + changed
    print(
        f"second run: {requests} requests vs listing pages + changed jobs = "
        f"{served['listing']} + {changed} = {bound} ({requests / bound:.2f}); "
        f"first run {first['served']['listing'] + first['served']['details']}"
    )
    settled = outcomes(second["run_id"])
    print(
        "second run settled: " + ", ".join(f"{k[0]}/{k[1] or '-'} {n}" for k, n in settled.items())
    )
    return {"first": first, "second": second, "settled": settled}


def _measure(args, env: dict, server, base: str, tenant) -> dict:
    """One run over the tenant served by `server` (stopped after), with what it served."""
    try:
        run = run_pipeline(args, base, env, server, sources=[tenant])
        run["served"] = _served(base)
        run.update(_stages(run["run_id"]))
        return run
    finally:
        server.terminate()
        server.wait(timeout=10)


def _stages(run_id: int) -> dict:
    """The longest discovery task (from the task ledger) and the details the crawl read."""
    from ingestion.models import RunUrl
    from tracking.models import PipelineJob

    tasks = PipelineJob.objects.filter(run_id=run_id, task_name="ingestion.discover_sources")
    spans = [(t.finished_at - t.started_at).total_seconds() for t in tasks if t.finished_at]
    crawled = RunUrl.objects.filter(run_id=run_id).exclude(detail=None).count()
    return {"discovery_s": max(spans, default=0.0), "crawl_details": crawled}


def _tenant(base: str):
    import django

    django.setup()
    from ingestion.models import Source, SourceKind

    return Source.objects.create(
        name="bench-workday",
        org_name="Acme Payroll",
        kind=SourceKind.WORKDAY,
        board_token="acme",  # noqa: S106 - a board token, not a secret
        config={"api_base": base, "site": "External"},
    )


def _served(base: str) -> dict:
    with urllib.request.urlopen(f"{base}/__stats", timeout=10) as answer:
        return json.loads(answer.read())


if __name__ == "__main__":
    main()
