"""Fit the embedding layer on lines by independent authors, and measure it on authors it
never saw (scikit-learn, the ``ml`` extra; only training needs it).

Cross-author, nested: for each author held out, each label's threshold is chosen on the
other authors' out-of-author probabilities (those authors split into five groups: fit on
four, score the fifth, rotate), the classifier is fitted on those others, and the held-out
author's lines are scored with the rules and the classifier fused (a label counts if either
finds it). The shipped model is then fitted on every author, its thresholds chosen on every
author's out-of-group scores. The fits of one step run in parallel, one per core.
Thresholds serve each label's purpose, judged on the rules and the classifier fused: the best
F1, except distress, where recall comes first (the lowest threshold whose precision stays at or
above 0.80, the target's floor, on the other authors). Then, while the fused violations flag
more than 3% of the clean lines, the violations' thresholds are raised, the one that clears
the most clean lines for the least F1 first: a clean line flagged is a collector wrongly
reported, and a reviewer's time.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from tactful.inspection.checker import DEBT_PARTIES
from tactful.inspection.devset import Example
from tactful.inspection.embedding import (
    GRAM_WIDTH,
    ROLES,
    Classifier,
    EmbeddingModel,
    GramBatch,
    embed,
    features,
)
from tactful.inspection.evaluation import Tally
from tactful.inspection.types import CATEGORIES, SIGNAL_KINDS

VIOLATIONS: tuple[str, ...] = tuple(c for c in CATEGORIES if c != "unreadable")
LABELS: tuple[str, ...] = (*VIOLATIONS, *SIGNAL_KINDS)
# The target is precision 0.80 on an author never seen. Chosen a point above (0.81) on the
# other authors, the held-out authors' precision came out higher still (0.817 over fifteen),
# not lower: the floor itself is the threshold's aim.
DISTRESS_PRECISION = 0.80
# The most of the clean lines (no violation) the fused violations may flag, on the other
# authors: the target's ceiling.
CLEAN_BUDGET = 0.03
_GRID = np.round(np.arange(0.05, 0.995, 0.01), 2)
C = 16.0
# Out-of-author scores for choosing thresholds: the authors in this many groups.
THRESHOLD_GROUPS = 5
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

    def lines(self) -> list[str]:
        """The report as printed by training and by the benchmark: per label, overall, per
        held-out author, per language."""
        out = [f"{'label':>24} {'rules recall':>12} {'fused recall':>12} {'fused precision':>15}"]
        for label in LABELS:
            rule, fused = self.rules[label], self.fused[label]
            out.append(
                f"{label:>24} {rule.recall:>12.2f} {fused.recall:>12.2f} {fused.precision:>15.2f}"
            )
        out.append(
            f"violations macro F1 {self.macro_f1(self.fused, False):.3f} "
            f"(rules {self.macro_f1(self.rules, False):.3f}); signals macro F1 "
            f"{self.macro_f1(self.fused, True):.3f} (rules {self.macro_f1(self.rules, True):.3f}); "
            f"clean lines flagged {self.clean_flagged / max(self.clean_lines, 1):.2%} "
            f"({self.clean_flagged} of {self.clean_lines}); "
            f"no-signal lines flagged {self.calm_flagged / max(self.calm_lines, 1):.2%} "
            f"({self.calm_flagged} of {self.calm_lines})"
        )
        held_out = ", ".join(f"{author} {f1:.2f}" for author, f1 in self.per_author.items())
        out.append(f"per held-out author, violations macro F1: {held_out}")
        for lang, tallies in sorted(self.per_language.items()):
            distress = tallies["distress"]
            out.append(
                f"{lang:>8}: violations macro F1 {self.macro_f1(tallies, False):.2f}, "
                f"signals macro F1 {self.macro_f1(tallies, True):.2f}, "
                f"distress recall {distress.recall:.3f} precision {distress.precision:.3f}"
            )
        return out


def train(
    authors: dict[str, list[Example]], rules: Rules, progress: Progress = print, jobs: int = 2
) -> tuple[EmbeddingModel, CrossAuthorReport]:
    rows = [example for name in sorted(authors) for example in authors[name]]
    if len(authors) < 3:
        raise ValueError("cross-author training needs at least three authors")
    progress(f"embedding {len(rows)} lines by {len(authors)} authors ...")
    vectors = _embedded([row.text for row in rows], progress)
    found = [rules(row) for row in rows]
    data = _Data(
        table=design(features(vectors, [row.recipient_role for row in rows]), rows),
        names=np.array([row.author for row in rows]),
        targets={
            label: np.array([label in (r.labels | r.signals) for r in rows]) for label in LABELS
        },
        jobs=jobs,
        rules={label: np.array([label in labels for labels in found]) for label in LABELS},
        outside_debt=np.array([row.recipient_role not in DEBT_PARTIES for row in rows]),
        clean=np.array([not row.labels for row in rows]),
    )
    report = CrossAuthorReport()
    for held in sorted(authors):
        progress(f"held out: {held}")
        _measure_held_out(held, rows, data, report)
    progress("fitting the shipped model on every author ...")
    classifiers = _classifiers(data, sorted(authors))
    metadata = _metadata(rows, authors, report)
    return EmbeddingModel(classifiers=classifiers, metadata=metadata), report


@dataclass(frozen=True)
class _Data:
    """The design, each line's author and each label's truth, how many fits run at once; and
    per line what the rules found, whether it is said outside the debt, whether it is clean."""

    table: Any
    names: np.ndarray
    targets: dict[str, np.ndarray]
    jobs: int
    rules: dict[str, np.ndarray]
    outside_debt: np.ndarray
    clean: np.ndarray


def design(dense: np.ndarray, rows: Sequence[Example]) -> Any:
    """The classifiers' input: the embedding and role columns, then the n-gram buckets."""
    from scipy import sparse  # type: ignore[import-untyped]

    batch = GramBatch.of([row.text for row in rows])
    grams = sparse.csr_matrix(
        (batch.values, (batch.line_of, batch.buckets)), shape=(len(rows), GRAM_WIDTH)
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


def _fitted_and_scored(table: Any, target: np.ndarray, train: np.ndarray, test: np.ndarray) -> Any:
    model = _fit(table[train], target[train])
    return model, (model.predict_proba(table[test])[:, 1] if test.any() else np.zeros(0))


def _in_parallel(data: _Data, tasks: list[tuple[str, np.ndarray, np.ndarray]]) -> list[Any]:
    """Fit each (label, training lines) and score its test lines, the fits side by side.

    Threads: liblinear lets go of the interpreter while it fits, and threads share the
    design rather than copying it into each worker.
    """
    from joblib import Parallel, delayed  # type: ignore[import-untyped]

    return list(
        Parallel(n_jobs=data.jobs, prefer="threads")(
            delayed(_fitted_and_scored)(data.table, data.targets[label], train, test)
            for label, train, test in tasks
        )
    )


def _out_of_group(data: _Data, authors: list[str]) -> dict[str, np.ndarray]:
    """Each label's probability for each line of `authors`, from a classifier fitted on the
    other groups of those authors only (zeros elsewhere)."""
    groups = [authors[start::THRESHOLD_GROUPS] for start in range(THRESHOLD_GROUPS)]
    inside = np.isin(data.names, authors)
    folds = [np.isin(data.names, group) for group in groups if group]
    tasks = [(label, inside & ~test, test) for label in LABELS for test in folds]
    scores = {label: np.zeros(len(data.names)) for label in LABELS}
    for (label, _, test), (_, scored) in zip(tasks, _in_parallel(data, tasks), strict=True):
        scores[label][test] = scored
    return scores


def _fused(
    label: str, scores: np.ndarray, threshold: float, data: _Data, lines: np.ndarray
) -> np.ndarray:
    """The label on `lines` with the rules and the classifier fused, as the checker fuses them
    (the classifier never discloses to a party to the debt)."""
    said = scores >= threshold
    if label == "third_party_disclosure":
        said &= data.outside_debt[lines]
    return np.asarray(said | data.rules[label][lines])


def _f1(predicted: np.ndarray, expected: np.ndarray) -> float:
    return _tally(predicted, expected).f1


def _tally(predicted: np.ndarray, expected: np.ndarray) -> Tally:
    hits = int(np.count_nonzero(predicted & expected))
    return Tally(
        true_positives=hits,
        false_positives=int(np.count_nonzero(predicted)) - hits,
        false_negatives=int(np.count_nonzero(expected)) - hits,
    )


def _threshold(label: str, scores: np.ndarray, data: _Data, lines: np.ndarray) -> float:
    """The label's threshold for its purpose on `lines`: the lowest of the best."""
    expected = data.targets[label][lines]

    def merit(threshold: float) -> float:
        tally = _tally(_fused(label, scores, threshold, data, lines), expected)
        if label == "distress":
            return tally.recall if tally.precision >= DISTRESS_PRECISION else tally.precision - 1
        return tally.f1

    return float(max(_GRID, key=merit))


def _within_clean_budget(
    chosen: dict[str, float], scores: dict[str, np.ndarray], data: _Data, lines: np.ndarray
) -> dict[str, float]:
    """Raise the violations' thresholds until the fused violations flag at most
    CLEAN_BUDGET of the clean `lines`: each step the raise that clears the most clean lines
    per point of F1 lost. Stops where no raise clears one (the rules alone flag them)."""
    chosen = dict(chosen)
    clean = data.clean[lines]
    expected = {label: data.targets[label][lines] for label in VIOLATIONS}
    said = {label: _fused(label, scores[label], chosen[label], data, lines) for label in VIOLATIONS}
    f1 = {label: _f1(said[label], expected[label]) for label in VIOLATIONS}

    def flagged(by_label: dict[str, np.ndarray]) -> int:
        return int(np.count_nonzero(np.logical_or.reduce(list(by_label.values())) & clean))

    while flagged(said) > CLEAN_BUDGET * np.count_nonzero(clean):
        now = flagged(said)
        best: tuple[float, str, float, np.ndarray] | None = None
        for label in VIOLATIONS:
            others = np.logical_or.reduce([said[other] for other in VIOLATIONS if other != label])
            for threshold in _GRID[chosen[label] < _GRID]:
                trial = _fused(label, scores[label], float(threshold), data, lines)
                cleared = now - int(np.count_nonzero((others | trial) & clean))
                if cleared <= 0:
                    continue
                lost = max(f1[label] - _f1(trial, expected[label]), 1e-9)
                if best is None or cleared / lost > best[0]:
                    best = (cleared / lost, label, float(threshold), trial)
        if best is None:
            break
        _, label, chosen[label], said[label] = best
        f1[label] = _f1(said[label], expected[label])
    return chosen


def _classifiers(data: _Data, authors: list[str]) -> dict[str, Classifier]:
    """Each label's classifier fitted on `authors`, at a threshold chosen on their
    out-of-group scores."""
    inside = np.isin(data.names, authors)
    scores = {label: values[inside] for label, values in _out_of_group(data, authors).items()}
    thresholds = {label: _threshold(label, scores[label], data, inside) for label in LABELS}
    thresholds = _within_clean_budget(thresholds, scores, data, inside)
    nothing = np.zeros(len(data.names), dtype=bool)
    fitted = _in_parallel(data, [(label, inside, nothing) for label in LABELS])
    dense = len(ROLES) + EMBEDDING_WIDTH
    classifiers = {}
    for label, (model, _) in zip(LABELS, fitted, strict=True):
        weights = np.asarray(model.coef_[0], dtype=np.float32)
        classifiers[label] = Classifier(
            weights=weights[:dense],
            bias=float(model.intercept_[0]),
            threshold=thresholds[label],
            ngram_weights=weights[dense:],
        )
    return classifiers


def _probabilities(classifier: Classifier, rows: Any) -> np.ndarray:
    """The classifier's probabilities over rows of the design (training's own scoring)."""
    assert classifier.ngram_weights is not None
    every = np.concatenate([classifier.weights, classifier.ngram_weights])
    logits = np.asarray(rows @ every, dtype=np.float64).ravel() + classifier.bias
    return np.asarray(1.0 / (1.0 + np.exp(-logits)))


def _measure_held_out(
    held: str,
    rows: list[Example],
    data: _Data,
    report: CrossAuthorReport,
) -> None:
    table, targets = data.table, data.targets
    test = data.names == held
    classifiers = _classifiers(data, sorted(set(data.names) - {held}))
    fused_any_violation = np.zeros(test.sum(), dtype=bool)
    fused_any_signal = np.zeros(test.sum(), dtype=bool)
    tallies: dict[str, Tally] = {}
    for label in LABELS:
        classifier = classifiers[label]
        scores = _probabilities(classifier, table[test])
        fused = _fused(label, scores, classifier.threshold, data, test)
        by_rules = data.rules[label][test]
        expected = targets[label][test]
        tallies[label] = Tally()
        languages = [row.lang for row, inside in zip(rows, test, strict=True) if inside]
        for e, f, r, lang in zip(expected, fused, by_rules, languages, strict=True):
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
    clean = data.clean[test]
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
        "threshold_groups": THRESHOLD_GROUPS,
        "clean_budget": CLEAN_BUDGET,
        "cross_author": {
            "violations_macro_f1_fused": round(report.macro_f1(report.fused, False), 3),
            "violations_macro_f1_rules": round(report.macro_f1(report.rules, False), 3),
            "signals_macro_f1_fused": round(report.macro_f1(report.fused, True), 3),
            "signals_macro_f1_rules": round(report.macro_f1(report.rules, True), 3),
            "clean_lines_flagged": round(report.clean_flagged / max(report.clean_lines, 1), 4),
            "clean_lines": [report.clean_flagged, report.clean_lines],
            "no_signal_lines_flagged": round(report.calm_flagged / max(report.calm_lines, 1), 3),
            "per_author_violations_macro_f1": {
                name: round(value, 3) for name, value in report.per_author.items()
            },
            "per_language": {
                lang: {
                    "violations_macro_f1": round(report.macro_f1(tallies, False), 3),
                    "signals_macro_f1": round(report.macro_f1(tallies, True), 3),
                    "distress_recall": round(tallies["distress"].recall, 3),
                    "distress_precision": round(tallies["distress"].precision, 3),
                }
                for lang, tallies in sorted(report.per_language.items())
            },
            "per_label": {
                label: {
                    "recall": round(tally.recall, 3),
                    "precision": round(tally.precision, 3),
                    "found_of_support": [tally.true_positives, tally.support],
                    "rules_recall": round(report.rules[label].recall, 3),
                }
                for label, tally in report.fused.items()
            },
        },
    }
