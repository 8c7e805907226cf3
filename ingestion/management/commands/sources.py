"""manage.py sources: add, list, enable, disable, detect, and import sources from CSV or YAML."""

from __future__ import annotations

import csv
from pathlib import Path

import yaml
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from ingestion import cli
from ingestion.errors import FetchError
from ingestion.fetch import fetch
from ingestion.models import Source, SourceKind
from ingestion.sources.detect import detect, detect_in_page
from ingestion.sources.recognise import NotRecognised, PageUnreadable, fill_from_url

FIELDS = ("name", "org_name", "kind", "url", "board_token", "cadence_minutes", "enabled")
MAX_IMPORT_BYTES = 1_000_000  # some thousands of sources; anything bigger is a mistake


class NoAliasLoader(yaml.SafeLoader):
    """yaml.safe_load without anchors and aliases: a list of sources needs none, and a few
    hundred bytes of nested aliases (a "billion laughs" file) expand to gigabytes."""

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            mark = self.peek_event().start_mark
            raise yaml.composer.ComposerError(None, None, "aliases (*name) are not accepted", mark)
        return super().compose_node(parent, index)


def save_source(data: dict) -> tuple[Source, bool]:
    """Create or update the source named data["name"], validated. Returns (source, created)."""
    unknown = set(data) - set(FIELDS) - {"config"}
    if unknown:
        raise CommandError(f"unknown field(s) {', '.join(sorted(unknown))}")
    name = str(data.get("name") or "").strip()
    if not name:
        raise CommandError("every source needs a name")
    source = Source.objects.filter(name=name).first()
    created = source is None
    source = source or Source(name=name)
    for field in FIELDS[1:]:
        if data.get(field) not in (None, ""):
            setattr(source, field, data[field])
    if isinstance(data.get("enabled"), str):
        source.enabled = data["enabled"].strip().lower() in ("1", "true", "yes")
    if data.get("config"):
        source.config = data["config"]
    source.org_name = source.org_name or name
    try:
        source.full_clean()
    except ValidationError as exc:
        details = "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
        raise CommandError(f"source {name!r}: {details}") from None
    source.save()
    return source, created


def read_text(path: Path) -> str:
    """The file's text, or a one-line reason it is not a small UTF-8 text file."""
    if path.is_dir():
        raise CommandError(f"{path} is a directory; give a .csv or .yaml file")
    if not path.is_file():
        raise CommandError(f"no such file: {path}")
    size = path.stat().st_size
    if size > MAX_IMPORT_BYTES:
        raise CommandError(f"{path}: {size} bytes, over the {MAX_IMPORT_BYTES}-byte limit")
    raw = path.read_bytes()
    if b"\x00" in raw:
        raise CommandError(f"{path}: a binary file, not CSV or YAML text")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CommandError(f"{path}: not UTF-8 text (byte {exc.start})") from None


def read_file(path: Path) -> list[dict]:
    text = read_text(path)
    if path.suffix.lower() in (".yaml", ".yml"):
        try:
            data = yaml.load(text, Loader=NoAliasLoader)  # noqa: S506 - a SafeLoader subclass
        except yaml.YAMLError as exc:
            raise CommandError(f"{path}: not valid YAML: {exc}") from None
        except RecursionError:
            raise CommandError(f"{path}: not valid YAML: nested too deeply") from None
        data = data.get("sources") if isinstance(data, dict) else data
        if not isinstance(data, list) or not all(isinstance(d, dict) for d in data):
            raise CommandError(f"{path}: expected a list of sources (or {{sources: [...]}})")
        return data
    if path.suffix.lower() == ".csv":
        return list(csv.DictReader(text.splitlines()))
    raise CommandError(f"{path}: use a .csv, .yaml or .yml file")


