"""Text written to slip past the checker is refused or still caught."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tactful.inspection import TextChecker
from tactful.inspection.adversarial import BIDI_CONTROLS, latin_skeleton, unreadable
from tactful.inspection.devset import load_devset

CHECKER = TextChecker()
# Cyrillic letters that look like Latin ones.
LOOK_ALIKES = {"a": "а", "e": "е", "o": "о", "p": "р", "c": "с", "x": "х", "y": "у", "i": "і"}


@pytest.mark.parametrize(
    ("text", "role"),
    [
        ("Yоu will rеgrеt this, wе knоw whеrе yоu livе.", "debtor"),  # Cyrillic о and е
        ("\u202e道知家全你让就钱还不再，物废个这你", "debtor"),  # shown right to left
        ("his lоаn is оvеrduе", "emergency_contact"),
        ("道知家全你让就钱还不再，物废个这你", "debtor"),  # written backwards
    ],
)
def test_each_known_bypass_is_refused_or_caught(text, role):
    assert CHECKER.inspect(text, role).labels


def test_reading_backwards_finds_no_chance_words():
    assert CHECKER.inspect("欠款是民事問題，不會因此被抓去關。", "debtor").labels == ()
    # ... but a plain clause added forwards does not hide a reversed one.
    assert "insult" in CHECKER.inspect("物废个这你，我们不会让你坐牢。", "debtor").labels


def test_hidden_order_and_mixed_look_alikes_are_unreadable_not_checked():
    assert CHECKER.inspect("\u202e好你", "debtor").labels == ("unreadable",)
    assert CHECKER.inspect("pay tоday", "debtor").labels == ("unreadable",)
    assert unreadable("\u2067hello\u2069")


def test_ordinary_text_in_any_script_is_not_unreadable():
    for text in ("Привет, как дела?", "Καλημέρα", "您好，本期账单已出。", "Hello, ¿qué tal? café"):
        assert not unreadable(text)
        assert CHECKER.inspect(text, "debtor").labels == ()


def test_words_wholly_in_look_alikes_are_read_as_the_latin_they_imitate():
    assert latin_skeleton("рау") == "pay"
    assert "insult" in CHECKER.inspect("уоu dеаdbеаt", "debtor").labels or unreadable(
        "уоu dеаdbеаt"
    )


FLAGGED = [
    example
    for example in load_devset()
    if example.labels and CHECKER.inspect(example.text, example.recipient_role).labels
]


def _beside_han(characters: list[str], index: int) -> bool:
    """Spaces go between characters; a pinyin word pulled apart (b ao) is another matter."""
    return (
        "\u4e00" <= characters[index - 1] <= "\u9fff" or "\u4e00" <= characters[index] <= "\u9fff"
    )


def _mutated(text: str, choices: list[int], kind: str) -> str:
    characters = list(text)
    for choice in choices:
        index = choice % (len(characters) + 1)
        if kind == "zero_width":
            characters.insert(index, "\u200b")
        elif kind == "space" and 0 < index < len(characters) and _beside_han(characters, index):
            characters.insert(index, " ")
        elif kind == "direction":
            characters.insert(index, sorted(BIDI_CONTROLS)[choice % len(BIDI_CONTROLS)])
        elif kind == "look_alike" and index < len(characters):
            characters[index] = LOOK_ALIKES.get(characters[index], characters[index])
    return "".join(characters)


@settings(max_examples=300, deadline=None)
@given(
    line=st.sampled_from(FLAGGED),
    choices=st.lists(st.integers(min_value=0, max_value=10_000), min_size=1, max_size=4),
    kind=st.sampled_from(["zero_width", "direction", "look_alike"]),
)
def test_a_flagged_line_stays_flagged_when_mutated(line, choices, kind):
    mutated = _mutated(line.text, choices, kind)
    assert CHECKER.inspect(mutated, line.recipient_role).labels, mutated


CHINESE_FLAGGED = [line for line in FLAGGED if line.lang.startswith("zh")]


@settings(max_examples=200, deadline=None)
@given(
    line=st.sampled_from(CHINESE_FLAGGED),
    choices=st.lists(st.integers(min_value=0, max_value=10_000), min_size=1, max_size=4),
)
def test_a_flagged_chinese_line_stays_flagged_when_spaced_apart(line, choices):
    mutated = _mutated(line.text, choices, "space")
    assert CHECKER.inspect(mutated, line.recipient_role).labels, mutated
