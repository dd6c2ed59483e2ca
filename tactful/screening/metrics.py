"""How good a probability is: ranking (ROC AUC, KS), accuracy (Brier), calibration, lift.

Plain NumPy, so evaluating needs no more than scoring does. `outcome` is 1 for a default
(or, for the self-cure model, a cure) and 0 otherwise; `probability` is the model's.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

GROUPS = 10


@dataclass(frozen=True)
class Band:
    """One tenth of the accounts, ordered by probability (calibration) or risk (lift)."""

    group: int
    accounts: int
    mean_probability: float
    observed_rate: float
    lift: float
    cumulative_capture: float


@dataclass(frozen=True)
class Metrics:
    """Every figure the evaluation reports."""

    accounts: int
    positives: int
    base_rate: float
    roc_auc: float
    ks: float
    brier: float
    log_loss: float
    calibration: tuple[Band, ...]
    lift: tuple[Band, ...]

    def to_json(self) -> dict[str, Any]:
        """Return the metrics as JSON-ready values."""
        return asdict(self)


def evaluate(outcome: np.ndarray, probability: np.ndarray) -> Metrics:
    """Return every metric of `probability` against `outcome` (needs both classes)."""
    y, p = _checked(outcome, probability)
    return Metrics(
        accounts=int(y.size),
        positives=int(y.sum()),
        base_rate=float(y.mean()),
        roc_auc=roc_auc(y, p),
        ks=kolmogorov_smirnov(y, p),
        brier=brier(y, p),
        log_loss=log_loss(y, p),
        calibration=calibration_table(y, p),
        lift=lift_table(y, p),
    )


def _checked(outcome: np.ndarray, probability: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    y = np.asarray(outcome, dtype=np.float64)
    p = np.asarray(probability, dtype=np.float64)
    if y.shape != p.shape or y.ndim != 1:
        raise ValueError("outcome and probability must be vectors of the same length")
    if y.size == 0 or y.min() == y.max():
        raise ValueError("metrics need at least one account of each outcome")
    return y, p


def roc_auc(outcome: np.ndarray, probability: np.ndarray) -> float:
    """Return the chance that a random positive scores above a random negative (ties: half)."""
    y, p = _checked(outcome, probability)
    ranks = _average_ranks(p)
    positives = y.sum()
    negatives = y.size - positives
    wins = ranks[y == 1].sum() - positives * (positives + 1) / 2
    return float(wins / (positives * negatives))


def _average_ranks(values: np.ndarray) -> np.ndarray:
    order = np.argsort(values, kind="mergesort")
    _, first, counts = np.unique(values[order], return_index=True, return_counts=True)
    # Tied values share the mean of the ranks they occupy (ranks count from 1).
    mean_rank = first + (counts + 1) / 2
    ranks = np.empty(values.size, dtype=np.float64)
    ranks[order] = np.repeat(mean_rank, counts)
    return ranks


def kolmogorov_smirnov(outcome: np.ndarray, probability: np.ndarray) -> float:
    """Return the largest gap between the score distributions of positives and negatives."""
    y, p = _checked(outcome, probability)
    order = np.argsort(-p, kind="mergesort")
    sorted_p, sorted_y = p[order], y[order]
    # Evaluate only where the score changes, so ties never split.
    last_of_tie = np.r_[sorted_p[1:] != sorted_p[:-1], True]
    true_positive = np.cumsum(sorted_y)[last_of_tie] / y.sum()
    false_positive = np.cumsum(1 - sorted_y)[last_of_tie] / (y.size - y.sum())
    return float(np.max(np.abs(true_positive - false_positive)))


def brier(outcome: np.ndarray, probability: np.ndarray) -> float:
    """Return the mean squared difference between probability and outcome."""
    y, p = _checked(outcome, probability)
    return float(np.mean((p - y) ** 2))


def log_loss(outcome: np.ndarray, probability: np.ndarray) -> float:
    """Return the mean negative log-likelihood (probabilities clipped away from 0 and 1)."""
    y, p = _checked(outcome, probability)
    p = np.clip(p, 1e-6, 1 - 1e-6)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))


def calibration_table(outcome: np.ndarray, probability: np.ndarray) -> tuple[Band, ...]:
    """Return, per tenth of accounts by probability (lowest first), predicted vs observed."""
    y, p = _checked(outcome, probability)
    return _bands(y, p, np.argsort(p, kind="mergesort"))


def lift_table(outcome: np.ndarray, probability: np.ndarray) -> tuple[Band, ...]:
    """Return, per tenth of accounts by probability (riskiest first), the lift and capture."""
    y, p = _checked(outcome, probability)
    return _bands(y, p, np.argsort(-p, kind="mergesort"))


def _bands(y: np.ndarray, p: np.ndarray, order: np.ndarray) -> tuple[Band, ...]:
    base = y.mean()
    captured = 0.0
    bands = []
    for group, members in enumerate(np.array_split(order, GROUPS), start=1):
        captured += y[members].sum()
        rate = float(y[members].mean()) if members.size else 0.0
        bands.append(
            Band(
                group=group,
                accounts=int(members.size),
                mean_probability=float(p[members].mean()) if members.size else 0.0,
                observed_rate=rate,
                lift=rate / base,
                cumulative_capture=float(captured / y.sum()),
            )
        )
    return tuple(bands)
