"""Find rule matches in normalised text: a lexicon automaton, patterns, and the filters
that drop matches which do not count (wrong recipient, benign context, negation)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import ahocorasick

from tactful.inspection.normalise import normalise
from tactful.inspection.rules import CLAUSE_BOUNDARY, Negation, Rule, RuleBook
from tactful.inspection.types import Source

_WORD_CHARACTER = re.compile(r"[a-z0-9]")
_CONTEXT = 24
_ENGLISH_WINDOW = 40


@dataclass(frozen=True, slots=True)
class Hit:
    """A rule matched the normalised text from `start` to `end` (exclusive)."""

    rule: Rule
    start: int
    end: int
    source: Source


class LexiconMatcher:
    """All the lexicon's terms in one Aho-Corasick automaton: one pass per text."""

    def __init__(self, book: RuleBook) -> None:
        self._automaton = ahocorasick.Automaton()
        entries: dict[str, list[tuple[Rule, bool]]] = {}
        for rule, terms in book.lexicon:
            for term in terms:
                folded = normalise(term).text
                latin = bool(_WORD_CHARACTER.match(folded[0]) or _WORD_CHARACTER.match(folded[-1]))
                entries.setdefault(folded, []).append((rule, latin))
        for folded, rules in entries.items():
            self._automaton.add_word(folded, (len(folded), tuple(rules)))
        self._automaton.make_automaton()

    def hits(self, text: str) -> Iterator[Hit]:
        for last, (length, rules) in self._automaton.iter(text):
            start, end = last - length + 1, last + 1
            for rule, latin in rules:
                if not latin or _whole_word(text, start, end):
                    yield Hit(rule, start, end, "lexicon")


class PatternMatcher:
    def __init__(self, book: RuleBook) -> None:
        self._patterns = book.patterns

    def hits(self, text: str) -> Iterator[Hit]:
        for rule, pattern in self._patterns:
            for match in pattern.finditer(text):
                if match.end() > match.start():
                    yield Hit(rule, match.start(), match.end(), "pattern")


def counts(hit: Hit, text: str, *, non_party: bool, negation: Negation) -> bool:
    """Tell whether `hit` stands: right recipient, no benign context, not negated."""
    rule = hit.rule
    if rule.non_party_only and not non_party:
        return False
    if _benign_context(hit, text):
        return False
    return not (rule.negatable and negated(text, hit.start, negation))


def _benign_context(hit: Hit, text: str) -> bool:
    rule = hit.rule
    before = text[max(0, hit.start - _CONTEXT) : hit.start]
    after = text[hit.end : hit.end + _CONTEXT]
    if rule.unless_before is not None and rule.unless_before.search(before):
        return True
    if rule.requires_before is not None and not rule.requires_before.search(
        _clause_tail(text[: hit.start])
    ):
        return True
    if rule.unless_after is not None and rule.unless_after.search(after):
        return True
    return rule.unless_clause is not None and bool(
        rule.unless_clause.search(clause_around(text, hit.start, hit.end))
    )


def negated(text: str, start: int, negation: Negation) -> bool:
    """Tell whether the clause before `start` negates what begins there."""
    chinese = _clause_tail(text[max(0, start - negation.window) : start])
    for question in negation.question_forms:
        chinese = chinese.replace(question, "？")
    if chinese.rstrip()[-1:] in negation.adjacent_cues:
        return True
    for cue in negation.chinese_cues:
        at = chinese.rfind(cue)
        if at >= 0 and not any(
            marker in chinese[at + len(cue) :] for marker in negation.chinese_conditions
        ):
            return True
    english = _clause_tail(text[max(0, start - _ENGLISH_WINDOW) : start])
    cues = list(negation.english_cue.finditer(english))
    return bool(cues) and not negation.english_condition.search(english, cues[-1].end())


def clause_around(text: str, start: int, end: int) -> str:
    """Return the clause that holds text[start:end], without its punctuation."""
    before = _clause_tail(text[:start])
    following = CLAUSE_BOUNDARY.search(text, end)
    return before + text[start : following.start() if following else len(text)]


def _clause_tail(text: str) -> str:
    boundaries = list(CLAUSE_BOUNDARY.finditer(text))
    return text[boundaries[-1].end() :] if boundaries else text


def _whole_word(text: str, start: int, end: int) -> bool:
    before = text[start - 1] if start > 0 else " "
    after = text[end] if end < len(text) else " "
    return not (_WORD_CHARACTER.match(before) or _WORD_CHARACTER.match(after))
