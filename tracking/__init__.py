"""Durable tracking of every Celery task JobPipe runs."""
