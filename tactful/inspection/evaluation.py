"""Precision, recall and F1 per category and per signal kind, on labelled examples."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from tactful.inspection.devset import Example
from tactful.inspection.types import CATEGORIES, SIGNAL_KINDS, Inspection

Inspect = Callable[[str, str], Inspection]


@dataclass
class Tally:
    """True positives, false positives and false negatives of one label."""

    true_positives: int = 0
    false_positives: int = 0
    false_negatives: int = 0

    @property
    def precision(self) -> float:
        found = self.true_positives + self.false_positives
        return self.true_positives / found if found else 1.0

    @property
    def recall(self) -> float:
        wanted = self.true_positives + self.false_negatives
        return self.true_positives / wanted if wanted else 1.0

    @property
    def f1(self) -> float:
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0

    @property
    def support(self) -> int:
        return self.true_positives + self.false_negatives

    def count(self, *, expected: bool, predicted: bool) -> None:
        if expected and predicted:
            self.true_positives += 1
        elif predicted:
            self.false_positives += 1
        elif expected:
            self.false_negatives += 1


@dataclass
class Report:
    """Per-label tallies, plus the examples the checker got wrong."""

    categories: dict[str, Tally] = field(default_factory=dict)
    signals: dict[str, Tally] = field(default_factory=dict)
    examples: int = 0
    exact: int = 0
    mistakes: list[tuple[Example, Inspection]] = field(default_factory=list)

    def micro(self, tallies: dict[str, Tally]) -> Tally:
        total = Tally()
        for tally in tallies.values():
            total.true_positives += tally.true_positives
            total.false_positives += tally.false_positives
            total.false_negatives += tally.false_negatives
        return total


def evaluate(inspect: Inspect, examples: Iterable[Example]) -> Report:
    """Run `inspect` on every example and compare with its labels and signal kinds."""
    report = Report(
        categories={category: Tally() for category in CATEGORIES},
        signals={kind: Tally() for kind in SIGNAL_KINDS},
    )
    for example in examples:
        result = inspect(example.text, example.recipient_role)
        labels: set[str] = set(result.labels)
        kinds: set[str] = set(result.signal_kinds)
        _count(report.categories, example.labels, labels)
        _count(report.signals, example.signals, kinds)
        report.examples += 1
        if labels == example.labels and kinds == example.signals:
            report.exact += 1
        else:
            report.mistakes.append((example, result))
    return report


def _count(tallies: dict[str, Tally], expected: frozenset[str], predicted: set[str]) -> None:
    for label, tally in tallies.items():
        tally.count(expected=label in expected, predicted=label in predicted)
