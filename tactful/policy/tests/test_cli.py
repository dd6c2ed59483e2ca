"""``tactful gate decide``: one output line per input line, errors per line, exit codes."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import pytest

from tactful.cli.gate import add_parser, handle_decide, handle_plan, run


def _line(request_id: Any = "a", **changes: Any) -> str:
    data: dict[str, Any] = {
        "id": request_id,
        "now": "2026-05-11T03:00:00Z",
        "attempt": {
            "channel": "call",
            "recipient": "b-1",
            "recipient_role": "debtor",
            "recipient_timezone": "Asia/Shanghai",
            "debt": "L-1",
            "purpose": "collection",
            "collector_certified": True,
        },
        "facts": {"days_past_due": 4},
    }
    data.update(changes)
    return json.dumps(data, ensure_ascii=False)


@pytest.fixture
def decide_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    def go(lines: list[str], *args: str) -> tuple[int, list[dict[str, Any]], str]:
        source = tmp_path / "in.jsonl"
        source.write_text("\n".join(lines) + "\n", encoding="utf-8")
        status = run(["decide", *args, str(source)])
        captured = capsys.readouterr()
        return status, [json.loads(line) for line in captured.out.splitlines()], captured.err

    return go


def test_each_line_is_answered_in_order(decide_file) -> None:
    status, out, err = decide_file(
        [_line("1"), _line("2", now="2026-05-11T15:00:00Z"), _line(3)], "--pack", "cn"
    )
    assert status == 0
    assert err == ""
    assert [row["id"] for row in out] == ["1", "2", 3]
    assert [row["decision"] for row in out] == ["allow", "deny", "allow"]
    assert out[1]["next_allowed_at"] == "2026-05-12T00:00:00Z"
    assert out[1]["reasons"][0]["rule"] == "cn.gbt45251.quiet_hours"
    assert set(out[1]["reasons"][0]) == {"rule", "category", "citation", "message"}


def test_blank_lines_are_skipped_but_counted(decide_file) -> None:
    status, out, err = decide_file(["", _line("1"), "   ", "not json", _line("2")], "--pack", "cn")
    assert status == 2
    assert [row["id"] for row in out] == ["1", None, "2"]
    assert err.startswith("line 4: not JSON")


MALFORMED = [
    ("not json", None, "not JSON"),
    ("[1, 2]", None, "JSON object"),
    (_line(None), None, "id must be"),
    (_line(True), None, "id must be"),
    (_line("m", now="2026-05-11T03:00:00"), "m", "now must be"),
    (_line("m", now=None), "m", "now must be"),
    (_line("m", attempt="call"), "m", "attempt must be an object"),
    (
        _line(
            "m",
            attempt={
                "channel": "fax",
                "recipient": "b",
                "recipient_role": "debtor",
                "purpose": "collection",
            },
        ),
        "m",
        "attempt.channel",
    ),
    (
        _line(
            "m", attempt={"channel": "call", "recipient_role": "debtor", "purpose": "collection"}
        ),
        "m",
        "attempt.recipient",
    ),
    (
        _line(
            "m",
            attempt={
                "channel": "call",
                "recipient": "b",
                "recipient_role": "friend",
                "purpose": "collection",
            },
        ),
        "m",
        "attempt.recipient_role",
    ),
    (
        _line("m", attempt={"channel": "call", "recipient": "b", "recipient_role": "debtor"}),
        "m",
        "attempt.purpose",
    ),
    (_line("m", pack="zz"), "m", "unknown pack 'zz'"),
    (_line("m", pack=7), "m", "pack must be a string"),
]


@pytest.mark.parametrize(("line", "request_id", "text"), MALFORMED)
def test_a_malformed_line_gets_an_error_and_the_rest_are_decided(
    decide_file,
    line: str,
    request_id: Any,
    text: str,
) -> None:
    status, out, err = decide_file([_line("before"), line, _line("after")], "--pack", "cn")
    assert status == 2
    assert out[0]["decision"] == "allow"
    assert out[2]["decision"] == "allow"
    assert set(out[1]) == {"id", "error"}
    assert out[1]["id"] == request_id
    assert text in out[1]["error"]
    assert err.startswith("line 2: ")
    assert text in err


def test_a_lines_own_pack_wins_over_the_default(decide_file) -> None:
    # 13:30 UTC is 21:30 in Shanghai: inside cn's window, outside in's (19:00 in Kolkata is
    # 13:30 UTC... so use Kolkata's zone for the in line).
    late = "2026-05-11T13:45:00Z"
    cn = _line("cn", now=late)
    india = json.loads(_line("in", now=late, pack="in"))
    india["attempt"]["recipient_timezone"] = "Asia/Kolkata"
    status, out, _ = decide_file([cn, json.dumps(india)], "--pack", "cn")
    assert status == 0
    assert (out[0]["pack"], out[0]["decision"]) == ("cn", "allow")
    assert (out[1]["pack"], out[1]["categories"]) == ("in", ["time_window"])


def test_lines_without_a_pack_need_the_option(decide_file) -> None:
    status, out, err = decide_file([_line("x"), _line("y", pack="us")])
    assert status == 2
    assert "no pack" in out[0]["error"]
    assert out[1]["pack"] == "us"


def test_reasons_can_be_written_in_chinese(decide_file) -> None:
    status, out, _ = decide_file(
        [_line("z", facts={"days_past_due": 4, "holds": ["complaint"]})],
        "--pack",
        "cn",
        "--language",
        "zh-Hans",
    )
    assert status == 0
    assert out[0]["reasons"][0]["message"] == "该账户处于暂停状态，暂停联系。"


def test_an_unknown_default_pack_is_a_usage_error(decide_file) -> None:
    status, out, err = decide_file([_line("a")], "--pack", "mars")
    assert status == 2
    assert out == []
    assert "no such pack" in err


def test_a_missing_input_file_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["decide", "--pack", "cn", str(tmp_path / "missing.jsonl")]) == 2
    assert "missing.jsonl" in capsys.readouterr().err


def test_an_override_tightens_only_the_pack_it_names(decide_file, tmp_path: Path) -> None:
    override = tmp_path / "acme.yaml"
    override.write_text(
        "pack: cn\nname: acme\nrules:\n"
        '  - id: cn.gbt45251.quiet_hours\n    parameters: {start: "12:00"}\n',
        encoding="utf-8",
    )
    us = json.loads(_line("us", pack="us", now="2026-05-11T15:00:00Z"))
    us["attempt"]["recipient_timezone"] = "America/Chicago"
    status, out, _ = decide_file(
        [_line("cn"), json.dumps(us)], "--pack", "cn", "--override", str(override)
    )
    assert status == 0
    assert (out[0]["decision"], out[0]["pack_version"]) == ("deny", "2026.12.1+acme")
    assert out[0]["next_allowed_at"] == "2026-05-11T04:00:00Z"
    assert (out[1]["decision"], out[1]["pack_version"]) == ("allow", "2026.12.1")


def test_a_loosening_override_is_refused_before_reading(decide_file, tmp_path: Path) -> None:
    override = tmp_path / "loose.yaml"
    override.write_text(
        "pack: cn\nrules:\n  - id: cn.gbt45251.connected_call_cap\n    parameters: {max: 9}\n",
        encoding="utf-8",
    )
    status, out, err = decide_file([_line("a")], "--pack", "cn", "--override", str(override))
    assert status == 2
    assert out == []
    assert "loose.yaml: rule cn.gbt45251.connected_call_cap: parameters.max: loosens" in err


def test_the_command_registers_decide_and_plan_with_handlers() -> None:
    parser = argparse.ArgumentParser()
    add_parser(parser.add_subparsers(dest="command"))
    decide_args = parser.parse_args(["gate", "decide", "--pack", "cn"])
    plan_args = parser.parse_args(
        [
            "gate",
            "plan",
            "--pack",
            "cn",
            "--accounts",
            "a.csv",
            "--at",
            "2026-05-11T00:00Z",
            "--output",
            "o.csv",
        ]
    )
    assert decide_args.handler is handle_decide
    assert plan_args.handler is handle_plan


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["decide", "--language", "fr"]) == 2
    assert run(["explode"]) == 2
    capsys.readouterr()


def test_undecodable_bytes_spoil_only_their_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "in.jsonl"
    source.write_bytes(_line("a").encode() + b"\n\xff\xfe not json\n" + _line("b").encode() + b"\n")
    assert run(["decide", "--pack", "cn", str(source)]) == 2
    out = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [row.get("decision") for row in out] == ["allow", None, "allow"]


def test_an_empty_pack_name_on_a_line_is_not_the_default(decide_file) -> None:
    status, out, _ = decide_file([_line("e", pack="")], "--pack", "cn")
    assert status == 2
    assert "unknown pack ''" in out[0]["error"]
