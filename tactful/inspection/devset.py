"""The labelled development set of collection language (data/devset.jsonl).

Fictional utterances in simplified and traditional Chinese and English, each with the
finding categories and signal kinds a careful reviewer gives it, and many hard negatives:
empathy, installment offers, lawful legal statements, negated promises, benign 死机 / 笑死.
Every fourth line (`split: holdout`) was kept aside while the rules were tuned.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources
from pathlib import Path


@dataclass(frozen=True)
class Example:
    id: str
    split: str
    lang: str
    recipient_role: str
    text: str
    labels: frozenset[str]
    signals: frozenset[str]
    note: str
    # Who wrote the line: empty for the development set, an author's name for the lines
    # written apart from the rules (data/authors/), so figures can be told per author.
    author: str = ""
    # Who says it (collector, borrower, third_party), where the author wrote it down.
    speaker: str = ""


def load_devset(path: Path | None = None) -> list[Example]:
    """Return the examples of `path`, or of the development set that ships with Tactful."""
    if path is None:
        source = resources.files("tactful.inspection") / "data" / "devset.jsonl"
        text = source.read_text(encoding="utf-8")
    else:
        text = path.read_text(encoding="utf-8")
    return [_example(json.loads(line)) for line in text.splitlines() if line.strip()]


def load_authors(folder: Path | None = None) -> dict[str, list[Example]]:
    """Return the lines of each independent author (data/authors/<author>.jsonl) by author.

    None of these lines was seen while the rules were written: every figure measured on
    them is a figure on a hand the checker never saw.
    """
    if folder is None:
        source = resources.files("tactful.inspection") / "data" / "authors"
        files = sorted(
            (item.name, item.read_text(encoding="utf-8"))
            for item in source.iterdir()
            if item.name.endswith(".jsonl")
        )
    else:
        files = sorted(
            (path.name, path.read_text(encoding="utf-8")) for path in folder.glob("*.jsonl")
        )
    return {
        name.removesuffix(".jsonl"): [
            _example(json.loads(line)) for line in text.splitlines() if line.strip()
        ]
        for name, text in files
    }


def _example(row: dict[str, object]) -> Example:
    return Example(
        id=str(row["id"]),
        split=str(row.get("split", "dev")),
        lang=str(row.get("lang", "")),
        recipient_role=str(row.get("recipient_role", "debtor")),
        text=str(row["text"]),
        labels=frozenset(_strings(row.get("labels"))),
        signals=frozenset(_strings(row.get("signals"))),
        note=str(row.get("note", "")),
        author=str(row.get("author", "")),
        speaker=str(row.get("speaker", "")),
    )


def _strings(value: object) -> list[str]:
    return [str(item) for item in value] if isinstance(value, list) else []
