"""Environment settings fail loudly on values they cannot understand."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from jobpipe.env import envbool, envchoice, envint, envjson_object

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


def test_it_reads_a_json_object_and_rejects_anything_else(monkeypatch):
    monkeypatch.setenv("LIMITS", '{"join": {"rate": 1}}')
    assert envjson_object("LIMITS") == {"join": {"rate": 1}}
    monkeypatch.setenv("LIMITS", "")
    assert envjson_object("LIMITS") == {}
    monkeypatch.setenv("LIMITS", "[1]")
    with pytest.raises(ImproperlyConfigured, match="must be a JSON object"):
        envjson_object("LIMITS")
    monkeypatch.setenv("LIMITS", "{join")
    with pytest.raises(ImproperlyConfigured, match="is not valid JSON"):
        envjson_object("LIMITS")


@pytest.mark.parametrize(
    "limits", ['{"join": {"rate": -1}}', '{"join": {"burst": 3}}', '{"join": 2}']
)
def test_it_refuses_to_start_with_bad_provider_limits(limits):
    env = {**os.environ, "JOBPIPE_PROVIDER_LIMITS": limits}
    proc = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert proc.returncode != 0
    assert "JOBPIPE_PROVIDER_LIMITS['join']" in proc.stderr


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


def settings_of(code: str, **env: str) -> subprocess.CompletedProcess:
    """Load the settings in a fresh interpreter with a production-like environment."""
    base = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "JOBPIPE_TESTING")}
    script = "import django; django.setup(); from django.conf import settings; " + code
    return subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={**base, "DJANGO_SETTINGS_MODULE": "jobpipe.settings", **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_is_the_default_and_needs_a_secret_key():
    unset = settings_of("print(settings.DEBUG)")
    with_key = settings_of("print(settings.DEBUG)", SECRET_KEY="k" * 50)
    embedded = settings_of("print(settings.DEBUG)", DEBUG="true")

    assert unset.returncode != 0
    assert "SECRET_KEY must be set in production" in unset.stderr
    assert "set DEBUG=true, as scripts/demo does" in unset.stderr
    assert with_key.stdout.strip() == "False"
    assert embedded.stdout.strip() == "True"


def test_it_refuses_the_env_example_placeholders_in_production():
    key = settings_of("", SECRET_KEY="replace-with-a-long-random-string")
    api = settings_of("", SECRET_KEY="k" * 50, INTERNAL_API_KEY="replace-me")

    assert "SECRET_KEY is the .env.example placeholder" in key.stderr
    assert "INTERNAL_API_KEY is the .env.example placeholder" in api.stderr


def test_hsts_preload_is_opt_in_and_only_with_a_qualifying_max_age():
    code = "print(settings.SECURE_HSTS_PRELOAD, settings.SECURE_HSTS_SECONDS)"
    default = settings_of(code, SECRET_KEY="k" * 50)
    short = settings_of(code, SECRET_KEY="k" * 50, SECURE_HSTS_PRELOAD="true")
    qualifying = settings_of(
        code, SECRET_KEY="k" * 50, SECURE_HSTS_PRELOAD="true", SECURE_HSTS_SECONDS="31536000"
    )

    assert default.stdout.split() == ["False", "3600"]
    assert "SECURE_HSTS_PRELOAD needs SECURE_HSTS_SECONDS >= 31536000" in short.stderr
    assert qualifying.stdout.split() == ["True", "31536000"]


def test_the_demo_script_sets_the_embedded_mode_itself():
    assert 'export DEBUG="${DEBUG:-true}"' in (ROOT / "scripts" / "demo").read_text()
