"""Extraction accuracy: field by field, per strategy, over the hand-written fixture pages.

    .venv/bin/python -m bench.extraction_accuracy [--corpus own|dev|all] [--verbose]

Two sets of fixtures, scored the same way:
- own (tests/extraction/fixtures): pages written alongside the extractor, one behaviour each;
- dev (tests/extraction/fixtures/dev): the development corpus, pages and ATS records modelled
  on the structure of real careers pages and real ATS API responses (each names the structure
  it models in an HTML comment and a "_modelled_on" key), in many languages.
Every page has its expected fields beside it (NAME.expected.json: the strategy the page
exercises, whether it is a job, the fields a person reads off it, and optionally the discovery
"context" it was found with). Every ATS sample in the set's ats/ folder has the fields its
adapter must map. This prints the share of expected fields extracted right, per strategy and
per field, and the misses with --verbose. No Django, no database: extraction is plain functions.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

FIXTURES = Path(__file__).resolve().parents[1] / "tests" / "extraction" / "fixtures"
DEV_FIXTURES = FIXTURES / "dev"
CORPORA = {"own": (FIXTURES,), "dev": (DEV_FIXTURES,), "all": (FIXTURES, DEV_FIXTURES)}
FETCHED_AT = datetime.datetime(2026, 11, 20, 9, 0, tzinfo=datetime.UTC)
DEFAULT_URL = "https://careers.example.com/jobs/4821-senior-backend-engineer"
# Fields checked by containment: a description is right when it holds the expected passage.
CONTAINS = frozenset({"description", "description_html"})
DATE_FIELDS = frozenset({"deadline", "posted_on"})


@dataclass
class Tally:
    right: int = 0
    total: int = 0
    misses: list[str] = field(default_factory=list)

    def add(self, ok: bool, miss: str) -> None:
        self.total += 1
        self.right += ok
        if not ok:
            self.misses.append(miss)

    @property
    def share(self) -> float:
        return self.right / self.total if self.total else 1.0


@dataclass
class Report:
    # strategy -> field -> tally; "all" holds the strategy's fields together.
    by_strategy: dict[str, dict[str, Tally]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(Tally))
    )
    pages: int = 0

    def add(self, strategy: str, name: str, ok: bool, miss: str) -> None:
        self.by_strategy[strategy][name].add(ok, miss)
        self.by_strategy[strategy]["all"].add(ok, miss)

    def share(self, strategy: str, name: str = "all") -> float:
        return self.by_strategy[strategy][name].share


def same(name: str, expected: object, actual: object) -> bool:
    """Whether `actual` is right for `expected` (None: the field must be empty)."""
    from extraction.normalize import canonical_url, clean_text

    if expected is None:
        return actual in (None, "", [], {})
    if name in CONTAINS:
        return clean_text(expected) in (clean_text(actual) or "")
    if name == "apply_url":
        return bool(actual) and canonical_url(str(actual)) == canonical_url(str(expected))
    if isinstance(expected, bool) or name == "salary":
        return actual == expected
    if isinstance(expected, list):
        return isinstance(actual, list) and [_fold(a) for a in actual] == [
            _fold(e) for e in expected
        ]
    return _fold(actual) == _fold(expected)


def _fold(value: object) -> str:
    from extraction.normalize import clean_text

    if isinstance(value, datetime.date):
        value = value.isoformat()
    return (clean_text(value) or "").casefold()


def score_pages(report: Report, directory: Path = FIXTURES) -> None:
    from extraction.extract import extract_job
    from extraction.types import DiscoveryContext

    for expected_path in sorted(directory.glob("*.expected.json")):
        page = expected_path.with_name(expected_path.name.replace(".expected.json", ".html"))
        expected = json.loads(expected_path.read_text())
        url = expected.get("url", DEFAULT_URL)
        context = DiscoveryContext(**expected["context"]) if "context" in expected else None
        result = extract_job(page.read_bytes(), url, fetched_at=FETCHED_AT, context=context)
        strategy = expected["strategy"]
        report.pages += 1
        verdict_ok = result.is_job == expected["is_job"] and (
            expected.get("reason_contains", "") in result.reason
        )
        report.add(strategy, "is_job", verdict_ok, f"{page.name}: {result.reason}")
        job = result.job.to_json() if result.job else {}
        for name, value in expected["fields"].items():
            actual = job.get(name)
            report.add(strategy, name, same(name, value, actual), f"{page.name}: {actual!r}")


def map_sample(ats: str, sample: dict, employer: str | None) -> dict[str, dict]:
    """The records an adapter maps from one sample's listing (and details), by identifier."""
    from ingestion.sources.ats import ashby, greenhouse, lever, smartrecruiters, workable

    listing, details = sample["listing"], sample.get("details", {})
    if ats == "greenhouse":
        records = [greenhouse.map_job(job, employer) for job in listing["jobs"]]
    elif ats == "lever":
        records = [lever.map_posting(posting, employer) for posting in listing]
    elif ats == "ashby":
        listed = [job for job in listing["jobs"] if job.get("isListed", True)]
        records = [ashby.map_job(job, employer) for job in listed]
    elif ats == "workable":
        records = [
            workable.map_job(job, details[job["shortcode"]], employer) for job in listing["jobs"]
        ]
    elif ats == "smartrecruiters":
        records = [
            smartrecruiters.map_posting(
                p, details[p["id"]], employer, details[p["id"]]["postingUrl"]
            )
            for p in listing["content"]
        ]
    else:
        raise ValueError(f"unknown ATS {ats!r}")
    return {record["identifier"]: record for record in records}


