"""A trained model bundle: the risk and self-cure boosters, their calibration, their metadata.

A bundle is a directory: ``risk.txt`` and ``self_cure.txt`` (LightGBM text models),
``metadata.json`` (data hash, features, parameters, metrics, library versions, the
calibration of each model). Loading checks that the bundle was trained on the features
this version computes, so an old bundle is refused rather than misread.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import lightgbm as lgb
import numpy as np

from tactful.screening.features import FEATURE_NAMES

DEFAULT_BUNDLE = Path(__file__).resolve().parent / "models" / "default"
METADATA_FILE = "metadata.json"
MODEL_FILES = {"risk": "risk.txt", "self_cure": "self_cure.txt"}
FORMAT_VERSION = 1
# Rows explained at once: TreeSHAP output is rows x (features + 1) float64.
EXPLAIN_CHUNK = 100_000

Target = Literal["default", "cure"]


class ModelError(ValueError):
    """A model bundle that cannot be used: missing files, other features, bad metadata."""


@dataclass(frozen=True)
class Platt:
    """Platt scaling: probability = sigmoid(slope * raw + intercept), raw the booster's log-odds."""

    slope: float = 1.0
    intercept: float = 0.0

    def apply(self, raw: np.ndarray) -> np.ndarray:
        """Return calibrated probabilities for raw log-odds."""
        return 1.0 / (1.0 + np.exp(-(self.slope * raw + self.intercept)))

    @classmethod
    def fit(cls, raw: np.ndarray, outcome: np.ndarray, *, steps: int = 50) -> Platt:
        """Fit slope and intercept by Newton's method on the log-likelihood."""
        x = np.column_stack([raw.astype(np.float64), np.ones(raw.size)])
        y = outcome.astype(np.float64)
        weights = np.array([1.0, 0.0])
        for _ in range(steps):
            p = 1.0 / (1.0 + np.exp(-(x @ weights)))
            gradient = x.T @ (y - p)
            hessian = (x * (p * (1 - p))[:, None]).T @ x + 1e-9 * np.eye(2)
            step = np.linalg.solve(hessian, gradient)
            weights = weights + step
            if np.max(np.abs(step)) < 1e-10:
                break
        return cls(float(weights[0]), float(weights[1]))


@dataclass(frozen=True)
class Explanation:
    """Probabilities and, per account and feature, the contribution to the calibrated log-odds."""

    probability: np.ndarray
    contributions: np.ndarray


@dataclass(frozen=True)
class ScoringModel:
    """One booster and its calibration. `target` says what its probability is of."""

    booster: lgb.Booster
    calibration: Platt
    target: Target

    def raw(self, matrix: np.ndarray, *, threads: int = 0) -> np.ndarray:
        """Return the booster's log-odds for each row of the feature matrix."""
        if matrix.shape[0] == 0:
            return np.zeros(0)
        scores = self.booster.predict(matrix, raw_score=True, num_threads=threads)
        return np.asarray(scores, dtype=np.float64)

    def probability(self, matrix: np.ndarray, *, threads: int = 0) -> np.ndarray:
        """Return the calibrated probability of `target` for each row."""
        return self.calibration.apply(self.raw(matrix, threads=threads))

    def explain(self, matrix: np.ndarray, *, threads: int = 0) -> Explanation:
        """Return probabilities with each feature's contribution (TreeSHAP, pred_contrib)."""
        if matrix.shape[0] == 0:
            return Explanation(np.zeros(0), np.zeros((0, matrix.shape[1]), dtype=np.float32))
        probabilities, contributions = [], []
        for chunk in _chunks(matrix):
            both = np.asarray(
                self.booster.predict(chunk, pred_contrib=True, num_threads=threads),
                dtype=np.float64,
            )
            # The last column is the expected value; the rest sum with it to the log-odds.
            probabilities.append(self.calibration.apply(both.sum(axis=1)))
            contributions.append((both[:, :-1] * self.calibration.slope).astype(np.float32))
        return Explanation(np.concatenate(probabilities), np.concatenate(contributions))


def _chunks(matrix: np.ndarray) -> Iterator[np.ndarray]:
    for start in range(0, matrix.shape[0], EXPLAIN_CHUNK):
        yield matrix[start : start + EXPLAIN_CHUNK]


@dataclass(frozen=True)
class ModelBundle:
    """The risk model, the self-cure model and what is known about both."""

    risk: ScoringModel
    self_cure: ScoringModel
    metadata: dict[str, Any]

    @property
    def model_id(self) -> str:
        """Return the bundle's identifier (a hash of both models), stored with every plan."""
        return str(self.metadata.get("model_id", "unknown"))

    def save(self, directory: str | Path) -> Path:
        """Write the bundle into `directory` (created if needed) and return it."""
        target = Path(directory)
        target.mkdir(parents=True, exist_ok=True)
        for name, model in (("risk", self.risk), ("self_cure", self.self_cure)):
            model.booster.save_model(str(target / MODEL_FILES[name]))
        text = json.dumps(self.metadata, indent=2, ensure_ascii=False, sort_keys=True)
        (target / METADATA_FILE).write_text(text + "\n", encoding="utf-8")
        return target


def load_bundle(directory: str | Path = DEFAULT_BUNDLE) -> ModelBundle:
    """Read the bundle in `directory` (default: the model shipped with Tactful)."""
    source = Path(directory)
    metadata = _read_metadata(source)
    models = metadata.get("models")
    if not isinstance(models, dict):
        raise ModelError(f"{source / METADATA_FILE} does not describe its models")
    return ModelBundle(
        risk=_load_model(source, "risk", models),
        self_cure=_load_model(source, "self_cure", models),
        metadata=metadata,
    )


def _read_metadata(source: Path) -> dict[str, Any]:
    try:
        metadata = json.loads((source / METADATA_FILE).read_text(encoding="utf-8"))
    except OSError:
        raise ModelError(f"{source} holds no {METADATA_FILE}: is it a model directory?") from None
    except json.JSONDecodeError as error:
        raise ModelError(f"{source / METADATA_FILE} is not JSON: {error}") from None
    if not isinstance(metadata, dict) or metadata.get("format") != FORMAT_VERSION:
        raise ModelError(f"{source} holds a model of another format; train it again")
    if metadata.get("features") != list(FEATURE_NAMES):
        raise ModelError(f"{source} was trained on other features; train it again")
    return metadata


def _load_model(source: Path, name: str, models: dict[str, Any]) -> ScoringModel:
    description = models.get(name)
    path = source / MODEL_FILES[name]
    if not isinstance(description, dict) or not path.exists():
        raise ModelError(f"{source} lacks the {name} model")
    try:
        booster = lgb.Booster(model_file=str(path))
    except lgb.basic.LightGBMError as error:
        raise ModelError(f"{path} is not a LightGBM model: {error}") from None
    if booster.feature_name() != list(FEATURE_NAMES):
        raise ModelError(f"{path} was trained on other features; train it again")
    return ScoringModel(booster, _calibration(description, name), _target(description, name))


def _calibration(description: dict[str, Any], name: str) -> Platt:
    given = description.get("calibration")
    try:
        return Platt(float(given["slope"]), float(given["intercept"]))  # type: ignore[index]
    except (TypeError, KeyError, ValueError):
        raise ModelError(f"the {name} model's calibration is missing or unreadable") from None


def _target(description: dict[str, Any], name: str) -> Target:
    target = description.get("target")
    if target == "default":
        return "default"
    if target == "cure":
        return "cure"
    raise ModelError(f"the {name} model's target must be default or cure, not {target!r}")
