"""Every command-line error is one clear line on stderr, never a traceback."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tactful.cli import INTERNAL_ERROR, USAGE_ERROR, main

ROOT = Path(__file__).resolve().parents[2]


def _one_line(text: str) -> str:
    assert "Traceback" not in text
    lines = text.strip().splitlines()
    assert len(lines) == 1, text
    return lines[0]


def test_a_schedule_running_past_the_calendar_is_refused_naming_the_option(capsys):
    status = main(
        [
            "money", "schedule", "--principal", "1000", "--annual-rate", "0.1", "--months", "3",
            "--method", "equal_installment", "--start", "9999-12-01",
        ]
    )  # fmt: skip
    assert status == USAGE_ERROR
    line = _one_line(capsys.readouterr().err)
    assert "--start" in line
    assert "9999-12-31" in line


def test_an_output_that_cannot_be_written_is_one_line(tmp_path, capsys):
    accounts = tmp_path / "accounts.csv"
    accounts.write_text(
        "account,recipient_timezone,days_past_due,holds,opted_out,collector_certified,"
        "calls_connected,calls_no_answer,calls_failed,calls_delivered\n"
        "a1,Asia/Shanghai,3,,false,true,0,0,0,0\n"
    )
    status = main(
        [
            "gate", "plan", "--pack", "cn", "--accounts", str(accounts),
            "--at", "2026-05-11T03:00:00Z", "--output", "/nonexistent/x.csv",
        ]
    )  # fmt: skip
    assert status == USAGE_ERROR
    line = _one_line(capsys.readouterr().err)
    assert line.startswith("tactful gate plan: ")
    assert "/nonexistent/x.csv" in line


def test_a_fault_in_tactful_is_one_line_without_its_message(monkeypatch, capsys):
    def broken(args: argparse.Namespace) -> int:
        raise RuntimeError("王小明 +8613123456789")

    original = argparse.ArgumentParser.parse_args

    def parse(self, *args, **kwargs):
        parsed = original(self, *args, **kwargs)
        parsed.handler = broken
        return parsed

    monkeypatch.setattr(argparse.ArgumentParser, "parse_args", parse)
    monkeypatch.delenv("TACTFUL_TRACEBACK", raising=False)
    status = main(["audit", "verify"])
    assert status == INTERNAL_ERROR
    line = _one_line(capsys.readouterr().err)
    assert "RuntimeError" in line
    assert "王小明" not in line
    assert "8613123456789" not in line


@pytest.mark.parametrize(
    "command",
    [
        [sys.executable, "-m", "tactful", "audit", "verify"],
        [sys.executable, "manage.py", "check"],
    ],
)
def test_a_wrong_setting_is_one_line_naming_it(command):
    env = {**os.environ, "PII_KEYS": "not-a-keyring", "DJANGO_SETTINGS_MODULE": "tactful.settings"}
    result = subprocess.run(
        command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == USAGE_ERROR
    line = _one_line(result.stderr)
    assert "configuration: PII keys" in line
