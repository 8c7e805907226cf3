"""manage.py extract URL_OR_FILE [--json]: what JobPipe extracts from one page, field by field."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from extraction.extract import extract_job
from ingestion import cli
from ingestion.errors import FetchError
from ingestion.fetch import fetch


class Command(BaseCommand):
    help = (
        "Extract one page (a URL, fetched like the crawler does, or a local HTML file) and print "
        "every field with the strategy that produced it and its confidence."
    )

    def add_arguments(self, parser):
        parser.add_argument("target", help="http(s) URL or path to an HTML file")
        parser.add_argument("--json", action="store_true", help="Print JSON instead of a table.")
        parser.add_argument(
            "--base-url", help="URL to resolve relative links of a file against (default: file)."
        )

    def handle(self, *args, target, json: bool, base_url: str | None, **options):
        fetched_at = timezone.now()
        if target.startswith(("http://", "https://")):
            try:
                page = fetch(target)
            except FetchError as exc:
                raise CommandError(f"{exc.error_class}: {exc.message}") from None
            body, url = page.body, page.url
        else:
            path = Path(target)
            if not path.is_file():
                raise CommandError(f"no such file: {target}")
            body, url = path.read_bytes(), base_url or path.resolve().as_uri()
        result = extract_job(body, url, fetched_at=fetched_at)
        fields: dict[str, dict[str, Any]] = {}
        if result.job is not None:
            data = result.job.to_json()
            for name, value in data.items():
                if name == "provenance" or value in (None, "", [], {}):
                    continue
                origin = result.job.provenance.get(name, {})
                fields[name] = {
                    "value": value,
                    "source": origin.get("source"),
                    "confidence": origin.get("confidence"),
                }
        report = {
            "url": url,
            "is_job": result.is_job,
            "score": result.score,
            "reason": result.reason,
            "fields": fields,
        }
        if json:
            self.stdout.write(_dumps(report))
            return
        verdict = "job" if result.is_job else "not a job"
        self.stdout.write(f"{verdict} (score {result.score:.2f}): {result.reason}")
        for name, field in fields.items():
            value = field["value"]
            shown = value if isinstance(value, str) else _dumps(value, indent=None)
            shown = shown if len(shown) <= 100 else shown[:97] + "..."
            credit = f"{field['source'] or '-'} {field['confidence'] or ''}".strip()
            self.stdout.write(f"  {name:<16} {credit:<16} {cli.printable(shown)}")


def _dumps(value, indent: int | None = 2) -> str:
    return json.dumps(value, indent=indent, ensure_ascii=False, default=str)