def score_ats(report: Report, directory: Path = FIXTURES / "ats") -> None:
    """Each sample: an API response of one ATS plus the fields its adapter must map."""
    for expected_path in sorted(directory.glob("*.expected.json")):
        sample = json.loads(
            expected_path.with_name(expected_path.name.replace(".expected", "")).read_text()
        )
        expected = json.loads(expected_path.read_text())
        records = map_sample(expected["ats"], sample, expected.get("employer"))
        report.pages += 1
        for identifier, fields in expected["jobs"].items():
            record = records.get(identifier)
            for name, value in fields.items():
                actual = record.get(name) if record else "<job not mapped>"
                ok = record is not None and same(name, value, actual)
                report.add("ats", name, ok, f"{expected_path.name} {identifier}: {actual!r}")
                ok_source = record is not None and (
                    value is None or record["provenance"].get(name, {}).get("source") == "ats"
                )
                report.add("ats", "provenance", ok_source, f"{identifier}.{name} provenance")


def evaluate(corpus: str = "own") -> Report:
    # The ATS adapters live in a Django app (their fetches read settings); nothing here
    # touches a database.
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jobpipe.settings")
    import django

    django.setup()
    report = Report()
    for directory in CORPORA[corpus]:
        score_pages(report, directory)
        score_ats(report, directory / "ats")
    return report


def render(report: Report, *, verbose: bool) -> str:
    lines = [f"{report.pages} fixtures (pages and ATS samples)", ""]
    judged = report.by_strategy
    jobs = sum(judged[s]["is_job"].total for s in ("jsonld", "microdata", "rdfa", "heuristic"))
    if jobs:
        right = sum(judged[s]["is_job"].right for s in ("jsonld", "microdata", "rdfa", "heuristic"))
        lines[-1:] = [f"job pages judged jobs: {right}/{jobs}", ""]
    for strategy in ("jsonld", "microdata", "rdfa", "heuristic", "not_a_job", "ats"):
        fields = report.by_strategy.get(strategy)
        if not fields:
            continue
        total = fields["all"]
        lines.append(
            f"{strategy:<10} {total.share:7.1%}  ({total.right}/{total.total} expected fields)"
        )
        for name in sorted(n for n in fields if n != "all"):
            tally = fields[name]
            lines.append(f"    {name:<17} {tally.share:7.1%}  ({tally.right}/{tally.total})")
            if verbose:
                lines.extend(f"        miss: {miss}" for miss in tally.misses)
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> Report:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--verbose", action="store_true", help="list every miss")
    parser.add_argument(
        "--corpus", choices=sorted(CORPORA), default="own", help="which fixtures (default: own)"
    )
    args = parser.parse_args(argv)
    report = evaluate(args.corpus)
    print(render(report, verbose=args.verbose))
    return report


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    main()
