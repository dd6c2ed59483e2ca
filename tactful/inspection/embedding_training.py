"""Fit the embedding layer on lines by independent authors, and measure it on authors it
never saw (scikit-learn, the ``ml`` extra; only training needs it).

Cross-author, nested: for each author held out, each label's threshold is chosen on the
other authors' out-of-author probabilities (fit on all of them but one, score that one,
rotate), the classifier is fitted on those others, and the held-out author's lines are
scored with the rules and the classifier fused (a label counts if either finds it). The
shipped model is then fitted on every author, its thresholds chosen on every author's
out-of-author scores.
Thresholds serve each label's purpose: the best F1, except distress, where recall comes first
(the lowest threshold whose precision stays at or above 0.80).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from tactful.inspection.devset import Example
from tactful.inspection.embedding import (
    NGRAM_BITS,
    ROLES,
    Classifier,
    EmbeddingModel,
    GramBatch,
    embed,
    features,
)
from tactful.inspection.evaluation import Tally
from tactful.inspection.types import CATEGORIES, SIGNAL_KINDS

LABELS: tuple[str, ...] = (*(c for c in CATEGORIES if c != "unreadable"), *SIGNAL_KINDS)
DISTRESS_PRECISION = 0.80
C = 4.0
BATCH = 64
EMBEDDING_WIDTH = 384

Rules = Callable[[Example], set[str]]
Progress = Callable[[str], None]


@dataclass
class CrossAuthorReport:
    """Figures on authors held out in turn: the rules alone, and the rules fused with the model."""

    rules: dict[str, Tally] = field(default_factory=lambda: {label: Tally() for label in LABELS})
    fused: dict[str, Tally] = field(default_factory=lambda: {label: Tally() for label in LABELS})
    clean_lines: int = 0
    clean_flagged: int = 0
    calm_lines: int = 0
    calm_flagged: int = 0
    per_author: dict[str, float] = field(default_factory=dict)
    # The fused tallies of each language's lines (zh-Hans, zh-Hant, en).
    per_language: dict[str, dict[str, Tally]] = field(default_factory=dict)

    def macro_f1(self, tallies: dict[str, Tally], signals: bool) -> float:
        chosen = [t for label, t in tallies.items() if (label in SIGNAL_KINDS) == signals]
        return sum(t.f1 for t in chosen) / len(chosen)


def train(
    authors: dict[str, list[Example]], rules: Rules, progress: Progress = print
) -> tuple[EmbeddingModel, CrossAuthorReport]:
    rows = [example for name in sorted(authors) for example in authors[name]]
    if len(authors) < 3:
        raise ValueError("cross-author training needs at least three authors")
    progress(f"embedding {len(rows)} lines by {len(authors)} authors ...")
    vectors = _embedded([row.text for row in rows], progress)
    table = design(features(vectors, [row.recipient_role for row in rows]), rows)
    names = np.array([row.author for row in rows])
    targets = {label: np.array([label in (r.labels | r.signals) for r in rows]) for label in LABELS}
    by_rules = {label: np.array([label in found for found in map(rules, rows)]) for label in LABELS}
    report = CrossAuthorReport()
    for held in sorted(authors):
        progress(f"held out: {held}")
        _measure_held_out(held, rows, table, names, targets, by_rules, report)
    progress("fitting the shipped model on every author ...")
    classifiers = {
        label: _classifier(table, targets[label], names, sorted(authors), label) for label in LABELS
    }
    metadata = _metadata(rows, authors, report)
    return EmbeddingModel(classifiers=classifiers, metadata=metadata), report


def design(dense: np.ndarray, rows: Sequence[Example]) -> Any:
    """The classifiers' input: the embedding and role columns, then the n-gram buckets."""
    from scipy import sparse  # type: ignore[import-untyped]

    batch = GramBatch.of([row.text for row in rows])
    grams = sparse.csr_matrix(
        (batch.values, (batch.line_of, batch.buckets)), shape=(len(rows), 1 << NGRAM_BITS)
    )
    return sparse.hstack([sparse.csr_matrix(dense), grams]).tocsr()


def _embedded(texts: Sequence[str], progress: Progress) -> np.ndarray:
    parts = []
    for start in range(0, len(texts), BATCH):
        parts.append(embed(texts[start : start + BATCH]))
        done = min(start + BATCH, len(texts))
        if done % (BATCH * 10) == 0 or done == len(texts):
            progress(f"  embedded {done}/{len(texts)}")
    return np.vstack(parts)


class _Constant:
    """What a fold with one class only learns: that class, always."""

    def __init__(self, columns: int, value: bool) -> None:
        self.coef_ = np.zeros((1, columns))
        self.intercept_ = np.array([20.0 if value else -20.0])
        self._value = 1.0 if value else 0.0

    def predict_proba(self, rows: Any) -> np.ndarray:
        return np.tile([1.0 - self._value, self._value], (rows.shape[0], 1))


def _fit(rows: Any, target: np.ndarray) -> Any:
    if target.all() or not target.any():
        return _Constant(rows.shape[1], bool(target.any()))
    from sklearn.linear_model import LogisticRegression  # type: ignore[import-untyped]

    model = LogisticRegression(C=C, class_weight="balanced", max_iter=3000, solver="liblinear")
    return model.fit(rows, target)


