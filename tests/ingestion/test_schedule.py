"""Scheduled ingestion and the maintenance commands."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import CommandError, call_command

from ingestion import schedule
from ingestion.models import IngestionRun, RunStatus
from tests.factories import make_run, make_source

pytestmark = pytest.mark.django_db


def test_it_starts_one_run_for_the_sources_whose_cadence_came_round(clock, monkeypatch):
    never_ran = make_source(cadence_minutes=60)
    ran_long_ago = make_source(cadence_minutes=60)
    make_run([ran_long_ago], status=RunStatus.COMPLETED)
    make_source()  # no cadence: manual only
    make_source(cadence_minutes=60, enabled=False)
    clock.shift(datetime.timedelta(minutes=61))
    ran_recently = make_source(cadence_minutes=60)
    make_run([ran_recently], status=RunStatus.COMPLETED)
    busy = make_source(cadence_minutes=1)
    make_run([busy], status=RunStatus.INGESTING)
    started = []
    monkeypatch.setattr("ingestion.start.launch", started.append)

    run = schedule.start_due_runs()

    assert sorted(s["id"] for s in run.sources) == sorted([never_ran.id, ran_long_ago.id])
    assert started == [run.id]
    assert schedule.start_due_runs() is None  # both are now in an active run


def test_reset_run_command_aborts_a_stuck_run_and_refuses_a_finished_one(capsys):
    stuck, done = make_run(), make_run(status=RunStatus.COMPLETED)

    call_command("reset_run", str(stuck.id), "--reason", "worker lost")
    with pytest.raises(CommandError, match=f"run {done.id} is completed"):
        call_command("reset_run", str(done.id))
    with pytest.raises(CommandError, match="run 999999 does not exist"):
        call_command("reset_run", "999999")

    assert IngestionRun.objects.get(id=stuck.id).status == RunStatus.CANCELLED
    assert f"run {stuck.id} is now cancelled: worker lost" in capsys.readouterr().out


def test_sweep_stale_command_reports_what_it_recovered(clock, capsys):
    run = make_run()
    clock.shift(datetime.timedelta(minutes=16))

    call_command("sweep_stale")

    assert f"recovered 1 run(s) [{run.id}]" in capsys.readouterr().out
    assert IngestionRun.objects.get(id=run.id).retry_count == 1
