"""Train the abuse model: logistic regression over character n-grams, in plain Python.

Examples come from the development set (its `dev` split: `holdout` lines stay unseen) and,
optionally, from COLD (general offensive language, a different domain, so its rows weigh
less). Training is stochastic gradient descent with AdaGrad steps and L2 shrinkage, in a
fixed order, so the same data gives the same weights. The threshold is the lowest
probability at which no hard negative of the development set is flagged and at most
`max_false_positive_rate` of COLD's safe development rows are.
"""

from __future__ import annotations

import csv
import math
import random
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from tactful.inspection.devset import Example
from tactful.inspection.model import AbuseModel, features
from tactful.inspection.normalise import normalise

ABUSIVE = frozenset({"insult"})
Progress = Callable[[str], None]


@dataclass(frozen=True)
class Labelled:
    """One training text (already normalised), whether it is abusive, and its weight."""

    text: str
    abusive: bool
    weight: float = 1.0


@dataclass(frozen=True)
class TrainingSettings:
    epochs: int = 6
    learning_rate: float = 0.2
    l2: float = 1e-6
    devset_weight: float = 4.0
    cold_weight: float = 0.25
    max_features: int = 30_000
    max_false_positive_rate: float = 0.01
    seed: int = 7


def devset_rows(examples: Iterable[Example], weight: float) -> list[Labelled]:
    """Return the `dev` split as training rows: abusive when labelled `insult`."""
    return [
        Labelled(normalise(example.text).text, bool(example.labels & ABUSIVE), weight)
        for example in examples
        if example.split == "dev"
    ]


def cold_rows(path: Path, limit: int | None = None, weight: float = 1.0) -> list[Labelled]:
    """Return COLD rows (columns TEXT and label; 1 = offensive) from `path`."""
    rows: list[Labelled] = []
    with path.open(encoding="utf-8-sig", newline="") as handle:
        for record in csv.DictReader(handle):
            text = normalise(record["TEXT"]).text
            rows.append(Labelled(text, record["label"] == "1", weight))
            if limit is not None and len(rows) >= limit:
                break
    return rows


def train(
    rows: Sequence[Labelled],
    *,
    settings: TrainingSettings | None = None,
    progress: Progress | None = None,
) -> tuple[dict[str, float], float]:
    """Return n-gram weights and a bias fitted to `rows`."""
    settings = settings or TrainingSettings()
    encoded = [(sorted(features(row.text)), row.abusive, row.weight) for row in rows]
    weights: dict[str, float] = {}
    squares: dict[str, float] = {}
    bias, bias_square = 0.0, 0.0
    order = list(range(len(encoded)))
    shuffle = random.Random(settings.seed).shuffle
    for epoch in range(settings.epochs):
        shuffle(order)
        for index in order:
            grams, abusive, weight = encoded[index]
            gradient = weight * (_sigmoid(bias + sum(weights.get(g, 0.0) for g in grams)) - abusive)
            bias_square += gradient * gradient
            bias -= settings.learning_rate * gradient / math.sqrt(bias_square + 1e-9)
            for gram in grams:
                step = gradient + settings.l2 * weights.get(gram, 0.0)
                squares[gram] = squares.get(gram, 0.0) + step * step
                weights[gram] = weights.get(gram, 0.0) - (
                    settings.learning_rate * step / math.sqrt(squares[gram] + 1e-9)
                )
        if progress is not None:
            progress(f"epoch {epoch + 1}/{settings.epochs}: {len(weights)} n-grams")
    return _strongest(weights, settings.max_features), bias


def choose_threshold(
    model: AbuseModel,
    hard_negatives: Sequence[str],
    safe_texts: Sequence[str],
    max_false_positive_rate: float,
) -> float:
    """Return the lowest threshold that flags no hard negative and few safe texts."""
    floor = max((model.score(text) for text in hard_negatives), default=0.0)
    safe = sorted((model.score(text) for text in safe_texts), reverse=True)
    allowed = int(len(safe) * max_false_positive_rate)
    cold_floor = safe[allowed] if allowed < len(safe) else 0.0
    return round(min(0.99, max(0.5, floor, cold_floor) + 0.005), 3)


def _strongest(weights: dict[str, float], limit: int) -> dict[str, float]:
    ranked = sorted(weights.items(), key=lambda item: abs(item[1]), reverse=True)
    return {gram: weight for gram, weight in ranked[:limit] if abs(weight) >= 1e-3}


def _sigmoid(total: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, total))))


def build_model(
    examples: Sequence[Example],
    cold_dir: Path | None,
    *,
    settings: TrainingSettings | None = None,
    progress: Progress | None = None,
) -> AbuseModel:
    """Train on the development set (and COLD when `cold_dir` is given); pick the threshold."""
    settings = settings or TrainingSettings()
    rows = devset_rows(examples, settings.devset_weight)
    safe: list[str] = []
    if cold_dir is not None:
        rows += cold_rows(cold_dir / "train.csv", weight=settings.cold_weight)
        safe = [row.text for row in cold_rows(cold_dir / "dev.csv") if not row.abusive]
    weights, bias = train(rows, settings=settings, progress=progress)
    draft = AbuseModel(weights, bias, 0.5, {})
    hard_negatives = [
        normalise(example.text).text
        for example in examples
        if example.split == "dev" and not example.labels & ABUSIVE
    ]
    threshold = choose_threshold(draft, hard_negatives, safe, settings.max_false_positive_rate)
    description = {
        "kind": "logistic regression over character 1-3-grams of the normalised text",
        "trained_on": f"{len(rows)} rows: development set (dev split)"
        + (" and COLD train" if cold_dir is not None else ""),
        "positive_class": "insult",
        "threshold_rule": "no development hard negative flagged; at most "
        f"{settings.max_false_positive_rate:.0%} of COLD dev safe rows flagged",
    }
    return AbuseModel(weights, bias, threshold, description)
