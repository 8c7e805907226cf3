"""Environment settings fail loudly on values they cannot understand."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from jobpipe.env import envbool, envchoice, envint

ROOT = Path(__file__).resolve().parents[1]


def test_it_reads_booleans_and_rejects_anything_else(monkeypatch):
    monkeypatch.setenv("FLAG", "Yes")
    assert envbool("FLAG", default=False) is True
    monkeypatch.setenv("FLAG", "off")
    assert envbool("FLAG", default=True) is False
    monkeypatch.delenv("FLAG")
    assert envbool("FLAG", default=True) is True
    monkeypatch.setenv("FLAG", "maybe")
    with pytest.raises(
        ImproperlyConfigured, match="Unexpected value FLAG='maybe', use 'true' or 'false'"
    ):
        envbool("FLAG", default=False)


def test_it_rejects_bad_numbers_and_choices(monkeypatch):
    monkeypatch.setenv("N", "ten")
    with pytest.raises(ImproperlyConfigured, match="use a whole number"):
        envint("N", 1)
    monkeypatch.setenv("N", "-1")
    with pytest.raises(ImproperlyConfigured, match="must be >= 0"):
        envint("N", 1, minimum=0)
    monkeypatch.setenv("TABLE", "users")
    with pytest.raises(ImproperlyConfigured, match="use one of: jobs, jobs_side"):
        envchoice("TABLE", "jobs", ("jobs", "jobs_side"))


def test_it_refuses_to_start_with_a_bad_setting():
    env = {**os.environ, "EXTRACTION_SHADOW_MODE": "sometimes"}
    proc = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert proc.returncode != 0
    assert "Unexpected value EXTRACTION_SHADOW_MODE='sometimes'" in proc.stderr


def test_it_runs_tasks_in_process_without_a_broker():
    env = {k: v for k, v in os.environ.items() if k != "CELERY_BROKER_URL"}
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.CELERY_TASK_ALWAYS_EAGER)"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "jobpipe.settings"},
        capture_output=True,
        text=True,
    )
    assert proc.stdout.strip() == "True", proc.stderr
