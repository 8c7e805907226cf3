"""manage.py archives: the archives the mass-archive guard held, and the operator's decision."""

from __future__ import annotations

import getpass

from django.core.management.base import BaseCommand, CommandError

from ingestion import archive, cli
from ingestion.models import HeldArchive


class Command(BaseCommand):
    help = (
        "Archives held by the mass-archive guard. `archives list [--all]`, "
        "`archives approve ID` (archive exactly the held jobs), `archives reject ID`."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        listing = sub.add_parser("list", help="Held archives (with --all, decided ones too).")
        listing.add_argument("--all", action="store_true")
        for action in ("approve", "reject"):
            decide = sub.add_parser(action, help=f"{action.capitalize()} a held archive.")
            decide.add_argument("id", type=cli.identifier)
            decide.add_argument("--by", default="", help="Who decides (default: this user).")

    def handle(self, *args, action, **opts):
        if action == "list":
            return self._list(opts["all"])
        decide = archive.approve if action == "approve" else archive.reject
        try:
            held = decide(opts["id"], by=opts["by"] or f"{getpass.getuser()} (manage.py)")
        except HeldArchive.DoesNotExist:
            raise CommandError(f"no held archive {opts['id']}") from None
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"Held archive {held.id} {held.status}: {held.archived} jobs archived.")
        return None

    def _list(self, everything: bool) -> None:
        held = HeldArchive.objects.select_related("source").order_by("-created_at")
        if not everything:
            held = held.filter(status=HeldArchive.Status.HELD)
        self.stdout.write(
            f"{'id':>5}  {'status':<9} {'jobs':>5} {'active':>6} {'listed':>6}  source: reason"
        )
        for h in held[:200]:
            self.stdout.write(
                f"{h.id:>5}  {h.status:<9} {len(h.job_ids):>5} {h.active:>6} {h.listed:>6}  "
                + cli.printable(f"{h.source.name}: {h.reason}")
            )
