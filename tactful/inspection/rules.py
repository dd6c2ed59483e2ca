"""The checker's rules, read from the data files: lexicon groups, patterns, negation cues.

The data is the explainable part of the checker: every finding names the rule that made it,
and a reviewer can read why a word is there (data/*.yaml).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any, cast

import yaml

from tactful.inspection.types import CATEGORIES, SIGNAL_KINDS

_CLAUSE_PUNCTUATION = "，,。！!？?；;"


class RuleError(ValueError):
    """A data file of the checker is malformed; the message names the rule."""


@dataclass(frozen=True, slots=True)
class Rule:
    """One lexicon group or pattern: what a match means and when it does not count."""

    id: str
    label: str
    is_signal: bool
    score: float
    non_party_only: bool = False
    negatable: bool = True
    unless_before: re.Pattern[str] | None = None
    unless_after: re.Pattern[str] | None = None
    unless_clause: re.Pattern[str] | None = None
    requires_before: re.Pattern[str] | None = None


@dataclass(frozen=True, slots=True)
class Negation:
    """The cues that cancel a finding when they precede it in its clause."""

    window: int
    chinese_cues: tuple[str, ...]
    adjacent_cues: frozenset[str]
    chinese_conditions: tuple[str, ...]
    question_forms: tuple[str, ...]
    english_cue: re.Pattern[str]
    english_condition: re.Pattern[str]


@dataclass(frozen=True, slots=True)
class RuleBook:
    """Everything the detectors need, compiled once."""

    lexicon: tuple[tuple[Rule, tuple[str, ...]], ...]
    patterns: tuple[tuple[Rule, re.Pattern[str]], ...]
    negation: Negation


CLAUSE_BOUNDARY = re.compile(f"[{_CLAUSE_PUNCTUATION}]|但是|但|\\bbut\\b")


@cache
def default_rule_book() -> RuleBook:
    """Return the rule book of the data files that ship with Tactful."""
    return RuleBook(
        lexicon=_lexicon(_load("lexicon.yaml")),
        patterns=_patterns(_load("patterns.yaml")),
        negation=_negation(_load("negation.yaml")),
    )


def _load(name: str) -> dict[str, Any]:
    source = resources.files("tactful.inspection") / "data" / name
    return cast(dict[str, Any], yaml.safe_load(source.read_text(encoding="utf-8")))


def _lexicon(data: dict[str, Any]) -> tuple[tuple[Rule, tuple[str, ...]], ...]:
    groups = []
    for entry in data["groups"]:
        terms = tuple(str(term).strip() for term in entry["terms"] if str(term).strip())
        groups.append((_rule(entry), terms))
    return tuple(groups)


def _patterns(data: dict[str, Any]) -> tuple[tuple[Rule, re.Pattern[str]], ...]:
    vocabulary = {name: _alternatives(value) for name, value in data["vocabulary"].items()}
    compiled = []
    for entry in data["rules"]:
        source = _substituted(str(entry["pattern"]), vocabulary, entry["id"])
        compiled.append((_rule(entry), _compiled(source, entry["id"])))
    return tuple(compiled)


def _rule(entry: dict[str, Any]) -> Rule:
    rule_id = str(entry["id"])
    label, is_signal = _label(entry)
    return Rule(
        id=rule_id,
        label=label,
        is_signal=is_signal,
        score=float(entry.get("score", 1.0)),
        non_party_only=entry.get("roles") == "non_party",
        negatable=bool(entry.get("negatable", True)),
        unless_before=_optional(entry, "unless_before"),
        unless_after=_optional(entry, "unless_after"),
        unless_clause=_optional(entry, "unless_clause"),
        requires_before=_optional(entry, "requires_before"),
    )


def _label(entry: dict[str, Any]) -> tuple[str, bool]:
    if "category" in entry:
        if entry["category"] not in CATEGORIES:
            raise RuleError(f"{entry['id']}: unknown category {entry['category']!r}")
        return str(entry["category"]), False
    if entry.get("kind") not in SIGNAL_KINDS:
        raise RuleError(f"{entry['id']}: give a category or a signal kind")
    return str(entry["kind"]), True


def _optional(entry: dict[str, Any], key: str) -> re.Pattern[str] | None:
    return _compiled(str(entry[key]), entry["id"]) if key in entry else None


def _alternatives(value: str) -> str:
    # Folded YAML joins lines with a space; inside an alternation that space is noise.
    return "(?:" + re.sub(r"\s*\|\s*", "|", value.strip()) + ")"


def _substituted(pattern: str, vocabulary: dict[str, str], rule_id: str) -> str:
    def lookup(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in vocabulary:
            raise RuleError(f"{rule_id}: unknown vocabulary {{{name}}}")
        return vocabulary[name]

    return re.sub(r"\{([A-Z_]+)\}", lookup, pattern)


def _compiled(source: str, rule_id: str) -> re.Pattern[str]:
    try:
        return re.compile(source)
    except re.error as error:
        raise RuleError(f"{rule_id}: {error}") from None


def _negation(data: dict[str, Any]) -> Negation:
    return Negation(
        window=int(data["window"]),
        # Longest first, so 绝对不 is found before 不.
        chinese_cues=tuple(sorted(data["chinese_cues"], key=len, reverse=True)),
        adjacent_cues=frozenset(data["adjacent_cues"]),
        chinese_conditions=tuple(data["chinese_conditions"]),
        question_forms=tuple(data["question_forms"]),
        english_cue=_words(data["english_cues"]),
        english_condition=_words(data["english_conditions"]),
    )


def _words(words: list[str]) -> re.Pattern[str]:
    escaped = sorted((re.escape(word) for word in words), key=len, reverse=True)
    return re.compile(r"(?:(?<![a-z])(?:" + "|".join(escaped) + r")(?![a-z])|n't)")
