"""Compare transcripts fairly: simplified characters, no punctuation, digits as characters."""

from __future__ import annotations

from functools import cache
from typing import Protocol, cast

_DIGITS = str.maketrans("0123456789", "零一二三四五六七八九")


def to_simplified(text: str) -> str:
    """Return `text` in simplified Chinese, phrase by phrase (OpenCC t2s)."""
    return _converter().convert(text)


def comparable(text: str) -> str:
    """Return the characters of `text` that an error rate should count."""
    simplified = to_simplified(text).translate(_DIGITS).lower()
    return "".join(character for character in simplified if character.isalnum())


def character_error_rate(reference: str, hypothesis: str) -> float:
    """Return edits (substitutions, insertions, deletions) per reference character."""
    wanted, got = comparable(reference), comparable(hypothesis)
    if not wanted:
        return 0.0 if not got else 1.0
    return _edit_distance(wanted, got) / len(wanted)


def _edit_distance(first: str, second: str) -> int:
    previous = list(range(len(second) + 1))
    for row, left in enumerate(first, start=1):
        current = [row]
        for column, right in enumerate(second, start=1):
            cost = 0 if left == right else 1
            current.append(min(previous[column] + 1, current[-1] + 1, previous[column - 1] + cost))
        previous = current
    return previous[-1]


class _Converter(Protocol):
    def convert(self, text: str) -> str: ...


@cache
def _converter() -> _Converter:
    import opencc

    return cast(_Converter, opencc.OpenCC("t2s"))
