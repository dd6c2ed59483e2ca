from __future__ import annotations

import json

import pytest

from tactful.cli.money import run

BASE = [
    "money",
    "schedule",
    "--principal",
    "12000",
    "--annual-rate",
    "0.18",
    "--months",
    "12",
    "--method",
    "equal_installment",
    "--start",
    "2026-01-15",
]


def with_option(option: str, value: str) -> list[str]:
    argv = list(BASE)
    argv[argv.index(option) + 1] = value
    return argv


def test_schedule_prints_one_json_line_per_installment(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(BASE) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 12
    assert lines[0] == (
        '{"n": 1, "due_date": "2026-02-15", "principal": "920.16", '
        '"interest": "180.00", "payment": "1100.16", "balance": "11079.84"}'
    )
    last = json.loads(lines[-1])
    assert last == {
        "n": 12,
        "due_date": "2027-01-15",
        "principal": "1083.93",
        "interest": "16.26",
        "payment": "1100.19",
        "balance": "0.00",
    }


def test_equal_principal_in_yen(capsys: pytest.CaptureFixture[str]) -> None:
    argv = [*with_option("--method", "equal_principal"), "--currency", "jpy"]
    assert run(argv) == 0
    first = json.loads(capsys.readouterr().out.splitlines()[0])
    assert (first["principal"], first["interest"], first["payment"]) == ("1000", "180", "1180")


@pytest.mark.parametrize(
    ("argv", "option"),
    [
        (with_option("--principal", "-5"), "--principal"),
        (with_option("--principal", "12000.001"), "--principal"),
        (with_option("--principal", "lots"), "--principal"),
        (with_option("--annual-rate", "0.1.8"), "--annual-rate"),
        (with_option("--annual-rate", "18"), "--annual-rate"),
        (with_option("--months", "0"), "--months"),
        (with_option("--months", "twelve"), "--months"),
        (with_option("--method", "balloon"), "--method"),
        (with_option("--start", "2026-02-30"), "--start"),
        ([*BASE, "--currency", "XYZ"], "--currency"),
        (BASE[:-2], "--start"),
    ],
)
def test_bad_input_exits_2_naming_the_option(
    argv: list[str], option: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(argv) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert option in captured.err


def test_money_without_a_subcommand_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["money"]) == 2
    assert capsys.readouterr().out == ""
