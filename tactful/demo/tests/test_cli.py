from __future__ import annotations

import subprocess
import sys

import pytest

from tactful.borrowers.models import Borrower
from tactful.cli import main


def test_help_lists_every_command(capsys):
    assert main(["--help"]) == 0

    out = capsys.readouterr().out
    for command in ("audit", "demo", "money"):
        assert command in out


def test_no_command_is_a_usage_error(capsys):
    assert main([]) == 2
    assert "required" in capsys.readouterr().err


def test_an_unknown_command_is_a_usage_error(capsys):
    assert main(["launder"]) == 2
    assert "invalid choice" in capsys.readouterr().err


def test_python_dash_m_tactful_runs_the_command_line():
    result = subprocess.run(
        [sys.executable, "-m", "tactful", "--help"], capture_output=True, text=True, check=False
    )

    assert result.returncode == 0
    assert "audit" in result.stdout


def test_money_schedule_does_not_load_django():
    program = (
        "import sys\n"
        "from tactful.cli import main\n"
        "status = main(['money', 'schedule', '--principal', '1200', '--annual-rate', '0.12',"
        " '--months', '3', '--method', 'equal_principal', '--start', '2025-01-15'])\n"
        "assert status == 0, status\n"
        "assert 'django' not in sys.modules, 'django was imported'\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, check=False
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.count("\n") == 3


@pytest.mark.django_db
def test_demo_seed_prints_progress_and_a_summary(capsys):
    status = main(["demo", "seed", "--borrowers", "3", "--seed", "5", "--today", "2025-03-31"])

    assert status == 0
    out = capsys.readouterr().out
    assert "seeded 3/3 borrowers (100%)" in out
    assert "borrowers: 3 (3 new)" in out
    assert "loans per bucket: M0" in out
    assert Borrower.objects.count() == 3


@pytest.mark.django_db
@pytest.mark.parametrize(
    "arguments",
    [
        ["--borrowers", "0"],
        ["--borrowers", "many"],
        ["--today", "31/03/2025"],
        ["--seed", "x"],
    ],
)
def test_demo_seed_rejects_bad_options_and_stores_nothing(arguments, capsys):
    assert main(["demo", "seed", *arguments]) == 2
    assert "error: argument" in capsys.readouterr().err
    assert not Borrower.objects.exists()


@pytest.mark.django_db
def test_demo_seed_rejects_a_future_date_and_stores_nothing(capsys):
    assert main(["demo", "seed", "--borrowers", "2", "--today", "2999-01-01"]) == 2

    assert "today: must not be after the real date" in capsys.readouterr().err
    assert not Borrower.objects.exists()
