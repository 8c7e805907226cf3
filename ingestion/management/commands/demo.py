"""Ingest the bundled demo employer site, served on 127.0.0.1 by this command."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.test.utils import override_settings

from demo.server import serve
from ingestion import cli
from ingestion.models import Source, SourceKind
from ingestion.progress import follow
from ingestion.start import Door, start


class Command(BaseCommand):
    help = "Serve the demo site on 127.0.0.1, ingest it, and print the run's summary."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=cli.port, default=8765, help="Port for the demo site.")

    def handle(self, *args, **opts):
        # The demo site is on 127.0.0.1, which the SSRF guard refuses unless allowed.
        local = override_settings(JOBPIPE_FETCH_ALLOWED_NETWORKS="127.0.0.1/32")
        with local, serve(opts["port"]) as base:
            self.stdout.write(f"Demo employer site at {base}/careers/index.html")
            careers, _ = Source.objects.update_or_create(
                name="Northwind Tools (careers page)",
                defaults={
                    "org_name": "Northwind Tools",
                    "kind": SourceKind.CAREERS_PAGE,
                    "url": f"{base}/careers/index.html",
                    "enabled": True,
                },
            )
            sitemap, _ = Source.objects.update_or_create(
                name="Northwind Tools (sitemap)",
                defaults={
                    "org_name": "Northwind Tools",
                    "kind": SourceKind.SITEMAP,
                    "url": f"{base}/sitemap.xml",
                    "enabled": True,
                },
            )
            # The demo writes the production table so the admin shows the jobs.
            started = start(
                [careers, sitemap], door=Door.COMMAND, use_storage=True, shadow_mode=False
            )
            self.stdout.write(
                f"Run {started.run.id}: ingesting {len(started.run.sources)} sources in-process"
            )
            follow(started, self.stdout)
        self.stdout.write("")
        self.stdout.write("See the jobs in the admin:")
        self.stdout.write("  DEBUG=true .venv/bin/python manage.py createsuperuser")
        self.stdout.write(
            "  DEBUG=true .venv/bin/python manage.py runserver   # http://127.0.0.1:8000/dashboard/"
        )
