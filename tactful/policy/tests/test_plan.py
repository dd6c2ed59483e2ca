"""Batch planning agrees with decide() for debtors, reads CSV and Parquet, refuses bad input."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tactful.cli.gate import run
from tactful.policy import Attempt, Facts, HistoryEntry, decide, load_pack
from tactful.policy.plan import (
    AccountsError,
    PlanUnsupported,
    call_counts_from_history,
    plan_accounts,
)
from tactful.policy.tests.strategies import BASES, PACKS, ZONES
from tactful.policy.types import CHANNELS, OUTCOMES, Purpose

HOLD_CELLS = (None, "", " ; ", "complaint", "dispute;odd-kind")
AT = datetime(2026, 5, 11, 3, 0, tzinfo=UTC)


def _account(
    rng: random.Random, at: datetime, number: int
) -> tuple[dict[str, Any], list[HistoryEntry]]:
    zone = rng.choice((*ZONES, *ZONES, None, "Mars/Olympus"))
    history = [
        HistoryEntry(
            at=at - timedelta(seconds=rng.randint(-3600, 9 * 24 * 3600)),
            channel=rng.choice(("call", "call", "call", "sms")),
            recipient="r-1",
            outcome=rng.choice(OUTCOMES),
            debt="d-1",
        )
        for _ in range(rng.choice((0, 2, 6, 12, 25)))
    ]
    row: dict[str, Any] = {
        "account": f"A{number}",
        "recipient_timezone": zone,
        "days_past_due": rng.choice((None, -1, 0, 1, 30)),
        "holds": rng.choice(HOLD_CELLS),
        "opted_out": rng.choice((None, False, False, True)),
        "collector_certified": rng.choice((None, True, True, True, False)),
    }
    if rng.random() < 0.7:
        # Most accounts are clean, so that time windows and call counts decide.
        clean = {
            "days_past_due": 30,
            "holds": None,
            "opted_out": False,
            "collector_certified": True,
        }
        row.update(clean, recipient_timezone=rng.choice(ZONES))
        zone = row["recipient_timezone"]
    counts_zone = zone if zone in ZONES else "UTC"
    row.update(call_counts_from_history(history, recipient="r-1", zone=counts_zone, at=at))
    return row, history


def _decisions(
    row: dict[str, Any], history: list[HistoryEntry], pack: str, at: datetime, purpose: str
) -> dict[str, tuple[bool, datetime | None]]:
    holds = tuple(h.strip() for h in (row["holds"] or "").split(";") if h.strip())
    facts = Facts(
        days_past_due=row["days_past_due"],
        holds=holds,
        opted_out=bool(row["opted_out"]),
        history=tuple(history),
    )
    answers: dict[str, tuple[bool, datetime | None]] = {}
    for channel in CHANNELS:
        attempt = Attempt(
            channel=channel,
            recipient="r-1",
            recipient_role="debtor",
            purpose=purpose,  # type: ignore[arg-type]
            recipient_timezone=row["recipient_timezone"],
            debt="d-1",
            collector_certified=row["collector_certified"],
        )
        decision = decide(attempt, facts, at, load_pack(pack))
        answers[channel] = (decision.allowed, decision.next_allowed_at)
    return answers


def _frame(rows: list[dict[str, Any]]) -> pl.DataFrame:
    schema = {
        "account": pl.String,
        "recipient_timezone": pl.String,
        "days_past_due": pl.Int64,
        "holds": pl.String,
        "opted_out": pl.Boolean,
        "collector_certified": pl.Boolean,
        **{f"calls_{o}": pl.String for o in OUTCOMES},
    }
    return pl.DataFrame(rows, schema=schema, orient="row")


def _assert_plan_agrees(pack: str, at: datetime, purpose: Purpose, seed: int, size: int) -> None:
    rng = random.Random(seed)
    accounts = [_account(rng, at, n) for n in range(size)]
    frame = _frame([row for row, _ in accounts])
    planned = plan_accounts(frame, pack=load_pack(pack), at=at, purpose=purpose).to_dicts()
    for (row, history), result in zip(accounts, planned, strict=True):
        expected = _decisions(row, history, pack, at, purpose)
        got = {c: (result[f"{c}_allowed"], result[f"{c}_next_allowed_at"]) for c in CHANNELS}
        assert got == expected, (pack, purpose, at, row)


@pytest.mark.parametrize("pack", PACKS)
@pytest.mark.parametrize("purpose", ["collection", "reminder", "service"])
def test_the_plan_agrees_with_decide_for_random_debtors(pack: str, purpose: Purpose) -> None:
    for seed, base in enumerate(BASES):
        at = base + timedelta(hours=seed * 7 + 2)
        _assert_plan_agrees(pack, at, purpose, seed, 300)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    pack=st.sampled_from(PACKS),
    base=st.sampled_from(BASES),
    seconds=st.integers(min_value=0, max_value=4 * 24 * 3600),
    seed=st.integers(min_value=0, max_value=10**6),
)
def test_the_plan_agrees_with_decide_at_any_instant(
    pack: str, base: datetime, seconds: int, seed: int
) -> None:
    _assert_plan_agrees(pack, base + timedelta(seconds=seconds), "collection", seed, 25)


def _row(account: str, **changes: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "account": account,
        "recipient_timezone": "Asia/Shanghai",
        "days_past_due": 3,
        "holds": None,
        "opted_out": False,
        "collector_certified": True,
        **{f"calls_{outcome}": "0" for outcome in OUTCOMES},
    }
    row.update(changes)
    return row


def test_blocked_by_names_the_categories_that_time_does_not_lift() -> None:
    rows = [
        _row("ok"),
        _row("held", days_past_due=0, holds="complaint", opted_out=True, collector_certified=False),
        _row("gap", recipient_timezone=None, holds="complaint"),
        _row("capped", calls_connected="3"),
    ]
    result = plan_accounts(_frame(rows), pack=load_pack("cn"), at=AT).to_dicts()
    assert [r["blocked_by"] for r in result] == [
        "",
        "account_state;certification;consent;hold",
        "data_gap",
        "",
    ]
    assert result[0]["call_allowed"] is True
    assert result[3]["call_allowed"] is False
    assert result[3]["sms_allowed"] is True
    assert result[3]["call_next_allowed_at"] == datetime(2026, 5, 12, 0, 0, tzinfo=UTC)


def _write_csv(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


COLUMNS = (
    "account,recipient_timezone,days_past_due,holds,opted_out,collector_certified,"
    "calls_connected,calls_no_answer,calls_failed,calls_delivered"
)
HEADER = COLUMNS + "\n"
WEEK_OF_CALLS = "0;1;0;0;0;0;0,1;1;1;1;1;1;0,0;0;0;0;0;0;0,0;0;0;0;0;0;0"
GOOD = (
    "A1,Asia/Shanghai,5,,false,true,0,1,0,0\n"
    "A2,Asia/Shanghai,5,complaint,no,yes,0,0,0,0\n"
    f"A3,America/Chicago,9,,0,1,{WEEK_OF_CALLS}\n"
)


def test_the_plan_command_writes_csv(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    accounts = _write_csv(tmp_path / "accounts.csv", HEADER + GOOD)
    output = tmp_path / "plan.csv"
    status = run(
        [
            "plan",
            "--pack",
            "cn",
            "--accounts",
            str(accounts),
            "--at",
            "2026-05-11T15:00:00Z",
            "--output",
            str(output),
        ]
    )
    assert status == 0
    assert "planned 3 accounts" in capsys.readouterr().out
    written = pl.read_csv(output, infer_schema=False).to_dicts()
    assert [row["account"] for row in written] == ["A1", "A2", "A3"]
    # 23:00 in Shanghai: calls wait for 08:00 (00:00Z); letters go at any hour.
    assert written[0]["call_allowed"] == "false"
    assert written[0]["call_next_allowed_at"] == "2026-05-12T00:00:00Z"
    assert written[0]["letter_allowed"] == "true"
    assert written[1]["blocked_by"] == "hold"
    assert written[1]["call_next_allowed_at"] is None


def test_the_plan_command_reads_and_writes_parquet(tmp_path: Path) -> None:
    frame = pl.DataFrame(
        {
            "account": ["A1", "A2"],
            "recipient_timezone": ["America/Chicago", "America/Chicago"],
            "days_past_due": [9, 9],
            "holds": [None, None],
            "opted_out": [False, False],
            "collector_certified": [True, True],
            "calls_connected": [[0, 0, 0, 0, 0, 0, 0], [0, 0, 1, 0, 0, 0, 0]],
            "calls_no_answer": [[1] * 7, [0] * 7],
            "calls_delivered": [[0] * 7, [0] * 7],
        }
    )
    accounts, output = tmp_path / "a.parquet", tmp_path / "p.parquet"
    frame.write_parquet(accounts)
    status = run(
        [
            "plan",
            "--pack",
            "us",
            "--accounts",
            str(accounts),
            "--at",
            "2026-05-11T15:00:00Z",
            "--output",
            str(output),
        ]
    )
    assert status == 0
    result = pl.read_parquet(output).to_dicts()
    # A1: seven calls in seven days; A2: a conversation two days ago.
    assert result[0]["call_next_allowed_at"] == datetime(2026, 5, 12, 13, 0, tzinfo=UTC)
    assert result[1]["call_next_allowed_at"] == datetime(2026, 5, 16, 13, 0, tzinfo=UTC)
    assert result[1]["sms_allowed"] is True


SHANGHAI_ROW = "A1,Asia/Shanghai,5,,false,true,"
BAD_INPUT = [
    (
        "cn",
        HEADER.replace("holds,", "") + "A1,Asia/Shanghai,5,false,true,0,0,0,0\n",
        "column holds: is missing",
    ),
    (
        "cn",
        HEADER + GOOD + "A4,Asia/Shanghai,five,,false,true,0,0,0,0\n",
        "column days_past_due, row 4: not a whole number",
    ),
    (
        "cn",
        HEADER + "A1,Asia/Shanghai,5,,maybe,true,0,0,0,0\n",
        "column opted_out, row 1: expected true or false",
    ),
    (
        "cn",
        HEADER + SHANGHAI_ROW + "x,0,0,0\n",
        "column calls_connected, row 1: counts must be whole numbers",
    ),
    (
        "cn",
        HEADER + SHANGHAI_ROW + "0,-1,0,0\n",
        "column calls_no_answer, row 1: counts must be whole numbers",
    ),
    (
        "cn",
        HEADER + SHANGHAI_ROW + "0,,0,0\n",
        "column calls_no_answer, row 1: needs at least 1 daily count",
    ),
    (
        "us",
        HEADER + "A1,America/Chicago,5,,false,true,0;0,0,0,0\n",
        "column calls_connected, row 1: needs at least 7 daily count",
    ),
    (
        "cn",
        HEADER + ",Asia/Shanghai,5,,false,true,0,0,0,0\n",
        "column account, row 1: account must not be empty",
    ),
]


@pytest.mark.parametrize(("pack", "text", "message"), BAD_INPUT)
def test_bad_accounts_name_the_column_and_row(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], pack: str, text: str, message: str
) -> None:
    accounts = _write_csv(tmp_path / "accounts.csv", text)
    output = tmp_path / "plan.csv"
    status = run(
        [
            "plan",
            "--pack",
            pack,
            "--accounts",
            str(accounts),
            "--at",
            "2026-05-11T03:00:00Z",
            "--output",
            str(output),
        ]
    )
    assert status == 2
    assert message in capsys.readouterr().err
    assert not output.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--at", "tomorrow"], "--at must be"),
        (["--at", "2026-05-11T03:00:00"], "--at must be"),
        (["--output", "plan.txt"], "--output must end"),
        (["--pack", "xx"], "no such pack"),
        (["--accounts", "accounts.txt"], "must end in .csv or .parquet"),
        (["--accounts", "missing.csv"], "cannot read missing.csv"),
    ],
)
def test_bad_options_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    accounts = _write_csv(tmp_path / "accounts.csv", HEADER + GOOD)
    options = {
        "--pack": "cn",
        "--accounts": str(accounts),
        "--at": "2026-05-11T03:00:00Z",
        "--output": str(tmp_path / "plan.csv"),
    }
    for key, value in zip(args[::2], args[1::2], strict=True):
        options[key] = value if key in ("--pack", "--at") else str(tmp_path / value)
    argv = ["plan", *[part for pair in options.items() for part in pair]]
    assert run(argv) == 2
    assert message in capsys.readouterr().err


def test_rules_the_file_cannot_answer_are_refused(tmp_path: Path) -> None:
    sms_cap = {
        "pack": "cn",
        "rules": [
            {
                "id": "acme.sms_cap",
                "kind": "frequency_cap",
                "category": "frequency",
                "applies_to": {"channels": ["sms"]},
                "parameters": {"outcomes": ["delivered"], "max": 2, "days": 1, "per_debt": False},
                "citation": "ACME",
                "confidence": "H",
                "messages": {"en": "cap", "zh-Hans": "上限"},
            }
        ],
    }
    rows = pl.read_csv(_write_csv(tmp_path / "a.csv", HEADER + GOOD), infer_schema=False)
    with pytest.raises(PlanUnsupported, match="acme.sms_cap"):
        plan_accounts(rows, pack=load_pack("cn", override=sms_cap), at=AT)


def test_call_counts_from_history_places_calls_on_local_days() -> None:
    def entry(hour: int, minute: int, channel: str, recipient: str, outcome: str) -> Any:
        at = datetime(2026, 5, 10, tzinfo=UTC) + timedelta(hours=hour, minutes=minute)
        return HistoryEntry(at=at, channel=channel, recipient=recipient, outcome=outcome)  # type: ignore[arg-type]

    history = [
        entry(16, 0, "call", "r", "connected"),  # 00:00 on the 11th in Shanghai
        entry(15, 59, "call", "r", "connected"),  # 23:59 on the 10th
        entry(28, 0, "call", "r", "failed"),  # after `at`
        entry(1, 0, "sms", "r", "delivered"),  # not a call
        entry(1, 0, "call", "x", "failed"),  # someone else
    ]
    cells = call_counts_from_history(history, recipient="r", zone="Asia/Shanghai", at=AT, days=3)
    assert cells == {
        "calls_connected": "1;1;0",
        "calls_no_answer": "0;0;0",
        "calls_failed": "0;0;0",
        "calls_delivered": "0;0;0",
    }
    with pytest.raises(ValueError, match="unknown time zone"):
        call_counts_from_history(history, recipient="r", zone="Mars/Base", at=AT)


def test_accounts_error_reads_well() -> None:
    assert str(AccountsError("holds", "is missing")) == "column holds: is missing"
    assert str(AccountsError("holds", "bad", row=3)) == "column holds, row 3: bad"
