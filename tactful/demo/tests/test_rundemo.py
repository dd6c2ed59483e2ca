"""The parts of ``manage.py rundemo`` that can be checked without starting servers."""

from __future__ import annotations

import signal
from datetime import date

import pytest
from django.core.management import call_command

from tactful.borrowers.models import Borrower
from tactful.demo.management.commands.rundemo import (
    Command,
    _as_exit_status,
    demo_environment,
    demo_processes,
    django_command,
    needs_seeding,
)
from tactful.demo.seed import seed_demo


@pytest.mark.django_db
def test_a_database_without_borrowers_is_seeded():
    assert needs_seeding()


@pytest.mark.django_db
def test_a_database_with_borrowers_is_not_seeded_again():
    seed_demo(borrowers=1, seed=7, today=date(2025, 6, 30))

    assert not needs_seeding()


def test_children_run_in_demo_mode_by_default():
    env = demo_environment({"PATH": "/bin"})

    assert env["TACTFUL_DEMO"] == "true"
    assert env["DJANGO_SETTINGS_MODULE"] == "tactful.settings"
    assert env["PATH"] == "/bin"


def test_an_explicit_demo_setting_is_kept():
    env = demo_environment({"TACTFUL_DEMO": "false", "DJANGO_SETTINGS_MODULE": "x.settings"})

    assert env["TACTFUL_DEMO"] == "false"
    assert env["DJANGO_SETTINGS_MODULE"] == "x.settings"


def test_children_are_django_commands_of_this_interpreter():
    command = django_command("runserver", "127.0.0.1:8000", "--noreload")

    assert command[1:] == ["-m", "django", "runserver", "127.0.0.1:8000", "--noreload"]


def test_the_demo_runs_the_site_the_task_worker_and_the_scheduler():
    commands = [arguments[0] for arguments in demo_processes("8123")]

    assert commands == ["runserver", "db_worker", "scheduler"]
    assert demo_processes("8123")[0][1] == "127.0.0.1:8123"


def test_a_child_killed_by_a_signal_exits_like_a_shell_reports_it():
    assert _as_exit_status(-signal.SIGTERM) == 128 + signal.SIGTERM
    assert _as_exit_status(3) == 3
    assert _as_exit_status(0) == 0


@pytest.mark.django_db
def test_the_banner_names_a_borrower_per_bucket_and_the_staff_logins(settings):
    settings.DEMO_MODE = True
    seed_demo(borrowers=60, seed=7, today=date(2025, 6, 30))

    banner = Command()._banner("http://127.0.0.1:8123", {"TACTFUL_DEMO": "true"})

    assert "http://127.0.0.1:8123/demo/outbox/" in banner
    assert "http://127.0.0.1:8123/api/v1/docs" in banner
    banner_staff = "collector, collector2, supervisor, compliance, compliance2, admin"
    assert f"{banner_staff}; password tactful-demo" in banner
    assert "TACTFUL_DEMO=true .venv/bin/python manage.py demo_totp USERNAME" in banner
    assert "+1201555010" in banner


def test_the_banner_offers_no_staff_logins_outside_demo_mode(db):
    banner = Command()._banner("http://127.0.0.1:8000", {"TACTFUL_DEMO": "false"})

    assert "no demo accounts" in banner
    assert "tactful-demo" not in banner


@pytest.mark.django_db
def test_seed_demo_command_seeds_and_summarises(capsys):
    call_command("seed_demo", "--borrowers=2", "--seed=7", "--today=2025-06-30")

    assert Borrower.objects.count() == 2
    assert "borrowers: 2 (2 new)" in capsys.readouterr().out


def test_the_second_factor_command_the_banner_prints_works_as_printed(tmp_path, db):
    """It used to fail from any other shell: "demo codes are shown only when TACTFUL_DEMO is on"."""
    import os
    import re
    import shlex
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[3]
    environment = {**os.environ, "TACTFUL_VAR_DIR": str(tmp_path)}
    environment.pop("TACTFUL_DEMO", None)
    environment.pop("DATABASE_URL", None)

    def run(command: list[str], extra: dict[str, str] | None = None) -> str:
        result = subprocess.run(
            command, cwd=root, env={**environment, **(extra or {})},
            capture_output=True, text=True, timeout=300, check=True,
        )  # fmt: skip
        return result.stdout

    run([sys.executable, "manage.py", "migrate", "-v0"])
    run([sys.executable, "manage.py", "seed_demo", "--borrowers", "1"], {"TACTFUL_DEMO": "true"})
    banner_line = next(
        line for line in Command()._banner("http://x", {"TACTFUL_DEMO": "true"}).splitlines()
        if "demo_totp" in line
    )  # fmt: skip
    printed = banner_line.split("code: ", 1)[1].replace("USERNAME", "collector")
    words = shlex.split(printed)
    assignments = dict(word.split("=", 1) for word in words if re.match(r"^[A-Z_]+=", word))
    command = [word for word in words if not re.match(r"^[A-Z_]+=", word)]
    command[0] = sys.executable
    assert re.fullmatch(r"\d{6}\n", run(command, assignments))