def _out_of_author(
    table: Any, target: np.ndarray, names: np.ndarray, authors: list[str]
) -> np.ndarray:
    """Each line's probability from a classifier fitted on the other authors only."""
    scores = np.zeros(len(target))
    inside = np.isin(names, authors)
    for author in authors:
        test = names == author
        train = inside & ~test
        scores[test] = _fit(table[train], target[train]).predict_proba(table[test])[:, 1]
    return scores


def _threshold(scores: np.ndarray, target: np.ndarray, label: str) -> float:
    best, chosen = -2.0, 0.5
    for threshold in np.linspace(0.05, 0.95, 91):
        tally = Tally()
        for expected, predicted in zip(target, scores >= threshold, strict=True):
            tally.count(expected=bool(expected), predicted=bool(predicted))
        if label == "distress":
            score = tally.recall if tally.precision >= DISTRESS_PRECISION else tally.precision - 1
        else:
            score = tally.f1
        if score > best:
            best, chosen = score, float(threshold)
    return chosen


def _classifier(
    table: Any, target: np.ndarray, names: np.ndarray, authors: list[str], label: str
) -> Classifier:
    inside = np.isin(names, authors)
    scores = _out_of_author(table, target, names, authors)
    threshold = _threshold(scores[inside], target[inside], label)
    fitted = _fit(table[inside], target[inside])
    weights = np.asarray(fitted.coef_[0], dtype=np.float32)
    dense = len(ROLES) + EMBEDDING_WIDTH
    return Classifier(
        weights=weights[:dense],
        bias=float(fitted.intercept_[0]),
        threshold=threshold,
        ngram_weights=weights[dense:],
    )


def _probabilities(classifier: Classifier, rows: Any) -> np.ndarray:
    """The classifier's probabilities over rows of the design (training's own scoring)."""
    assert classifier.ngram_weights is not None
    every = np.concatenate([classifier.weights, classifier.ngram_weights])
    logits = np.asarray(rows @ every, dtype=np.float64).ravel() + classifier.bias
    return np.asarray(1.0 / (1.0 + np.exp(-logits)))


def _measure_held_out(
    held: str,
    rows: list[Example],
    table: Any,
    names: np.ndarray,
    targets: dict[str, np.ndarray],
    by_rules: dict[str, np.ndarray],
    report: CrossAuthorReport,
) -> None:
    others = sorted(set(names) - {held})
    test = names == held
    # The role columns follow the embedding's; debtor is the first.
    non_party = np.asarray(table[test][:, EMBEDDING_WIDTH].todense()).ravel() == 0
    fused_any_violation = np.zeros(test.sum(), dtype=bool)
    fused_any_signal = np.zeros(test.sum(), dtype=bool)
    tallies: dict[str, Tally] = {}
    for label in LABELS:
        classifier = _classifier(table, targets[label], names, others, label)
        model_says = _probabilities(classifier, table[test]) >= classifier.threshold
        if label == "third_party_disclosure":
            model_says &= non_party
        fused = model_says | by_rules[label][test]
        expected = targets[label][test]
        tallies[label] = Tally()
        languages = [row.lang for row, inside in zip(rows, test, strict=True) if inside]
        for e, f, r, lang in zip(expected, fused, by_rules[label][test], languages, strict=True):
            report.fused[label].count(expected=bool(e), predicted=bool(f))
            report.rules[label].count(expected=bool(e), predicted=bool(r))
            tallies[label].count(expected=bool(e), predicted=bool(f))
            per_language = report.per_language.setdefault(lang, {})
            per_language.setdefault(label, Tally()).count(expected=bool(e), predicted=bool(f))
        if label in SIGNAL_KINDS:
            fused_any_signal |= fused
        else:
            fused_any_violation |= fused
    held_rows = [row for row, inside in zip(rows, test, strict=True) if inside]
    clean = np.array([not row.labels for row in held_rows])
    calm = np.array([not row.signals for row in held_rows])
    report.clean_lines += int(clean.sum())
    report.clean_flagged += int((clean & fused_any_violation).sum())
    report.calm_lines += int(calm.sum())
    report.calm_flagged += int((calm & fused_any_signal).sum())
    report.per_author[held] = report.macro_f1(tallies, signals=False)


def _metadata(
    rows: list[Example], authors: dict[str, list[Example]], report: CrossAuthorReport
) -> dict[str, Any]:
    digest = hashlib.sha256("\n".join(f"{r.id}\t{r.text}" for r in rows).encode()).hexdigest()
    return {
        "fitted_on": {name: len(lines) for name, lines in sorted(authors.items())},
        "data_sha256": digest,
        "c": C,
        "cross_author": {
            "violations_macro_f1_fused": round(report.macro_f1(report.fused, False), 3),
            "violations_macro_f1_rules": round(report.macro_f1(report.rules, False), 3),
            "signals_macro_f1_fused": round(report.macro_f1(report.fused, True), 3),
            "signals_macro_f1_rules": round(report.macro_f1(report.rules, True), 3),
            "clean_lines_flagged": round(report.clean_flagged / max(report.clean_lines, 1), 3),
            "no_signal_lines_flagged": round(report.calm_flagged / max(report.calm_lines, 1), 3),
            "per_label": {
                label: {
                    "recall": round(tally.recall, 3),
                    "precision": round(tally.precision, 3),
                    "rules_recall": round(report.rules[label].recall, 3),
                }
                for label, tally in report.fused.items()
            },
        },
    }