class Command(BaseCommand):
    help = (
        "Manage sources. `sources list`, `sources add NAME --kind K --url U` (without --kind "
        "the ATS and board token are recognised from the URL, or from the board its page "
        "embeds), `sources detect URL [--page]`, "
        "`sources enable NAME...`, `sources disable NAME...`, `sources import FILE` "
        "(CSV with a header row, or YAML; columns: " + ", ".join(FIELDS) + ")."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("list", help="List every source.")
        add = sub.add_parser("add", help="Add (or update) one source.")
        add.add_argument("name")
        add.add_argument(
            "--kind",
            choices=SourceKind.values,
            help="Default: recognised from --url (an ATS board URL, or a page that embeds one).",
        )
        add.add_argument("--url", default="")
        add.add_argument("--board-token", default="")
        add.add_argument("--org-name", default="")
        add.add_argument("--cadence-minutes", type=cli.positive)
        for action in ("enable", "disable"):
            p = sub.add_parser(action, help=f"{action.title()} sources by name.")
            p.add_argument("names", nargs="+")
        det = sub.add_parser("detect", help="Say which ATS and board token a URL names, and why.")
        det.add_argument("url")
        det.add_argument(
            "--page",
            action="store_true",
            help="Also fetch the URL and look for boards it embeds (iframe, script, links).",
        )
        imp = sub.add_parser("import", help="Create or update sources from a CSV or YAML file.")
        imp.add_argument("path", type=Path)

    def handle(self, *args, action, **opts):
        getattr(self, f"do_{action}")(**opts)

    def do_list(self, **opts):
        for s in Source.objects.order_by("name"):
            state = "enabled" if s.enabled else "disabled"
            cadence = f" every {s.cadence_minutes} min" if s.cadence_minutes else ""
            target = s.url or s.board_token
            name, target = cli.printable(s.name), cli.printable(target)
            self.stdout.write(f"{s.id:>5}  {name:<30} {s.kind:<16} {state}{cadence}  {target}")

    def do_add(self, name, kind, url, board_token, org_name, cadence_minutes, **opts):
        data = {"name": name, "kind": kind, "url": url, "board_token": board_token}
        data.update(org_name=org_name, cadence_minutes=cadence_minutes)
        if not kind and not url:
            raise CommandError("give --url (the ATS is found from it) or --kind")
        try:  # the same recognition as the API and the admin: board URL, else embedded board
            fields, found = fill_from_url(url=url, kind=kind, board_token=board_token, config={})
        except (NotRecognised, PageUnreadable) as exc:
            raise CommandError(f"{exc}: pass --kind") from None
        if found is not None:
            data.update(fields)
            self.stdout.write(
                f"Recognised {found.detection.kind} board {found.detection.board_token!r}: "
                f"{found.why}"
            )
        source, created = save_source(data)
        self.stdout.write(f"{'Added' if created else 'Updated'} source {source.id}: {source.name}")

    def do_detect(self, url, page, **opts):
        found = detect(url)
        if found is not None:
            self.stdout.write(
                f"{found.kind}  board_token={found.board_token}  {found.config or ''}"
            )
            self.stdout.write(f"  why: {found.reason}")
        if page:
            try:
                body = fetch(url).body
            except FetchError as exc:
                raise CommandError(f"could not read {url}: {exc.error_class}: {exc}") from None
            for how, embedded in detect_in_page(body):
                self.stdout.write(
                    f"{embedded.kind}  board_token={embedded.board_token}  "
                    f"{embedded.config or ''}\n  why: embedded ({how}): {embedded.reason}"
                )
                found = found or embedded
        if found is None:
            raise CommandError(f"no ATS recognised in {url!r}" + ("" if page else " (try --page)"))

    def do_enable(self, names, **opts):
        self._set_enabled(names, True)

    def do_disable(self, names, **opts):
        self._set_enabled(names, False)

    def _set_enabled(self, names: list[str], enabled: bool) -> None:
        found = set(Source.objects.filter(name__in=names).values_list("name", flat=True))
        missing = sorted(set(names) - found)
        if missing:
            raise CommandError(f"unknown source(s): {', '.join(missing)}")
        Source.objects.filter(name__in=names).update(enabled=enabled)
        self.stdout.write(f"{'Enabled' if enabled else 'Disabled'} {len(found)} source(s).")

    def do_import(self, path, **opts):
        rows = read_file(path)
        with transaction.atomic():  # all or nothing: a bad row imports none
            results = [save_source(row) for row in rows]
        created = sum(1 for _, was_created in results if was_created)
        self.stdout.write(
            f"Imported {len(results)} source(s): {created} new, {len(results) - created} updated."
        )
