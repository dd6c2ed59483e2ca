"""The development set is well formed, and the checker's quality on it does not regress."""

from __future__ import annotations

from collections import Counter

from tactful.inspection import CATEGORIES, RECIPIENT_ROLES, SIGNAL_KINDS, TextChecker
from tactful.inspection.devset import load_devset
from tactful.inspection.evaluation import evaluate

EXAMPLES = load_devset()


def test_the_development_set_has_hundreds_of_lines_in_three_languages():
    languages = Counter(example.lang for example in EXAMPLES)

    assert len(EXAMPLES) >= 400
    assert set(languages) == {"zh-Hans", "zh-Hant", "en"}
    assert min(languages.values()) >= 40


def test_every_label_is_known_and_every_category_has_examples():
    labels = Counter(label for example in EXAMPLES for label in example.labels)
    kinds = Counter(kind for example in EXAMPLES for kind in example.signals)

    # "unreadable" is given to text that hides its form, never to written lines.
    assert set(labels) == set(CATEGORIES) - {"unreadable"}
    assert set(kinds) == set(SIGNAL_KINDS)
    assert min(labels.values()) >= 20
    assert all(example.recipient_role in RECIPIENT_ROLES for example in EXAMPLES)


def test_there_are_many_hard_negatives():
    clean = [example for example in EXAMPLES if not example.labels and not example.signals]

    assert len(clean) >= 100


def test_ids_and_texts_are_unique():
    assert len({example.id for example in EXAMPLES}) == len(EXAMPLES)
    assert len({example.text for example in EXAMPLES}) == len(EXAMPLES)


def test_quality_on_the_held_out_lines_stays_above_the_floor():
    report = evaluate(TextChecker().inspect, [e for e in EXAMPLES if e.split == "holdout"])

    findings = report.micro(report.categories)
    signals = report.micro(report.signals)
    assert findings.precision >= 0.95
    assert findings.recall >= 0.8
    assert signals.precision >= 0.9
    assert signals.recall >= 0.8


def test_the_tuned_lines_are_all_right():
    report = evaluate(TextChecker().inspect, [e for e in EXAMPLES if e.split == "dev"])

    assert report.exact == report.examples, [m[0].id for m in report.mistakes]
