"""The collection-language checker: findings and signals for one utterance.

Pipeline: normalise → lexicon and pattern matches → filters (recipient, benign context,
negation) → optional learned model for what the rules missed → overlapping matches merged
→ offsets mapped back to the original text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace

from tactful.inspection.adversarial import chinese_only, has_han, latin_skeleton, unreadable
from tactful.inspection.detectors import Hit, LexiconMatcher, PatternMatcher, counts
from tactful.inspection.embedding import EmbeddingModel
from tactful.inspection.model import AbuseModel
from tactful.inspection.normalise import Normalised, normalise
from tactful.inspection.rules import RuleBook, default_rule_book
from tactful.inspection.types import (
    CATEGORIES,
    CLEAN,
    SIGNAL_KINDS,
    Category,
    Finding,
    Inspection,
    Signal,
    SignalKind,
)

# Recipients to whom the debt may be named; anyone else (whatever the role) may not.
DEBT_PARTIES = frozenset({"debtor", "guarantor"})
# A clause, for reading Chinese backwards clause by clause.
_CLAUSE = re.compile(r"[^，。！？；,.!?;\n]+")


class TextChecker:
    """Inspect utterances with the shipped rules and, when given, a learned model."""

    def __init__(
        self,
        rules: RuleBook | None = None,
        model: AbuseModel | None = None,
        embedding: EmbeddingModel | None = None,
    ) -> None:
        self._rules = rules or default_rule_book()
        self._lexicon = LexiconMatcher(self._rules)
        self._patterns = PatternMatcher(self._rules)
        self._model = model
        self._embedding = embedding

    def inspect(self, text: str, recipient_role: str = "debtor") -> Inspection:
        """Return the findings and signals in `text`, said or sent to `recipient_role`."""
        if not text.strip():
            return CLEAN
        if unreadable(text):
            return Inspection(
                findings=(_whole(text, "unreadable", "adversarial.unreadable"),), signals=()
            )
        non_party = recipient_role not in DEBT_PARTIES
        # Look-alike letters fold one for one: offsets into the skeleton are offsets into text.
        skeleton = latin_skeleton(text)
        folded = normalise(skeleton)
        found = self._hits(folded.text)
        hits = self._standing(found, folded.text, non_party=non_party)
        findings = _findings(folded, [hit for hit in hits if not hit.rule.is_signal])
        if self._model is not None:
            findings = self._model.add_findings(folded, findings)
        if not findings and has_han(text):
            findings = self._reversed_findings(folded.text, found, text, non_party=non_party)
        signals = _signals(folded, [hit for hit in hits if hit.rule.is_signal])
        if skeleton != text:
            findings = tuple(replace(f, evidence=text[f.start : f.end]) for f in findings)
            signals = tuple(replace(s, evidence=text[s.start : s.end]) for s in signals)
        if self._embedding is not None:
            findings, signals = self._with_embedding(text, recipient_role, findings, signals)
        return Inspection(findings=findings, signals=signals)

    def _with_embedding(
        self,
        text: str,
        recipient_role: str,
        findings: tuple[Finding, ...],
        signals: tuple[Signal, ...],
    ) -> tuple[tuple[Finding, ...], tuple[Signal, ...]]:
        """Add what the embedding layer finds and the rules did not, about the whole text."""
        assert self._embedding is not None
        [predicted] = self._embedding.predict([text], [recipient_role])
        have = {finding.category for finding in findings} | {signal.kind for signal in signals}
        added_findings, added_signals = list(findings), list(signals)
        for label, probability in sorted(predicted.items()):
            if label in have:
                continue
            if label in _KIND_OF:
                added_signals.append(Signal(_kind(label), 0, len(text), text, "embedding"))
            elif label != "third_party_disclosure" or recipient_role not in DEBT_PARTIES:
                finding = _whole(text, label, "embedding")
                added_findings.append(replace(finding, source="model", score=probability))
        return tuple(added_findings), tuple(added_signals)

    def _reversed_findings(
        self, folded: str, found: list[Hit], text: str, *, non_party: bool
    ) -> tuple[Finding, ...]:
        """Chinese written backwards (再不还钱 as 钱还不再): the violations it holds, if any.

        Only the clauses of the folded text that name no violation forwards are read
        backwards (`found`: every match forwards, standing or not), so a clause that reads
        forwards is not read backwards too, and a plain clause added forwards does not stop
        a reversed one from being read. Backwards, a pattern must match three characters or
        more: two are too often chance (被抓去关 holds 去抓 backwards).
        """
        named = [
            (hit.start, hit.end)
            for hit in found
            if not hit.rule.is_signal and (non_party or not hit.rule.non_party_only)
        ]
        clauses = [
            # Only the Chinese is read backwards: a reversed code or word of Latin letters
            # ("TBED" in a random reference) must not spell anything.
            chinese_only(clause.group())[::-1]
            for clause in _CLAUSE.finditer(folded)
            if has_han(clause.group())
            and not any(start < clause.end() and clause.start() < end for start, end in named)
        ]
        if not clauses:
            return ()
        backwards = normalise("，".join(clauses)).text
        labels = {
            hit.rule.label
            for hit in self._standing(self._hits(backwards), backwards, non_party=non_party)
            if not hit.rule.is_signal and (hit.source == "lexicon" or hit.end - hit.start >= 3)
        }
        return tuple(_whole(text, label, "adversarial.reversed") for label in sorted(labels))

    @property
    def has_model(self) -> bool:
        return self._model is not None

    def check(self, text: str, recipient_role: str) -> tuple[str, ...]:
        """Return the labels of `text` (the gate's `ContentChecker` protocol)."""
        return tuple(self.inspect(text, recipient_role).labels)

    def _hits(self, text: str) -> list[Hit]:
        """Every match of the lexicon and the patterns, standing or not."""
        return [*self._lexicon.hits(text), *self._patterns.hits(text)]

    def _standing(self, found: list[Hit], text: str, *, non_party: bool) -> list[Hit]:
        negation = self._rules.negation
        return [hit for hit in found if counts(hit, text, non_party=non_party, negation=negation)]


def _whole(text: str, label: str, rule: str) -> Finding:
    """A finding about the whole text (it has no one place to point at)."""
    return Finding(
        category=_category(label),
        start=0,
        end=len(text),
        evidence=text,
        source="pattern",
        score=1.0,
        rule=rule,
    )


def _findings(folded: Normalised, hits: list[Hit]) -> tuple[Finding, ...]:
    findings = []
    for hit in _merged(hits):
        start, end = folded.span(hit.start, hit.end)
        findings.append(
            Finding(
                category=_category(hit.rule.label),
                start=start,
                end=end,
                evidence=folded.original[start:end],
                source=hit.source,
                score=hit.rule.score,
                rule=hit.rule.id,
            )
        )
    return tuple(findings)


def _signals(folded: Normalised, hits: list[Hit]) -> tuple[Signal, ...]:
    signals = []
    for hit in _merged(hits):
        start, end = folded.span(hit.start, hit.end)
        evidence = folded.original[start:end]
        signals.append(Signal(_kind(hit.rule.label), start, end, evidence, hit.rule.id))
    return tuple(signals)


def _merged(hits: Iterable[Hit]) -> list[Hit]:
    """Keep, per label, the strongest of overlapping hits (then the longest); order by start."""
    kept: list[Hit] = []
    ranked = sorted(hits, key=lambda hit: (-hit.rule.score, hit.start - hit.end, hit.start))
    for hit in ranked:
        if not any(
            other.rule.label == hit.rule.label and other.start < hit.end and hit.start < other.end
            for other in kept
        ):
            kept.append(hit)
    return sorted(kept, key=lambda hit: (hit.start, hit.end, hit.rule.label))


_CATEGORY_OF: dict[str, Category] = {category: category for category in CATEGORIES}
_KIND_OF: dict[str, SignalKind] = {kind: kind for kind in SIGNAL_KINDS}


def _category(label: str) -> Category:
    return _CATEGORY_OF[label]


def _kind(label: str) -> SignalKind:
    return _KIND_OF[label]
