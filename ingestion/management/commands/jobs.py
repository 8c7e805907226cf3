"""manage.py jobs: list the jobs table, or export it as CSV or JSON (CSV cells that a
spreadsheet would run as formulas are quoted, see ingestion.cli.csv_cell)."""

from __future__ import annotations

import csv
import json

from django.core.management.base import BaseCommand, CommandError

from extraction.models import JobStatus, job_model, job_table
from ingestion import cli
from ingestion.models import Source

COLUMNS = (
    "id",
    "canonical_hash",
    "title",
    "org_name",
    "location_raw",
    "deadline",
    "apply_url",
    "url",
    "posted_on",
    "status",
    "source_id",
    "fetched_at",
)


class Command(BaseCommand):
    help = "List jobs (production table, or --shadow), or export them with --format csv|json."

    def add_arguments(self, parser):
        parser.add_argument("--shadow", action="store_true", help="Read jobs_side.")
        parser.add_argument("--source", type=cli.identifier, help="Only this source id.")
        parser.add_argument("--status", choices=JobStatus.values, default=JobStatus.ACTIVE)
        parser.add_argument("--all-statuses", action="store_true", help="Active and archived.")
        parser.add_argument("--limit", type=cli.positive, default=None, help="At most this many.")
        parser.add_argument("--format", choices=("table", "csv", "json"), default="table")

    def handle(self, *args, **opts):
        jobs = job_model(job_table(shadow=opts["shadow"])).objects.order_by("title", "id")
        if not opts["all_statuses"]:
            jobs = jobs.filter(status=opts["status"])
        if opts["source"] is not None:
            if not Source.objects.filter(id=opts["source"]).exists():
                raise CommandError(f"no source {opts['source']}")
            jobs = jobs.filter(source_id=opts["source"])
        rows = jobs.values_list(*COLUMNS)
        if opts["limit"] is not None:
            rows = rows[: opts["limit"]]
        if opts["format"] == "csv":
            writer = csv.writer(self.stdout)
            writer.writerow(COLUMNS)
            for row in rows.iterator():
                writer.writerow([cli.csv_cell(cell) for cell in row])
        elif opts["format"] == "json":
            items = [dict(zip(COLUMNS, row, strict=True)) for row in rows.iterator()]
            self.stdout.write(json.dumps(items, default=str, indent=2))
        else:
            for row in rows.iterator():
                data = {k: cli.printable(v) for k, v in zip(COLUMNS, row, strict=True)}
                self.stdout.write(
                    f"{data['title'][:50]:<50}  {data['org_name'][:25]:<25}  "
                    f"{data['location_raw'][:25]:<25}  {data['status']}"
                )
