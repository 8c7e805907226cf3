"""docker-compose.yml and Procfile: the roles the README promises, validated."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]


def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_compose_runs_every_role_with_exactly_one_beat():
    services = compose()["services"]

    assert {"postgres", "redis", "migrate", "web", "beat", "flower"} <= set(services)
    workers = {
        name: s
        for name, s in services.items()
        if "celery -A jobpipe worker" in s.get("command", "")
    }
    queues = {s["command"].split("-Q ")[1].split()[0] for s in workers.values()}
    assert queues == {"default", "crawl"}  # one worker per queue family
    beats = [name for name, s in services.items() if "beat" in str(s.get("command", ""))]
    assert beats == ["beat"]
    assert services["beat"]["deploy"]["replicas"] == 1


def test_compose_secures_redis_and_flower_and_keeps_their_state():
    services = compose()["services"]

    redis = " ".join(services["redis"]["command"])
    assert "--requirepass" in redis and "--appendonly yes" in redis
    assert "--basic_auth=" in services["flower"]["command"]
    assert "--persistent=True" in services["flower"]["command"]
    assert any(v.startswith("flower:") for v in services["flower"]["volumes"])
    assert "collectstatic" in services["web"]["command"]
    assert "gunicorn" in services["web"]["command"]


def test_procfile_has_every_role():
    roles = dict(
        line.split(": ", 1) for line in (ROOT / "Procfile").read_text().splitlines() if line
    )

    assert set(roles) == {"release", "web", "worker", "beat", "flower"}
    assert "migrate" in roles["release"]
    assert "--basic_auth" in roles["flower"]


@pytest.mark.skipif(
    shutil.which("docker") is None
    or subprocess.run(["docker", "compose", "version"], capture_output=True).returncode != 0,
    reason="the docker CLI with the compose plugin is not installed here",
)
def test_docker_compose_config_validates_the_file(tmp_path):
    env = (ROOT / ".env.example").read_text()
    (tmp_path / ".env").write_text(env)

    result = subprocess.run(
        [
            "docker",
            "compose",
            "-f",
            str(ROOT / "docker-compose.yml"),
            "--env-file",
            str(tmp_path / ".env"),
            "config",
            "-q",
        ],
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 0, result.stderr


DEV_ONLY_VARIABLES = ("DEBUG", "JOBPIPE_TESTING", "DJANGO_ALLOW_ASYNC_UNSAFE")


def test_check_deploy_is_clean_with_production_settings():
    env = {
        **{
            k: v
            for k, v in os.environ.items()
            if k not in ("DEBUG", "JOBPIPE_TESTING", "DJANGO_ALLOW_ASYNC_UNSAFE")
        },
        "DEBUG": "false",
        "SECRET_KEY": "a-production-secret-key-of-sufficient-length-0123456789-abcdefghij",
        "ALLOWED_HOSTS": "jobs.example.com",
    }

    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
