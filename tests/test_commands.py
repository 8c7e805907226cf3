"""Operator commands: output, exit codes and their effect on the database."""

from __future__ import annotations

import argparse
import csv
import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from ingestion.models import RunStatus, RunUrl, Source
from tests.factories import make_job, make_run, make_run_url, make_source

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_runs_lists_the_history_newest_first_and_filters_by_status():
    done = make_run(status=RunStatus.COMPLETED, total_jobs_found=7, jobs_added=5)
    busy = make_run()

    table = run("runs")
    only_done = run("runs", "--status", "completed")

    lines = table.splitlines()
    assert lines[0].split()[:3] == ["id", "status", "found"]
    assert [int(line.split()[0]) for line in lines[1:]] == [busy.id, done.id]
    assert only_done.splitlines()[1].split()[:4] == [str(done.id), "completed", "7", "5"]
    assert [line.split()[0] for line in only_done.splitlines()[1:]] == [str(done.id)]


def test_run_status_shows_counters_sources_and_failed_urls():
    stuck = make_run()
    url = make_run_url(stuck)
    RunUrl.objects.filter(id=url.id).update(
        outcome="failed", error_class="http_404", error_message="Not Found"
    )

    out = run("run_status", str(stuck.id))

    assert f"Run {stuck.id}: ingesting" in out
    assert f"failed {url.url}: http_404 Not Found" in out
    with pytest.raises(CommandError, match="run 999999 does not exist"):
        run("run_status", "999999")


def test_jobs_exports_csv_and_json_and_filters_archived():
    make_job(n=1)
    make_job(n=2, status="archived", archived_at=timezone.now())

    rows = list(csv.DictReader(io.StringIO(run("jobs", "--format", "csv"))))
    everything = json.loads(run("jobs", "--format", "json", "--all-statuses"))

    assert [r["title"] for r in rows] == ["Engineer 1"]
    assert rows[0]["canonical_hash"] == f"{1:032x}"
    assert sorted(j["status"] for j in everything) == ["active", "archived"]
    assert "Engineer 1" in run("jobs")


def test_sources_add_list_enable_disable():
    run("sources", "add", "Acme", "--kind", "careers_page", "--url", "http://127.0.0.1:9/jobs/")
    run("sources", "disable", "Acme")

    acme = Source.objects.get(name="Acme")
    assert (acme.kind, acme.enabled, acme.org_name) == ("careers_page", False, "Acme")
    assert "Acme" in run("sources", "list") and "disabled" in run("sources", "list")
    run("sources", "enable", "Acme")
    assert Source.objects.get(name="Acme").enabled is True
    with pytest.raises(CommandError, match="unknown source\\(s\\): Nobody"):
        run("sources", "disable", "Nobody")


def test_sources_import_from_csv_and_yaml(tmp_path):
    make_source(name="Existing", kind="sitemap", url="http://127.0.0.1:9/old.xml")
    sheet = tmp_path / "sources.csv"
    sheet.write_text(
        "name,org_name,kind,url,board_token,cadence_minutes,enabled\n"
        "Existing,Existing Ltd,sitemap,http://127.0.0.1:9/new.xml,,60,true\n"
        "Beta,Beta Inc,greenhouse,,beta,,false\n"
    )
    listing = tmp_path / "sources.yaml"
    listing.write_text(
        "sources:\n"
        "  - {name: Gamma, kind: careers_page, url: 'http://127.0.0.1:9/careers/',\n"
        "     config: {job_url_pattern: '/jobs/'}}\n"
    )

    assert "Imported 2 source(s): 1 new, 1 updated." in run("sources", "import", str(sheet))
    run("sources", "import", str(listing))

    existing = Source.objects.get(name="Existing")
    assert (existing.url, existing.cadence_minutes) == ("http://127.0.0.1:9/new.xml", 60)
    assert Source.objects.get(name="Beta").enabled is False
    assert Source.objects.get(name="Gamma").config == {"job_url_pattern": "/jobs/"}


@pytest.mark.parametrize(
    ("content", "suffix", "message"),
    [
        ("- name: X\n  kind: nonsense\n", ".yaml", "kind"),
        ("name,colour\nX,red\n", ".csv", "unknown field\\(s\\) colour"),
        ("{unclosed", ".yaml", "not valid YAML"),
        ("name\n", ".txt", "use a .csv, .yaml or .yml file"),
        ('a: &a ["x","x"]\nb: &b [*a,*a]\nc: [*b,*b]\n', ".yaml", "aliases .* are not accepted"),
        ("[" * 50_000, ".yaml", "not valid YAML"),
        ("name,kind\nX,\x00sitemap\n", ".csv", "a binary file"),
        ("caf\xe9", ".csv", "not UTF-8 text"),
    ],
)
def test_sources_import_refuses_bad_files_and_imports_nothing(tmp_path, content, suffix, message):
    path = tmp_path / f"bad{suffix}"
    path.write_bytes(content.encode("latin-1") if "\xe9" in content else content.encode())

    with pytest.raises(CommandError, match=message):
        run("sources", "import", str(path))
    assert not Source.objects.exists()


