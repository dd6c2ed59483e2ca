"""The worked examples of the contract (../shared/examples/inspect-examples.jsonl)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tactful.inspection import TextChecker

EXAMPLES = Path(__file__).resolve().parents[3].parent / "shared" / "examples"
EXAMPLE_FILE = EXAMPLES / "inspect-examples.jsonl"


def _examples() -> list[dict[str, object]]:
    if not EXAMPLE_FILE.exists():
        return []
    return [json.loads(line) for line in EXAMPLE_FILE.read_text("utf-8").splitlines() if line]


@pytest.mark.skipif(not EXAMPLE_FILE.exists(), reason="../shared/examples is not beside the repo")
@pytest.mark.parametrize("example", _examples(), ids=lambda example: str(example["id"]))
def test_each_worked_example_gets_its_labels_and_signal_kinds(example):
    result = TextChecker().inspect(example["text"], example["recipient_role"])

    assert list(result.labels) == example["labels"]
    assert list(result.signal_kinds) == example["signals"]


@pytest.mark.skipif(not EXAMPLE_FILE.exists(), reason="../shared/examples is not beside the repo")
def test_there_are_ten_worked_examples():
    assert len(_examples()) == 10
