"""The worked examples of the contract (../shared/examples) must come out exactly."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from tactful.cli.gate import run
from tactful.policy import decide, format_instant, load_pack, parse_scenario

EXAMPLES = Path(__file__).resolve().parents[4] / "shared" / "examples"
INPUT = EXAMPLES / "gate-examples.in.jsonl"
EXPECTED = EXAMPLES / "gate-examples.expected.jsonl"
FIELDS = ("decision", "categories", "next_allowed_at")

pytestmark = pytest.mark.skipif(not INPUT.exists(), reason="shared examples not present")


def _expected() -> dict[str, dict[str, object]]:
    lines = EXPECTED.read_text(encoding="utf-8").splitlines()
    return {row["id"]: row for row in map(json.loads, filter(None, lines))}


def _inputs() -> list[str]:
    return [line for line in INPUT.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.mark.parametrize("line", _inputs() if INPUT.exists() else [], ids=lambda s: s[8:30])
def test_each_example_decides_as_expected(line: str) -> None:
    scenario = parse_scenario(json.loads(line))
    assert scenario.pack is not None
    decision = decide(scenario.attempt, scenario.facts, scenario.now, load_pack(scenario.pack))
    got = {
        "decision": decision.verdict,
        "categories": list(decision.categories),
        "next_allowed_at": format_instant(decision.next_allowed_at),
    }
    expected = _expected()[str(scenario.id)]
    assert got == {field: expected[field] for field in FIELDS}


def test_the_examples_through_the_command_line_match(capsys: pytest.CaptureFixture[str]) -> None:
    status = run(["decide", "--pack", "cn", str(INPUT)])
    out = capsys.readouterr().out.splitlines()
    expected = _expected()
    assert status == 0
    assert [json.loads(line)["id"] for line in out] == list(expected)
    for line in out:
        row = json.loads(line)
        assert {f: row[f] for f in FIELDS} == {f: expected[row["id"]][f] for f in FIELDS}
        assert all(reason["category"] in row["categories"] for reason in row["reasons"])


def test_the_examples_read_from_stdin_match(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(INPUT.read_text(encoding="utf-8")))
    assert run(["decide", "--pack", "us"]) == 0
    ids = [json.loads(line)["id"] for line in capsys.readouterr().out.splitlines()]
    assert ids == list(_expected())
