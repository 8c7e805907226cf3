"""Archive stage at scale: a source with many active jobs, a listing that dropped some.

    eval "$(scripts/services.sh)"
    .venv/bin/python -m bench.archive --jobs 50000 --withdrawn 5000

Times `ingestion.archive.archive_missing` (the function the discover stage calls) on a fresh
database, and checks that exactly the withdrawn jobs were archived.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

from bench.e2e import fresh_database


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--jobs", type=int, default=50_000)
    parser.add_argument("--withdrawn", type=int, default=5_000)
    parser.add_argument("--database", default="jobpipe_bench_archive")
    args = parser.parse_args(argv)
    base_url = os.environ.get("DATABASE_URL", "")
    if not base_url.startswith("postgres"):
        sys.exit('bench needs PostgreSQL: eval "$(scripts/services.sh)" first')
    db_url = fresh_database(base_url, args.database)
    os.environ.update(DATABASE_URL=db_url, DJANGO_SETTINGS_MODULE="jobpipe.settings")
    import django

    django.setup()
    from django.db import connection

    from extraction.models import Job
    from ingestion import runs
    from ingestion.archive import archive_missing
    from ingestion.models import Source, SourceKind
    from ingestion.sources import DiscoveryResult

    source = Source.objects.create(
        name="big", org_name="Big", kind=SourceKind.SITEMAP, url="http://127.0.0.1:9/s.xml"
    )
    with connection.cursor() as cur:
        cur.execute(
            """
            INSERT INTO jobs (id, canonical_hash, url, title, org_name, location_raw,
                description_snippet, apply_url, fetched_at, raw_metadata, provenance,
                content_hash, status, created_at, updated_at, source_id)
            SELECT gen_random_uuid(), md5('big-' || n), 'http://127.0.0.1:9/jobs/' || n || '.html',
                'Job ' || n, 'Big', 'Berlin', '', 'http://127.0.0.1:9/jobs/' || n || '/apply',
                now(), '{}', '{}', md5(n::text), 'active', now(), now(), %s
            FROM generate_series(1, %s) AS n
            """,
            [source.id, args.jobs],
        )
        cur.execute("ANALYZE jobs")
    listed = [f"http://127.0.0.1:9/jobs/{n}.html" for n in range(args.withdrawn + 1, args.jobs + 1)]

    started = time.perf_counter()
    snapshot = {"id": source.id, "kind": SourceKind.GREENHOUSE, "config": {}}  # archive at once
    run = runs.create_run([source], use_storage=True, shadow_mode=False)
    done = archive_missing("jobs", snapshot, DiscoveryResult(urls=listed), run_id=run.id)
    archived, note = done.archived, done.note
    elapsed = time.perf_counter() - started

    assert archived == args.withdrawn, (archived, note)
    assert Job.objects.filter(status="archived").count() == args.withdrawn
    print(
        f"archive: {args.jobs} active jobs, {args.withdrawn} withdrawn, archived {archived} "
        f"in {elapsed:.2f} s"
    )
    return {"seconds": elapsed, "archived": archived}


if __name__ == "__main__":
    main()