def test_ingest_refuses_unknown_sources_and_contradictory_flags():
    make_source(name="Acme")

    with pytest.raises(CommandError, match="unknown source\\(s\\): Nobody"):
        run("ingest", "--source", "Acme", "--source", "Nobody")
    with pytest.raises(CommandError, match="not both"):
        run("ingest", "--source", "Acme", "--all")
    with pytest.raises(CommandError, match="contradict"):
        run("ingest", "--all", "--wait", "--no-wait")


@pytest.mark.django_db(transaction=True)
def test_ingest_starts_a_run_without_waiting(pump, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False  # a broker: the command only enqueues
    source = make_source(name="Acme")

    out = run("ingest", "--source", "Acme", "--no-wait")

    from ingestion.models import IngestionRun

    run_ = IngestionRun.objects.get()
    assert f"Run {run_.id} created for 1 source(s)." in out
    assert [s["id"] for s in run_.sources] == [source.id]
    assert [task.name for task, _, _ in pump.queue] == ["ingestion.start_run"]


def test_extract_prints_each_field_with_its_source(tmp_path):
    from tests.sitegen import job_page

    page = tmp_path / "job.html"
    page.write_text(job_page(3))

    table = run("extract", str(page), "--base-url", "http://127.0.0.1:9/jobs/3.html")
    data = json.loads(run("extract", str(page), "--json"))

    assert table.startswith("job (score")
    assert "title" in table and "jsonld" in table
    assert data["is_job"] is True
    assert data["fields"]["title"]["source"] == "jsonld"
    assert data["fields"]["title"]["value"] == "Product Designer 3"
    with pytest.raises(CommandError, match="no such file"):
        run("extract", str(tmp_path / "missing.html"))


def test_archives_lists_and_decides_held_archives():
    from extraction.models import JobStatus
    from ingestion.models import HeldArchive

    source = make_source(name="Acme")
    job = make_job(source=source)
    held = HeldArchive.objects.create(
        run=make_run([source]),
        source=source,
        table="jobs",
        job_ids=[str(job.id)],
        active=1,
        listed=0,
        reason="the listing is empty while the source has 1 active jobs",
    )

    listing = run("archives", "list")
    out = run("archives", "approve", str(held.id), "--by", "ops")

    assert f"{held.id}  held          1      1      0  Acme: the listing is empty" in listing
    assert out == f"Held archive {held.id} approved: 1 jobs archived.\n"
    job.refresh_from_db()
    assert job.status == JobStatus.ARCHIVED
    with pytest.raises(CommandError, match="already approved"):
        run("archives", "reject", str(held.id))
    with pytest.raises(CommandError, match="no held archive 999999"):
        run("archives", "approve", "999999")


def test_jobs_csv_quotes_cells_a_spreadsheet_would_run_as_formulas():
    make_job(n=1, title='=HYPERLINK("http://evil.example","x")', org_name="+1 Corp")
    make_job(n=2, title="-2+3", org_name="@SUM(A1)", location_raw="\tTab")
    make_job(n=3, title="Plain title", org_name="A-Team", location_raw="\rCR")

    rows = list(csv.DictReader(io.StringIO(run("jobs", "--format", "csv"))))

    by_title = {r["title"]: r for r in rows}
    assert set(by_title) == {'\'=HYPERLINK("http://evil.example","x")', "'-2+3", "Plain title"}
    assert by_title['\'=HYPERLINK("http://evil.example","x")']["org_name"] == "'+1 Corp"
    assert by_title["'-2+3"]["org_name"] == "'@SUM(A1)"
    assert by_title["'-2+3"]["location_raw"] == "'\tTab"
    assert by_title["Plain title"]["org_name"] == "A-Team"  # only a leading character counts
    assert by_title["Plain title"]["location_raw"] == "'\rCR"


def test_sources_import_refuses_a_directory_a_missing_file_and_a_huge_one(tmp_path):
    huge = tmp_path / "huge.csv"
    huge.write_text("name\n" + "x\n" * 600_000)

    with pytest.raises(CommandError, match="is a directory"):
        run("sources", "import", str(tmp_path))
    with pytest.raises(CommandError, match="no such file"):
        run("sources", "import", str(tmp_path / "nope.yaml"))
    with pytest.raises(CommandError, match="over the 1000000-byte limit"):
        run("sources", "import", str(huge))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("runs", "--limit", "-1"), "--limit: must be at least 1, got -1"),
        (("jobs", "--limit", "-5"), "--limit: must be at least 1, got -5"),
        (("jobs", "--limit", "many"), "--limit: expected a whole number, got 'many'"),
        (("run_status", "1", "--failed", "-1"), "--failed: must be at least 0, got -1"),
        (("run_status", "99999999999999999999"), "run_id: must be at most 9223372036854775807"),
        (("sweep_stale", "--threshold", "-10"), "--threshold: must be at least 1, got -10"),
        (("sweep_stale", "--threshold", "0"), "--threshold: must be at least 1, got 0"),
        (("reset_run", "0"), "run_id: must be at least 1, got 0"),
        (("archives", "approve", "-3"), "id: must be at least 1, got -3"),
        (("demo", "--port", "70000"), "--port: must be at most 65535"),
        (("jobs", "--source", "9999"), "^no source 9999$"),
    ],
)
def test_commands_refuse_bad_numbers_with_one_line(args, message):
    with pytest.raises(CommandError, match=message):
        run(*args)


