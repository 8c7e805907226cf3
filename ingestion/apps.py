"""App config."""

from django.apps import AppConfig


class IngestionConfig(AppConfig):
    name = "ingestion"
    verbose_name = "Ingestion"

    def ready(self) -> None:
        from celery.signals import worker_ready, worker_shutdown

        from ingestion import watchdog

        worker_ready.connect(watchdog.on_worker_ready, weak=False)
        worker_shutdown.connect(watchdog.on_worker_shutdown, weak=False)
