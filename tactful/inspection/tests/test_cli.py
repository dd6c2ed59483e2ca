"""`tactful inspect text`: the line contract."""

from __future__ import annotations

import io
import json

import pytest

from tactful.cli.inspect import inspect_lines
from tactful.cli.inspect import run as inspect_command
from tactful.inspection import TextChecker


def run(*lines: str) -> tuple[int, list[dict[str, object]], str]:
    out, err = io.StringIO(), io.StringIO()
    status = inspect_lines(lines, checker=TextChecker(), out=out, err=err)
    return status, [json.loads(line) for line in out.getvalue().splitlines()], err.getvalue()


def test_one_line_out_per_line_in_with_the_contract_fields():
    status, results, err = run(
        json.dumps({"id": "u1", "text": "你这个老赖", "recipient_role": "debtor"}),
        json.dumps({"id": "u2", "text": "您好，请按时还款。"}),
    )

    assert status == 0
    assert err == ""
    assert [result["id"] for result in results] == ["u1", "u2"]
    assert results[0]["labels"] == ["insult"]
    assert results[0]["findings"] == [
        {
            "category": "insult",
            "start": 3,
            "end": 5,
            "evidence": "老赖",
            "source": "lexicon",
            "score": 0.95,
        }
    ]
    assert results[0]["signals"] == []
    assert results[1] == {"id": "u2", "labels": [], "findings": [], "signals": []}


def test_recipient_role_defaults_to_debtor():
    _, results, _ = run(json.dumps({"id": "u1", "text": "他的贷款逾期了"}))

    assert results[0]["labels"] == []


def test_signals_are_written_with_offsets():
    _, results, _ = run(json.dumps({"id": "u1", "text": "我失业了"}))

    assert results[0]["signals"] == [{"kind": "job_loss", "start": 1, "end": 3, "evidence": "失业"}]


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("not json", "line 2: not JSON"),
        ("[1, 2]", "line 2: a line must be a JSON object"),
        ('{"id": "x"}', "line 2: text must be a string"),
        ('{"id": "x", "text": "hi", "recipient_role": "boss"}', "line 2: recipient_role must be"),
    ],
)
def test_a_malformed_line_is_reported_and_the_others_still_checked(line, message):
    status, results, err = run(
        json.dumps({"id": "a", "text": "老赖"}), line, json.dumps({"id": "b", "text": "废物"})
    )

    assert status == 2
    assert err.startswith(message)
    assert [result.get("labels") for result in results] == [["insult"], None, ["insult"]]
    assert "error" in results[1]


def test_blank_lines_are_skipped():
    status, results, _ = run("", json.dumps({"id": "a", "text": "你好"}), "   ")

    assert status == 0
    assert len(results) == 1


def test_the_command_reads_a_file(tmp_path, capsys):
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps({"id": "f1", "text": "我是派出所的"}) + "\n", "utf-8")

    status = inspect_command(["text", str(source)])

    assert status == 0
    assert json.loads(capsys.readouterr().out)["labels"] == ["impersonation"]


def test_a_missing_file_is_a_usage_error(tmp_path, capsys):
    assert inspect_command(["text", str(tmp_path / "absent.jsonl")]) == 2
    assert "absent.jsonl" in capsys.readouterr().err