def test_sweep_stale_with_a_negative_threshold_touches_no_run():
    healthy = make_run()

    with pytest.raises(CommandError):
        run("sweep_stale", "--threshold", "-10")

    healthy.refresh_from_db()
    assert healthy.status == RunStatus.INGESTING


def test_every_integer_argument_goes_through_the_shared_types():
    """No command of ours parses a number with bare `type=int` (which takes -1 and 10**30)."""
    from django.core.management import get_commands, load_command_class

    ours = {n: app for n, app in get_commands().items() if app in ("ingestion", "tracking")}
    bare = []
    for name, app in ours.items():
        parser = load_command_class(app, name).create_parser("manage.py", name)
        parsers = [parser]
        while parsers:
            current = parsers.pop()
            for action in current._actions:
                if isinstance(action, argparse._SubParsersAction):
                    parsers.extend(action.choices.values())
                if action.type is int and not action.choices:
                    bare.append((name, action.dest))
    assert bare == []
    assert len(ours) >= 10


def test_crawled_text_is_printed_without_terminal_escapes():
    make_job(n=1, title="\x1b[2J\x1b]0;pwned\x07Evil\x07 title", org_name="Org\rX")

    table = run("jobs")

    assert "\x1b" not in table and "\x07" not in table and "\r" not in table
    assert "Evil title" in table


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("X", "--kind", "sitemap", "--url", "ftp://example.com/sitemap.xml"), "not ftp:"),
        # An ATS kind without a token is looked for in the URL, which must be http(s).
        (("X", "--kind", "greenhouse", "--url", "ftp://example.com/"), "only http and https"),
        (("X", "--kind", "greenhouse", "--board-token", "acme/../x"), "board token is letters"),
        (("X", "--kind", "lever", "--board-token", "a?b=c"), "board token is letters"),
        (("Evil\x1b[31m", "--kind", "lever", "--board-token", "acme"), "control characters"),
        (("X", "--kind", "lever", "--board-token", "acme", "--org-name", "A\rB"), "control char"),
    ],
)
def test_sources_add_refuses_bad_schemes_tokens_and_control_characters(args, message):
    with pytest.raises(CommandError, match=message):
        run("sources", "add", *args)
    assert not Source.objects.exists()


def test_sources_add_accepts_real_board_tokens():
    run("sources", "add", "A", "--kind", "lever", "--board-token", "acme-corp.eu_2~x")

    assert Source.objects.get(name="A").board_token == "acme-corp.eu_2~x"


def test_run_status_and_extract_print_crawled_text_without_escapes(tmp_path):
    stuck = make_run()
    make_run_url(stuck, "http://127.0.0.1:9/\x1b[2Jjob")
    RunUrl.objects.filter(run=stuck).update(
        outcome="failed", error_class="http_4xx", error_message="bad\x1b]0;title\x07 answer"
    )
    page = tmp_path / "job.html"
    page.write_text(
        "<html><head><title>\x1b[31mRed title\x1b[0m</title></head><body></body></html>"
    )

    status = run("run_status", str(stuck.id))
    extracted = run("extract", str(page))

    assert "\x1b" not in status and "\x07" not in status
    assert "bad answer" in status
    assert "\x1b" not in extracted
