"""The learned part of the checker: a sparse logistic regression over character n-grams.

It catches abuse that no rule names ("你脑子里装的都是浆糊吧"). It is trained by
`tactful inspect train-model` on the labelled development set and on COLD, and ships as a
small JSON file of n-gram weights, so scoring needs no library: about as fast as the rules.
Its findings say `"source": "model"`; it only adds `insult` where the rules found none.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from tactful.inspection.normalise import Normalised
from tactful.inspection.rules import CLAUSE_BOUNDARY
from tactful.inspection.types import Finding

NGRAM_SIZES = (1, 2, 3)
# Only letters, digits and Chinese characters carry meaning for the n-grams.
_KEPT = re.compile(r"[a-z0-9\u3400-\u4dbf\u4e00-\u9fff]+")
_SHIPPED = "abuse_model.json"
# An insult is about the person: the model speaks only when the text addresses someone.
# This keeps it quiet on general comments about groups (most of COLD's domain).
_ADDRESSED = re.compile(r"你|您|(?<![a-z])(you|your|ya|u|ur)(?![a-z])")


def ngrams(text: str) -> Iterator[tuple[str, int, int]]:
    """Yield each character n-gram of `text` with its start and end offsets."""
    for run in _KEPT.finditer(text):
        word = run.group()
        for size in NGRAM_SIZES:
            for start in range(len(word) - size + 1):
                yield word[start : start + size], run.start() + start, run.start() + start + size


def features(text: str) -> set[str]:
    return {gram for gram, _, _ in ngrams(text)}


@dataclass(frozen=True)
class AbuseModel:
    """Weights per n-gram, a bias, and the probability above which a text is abusive."""

    weights: dict[str, float]
    bias: float
    threshold: float
    description: dict[str, Any]

    @classmethod
    def load(cls, path: Path | None = None) -> AbuseModel:
        """Load the model at `path`, or the one that ships in tactful/inspection/data."""
        if path is None:
            source = resources.files("tactful.inspection") / "data" / _SHIPPED
            data = json.loads(source.read_text(encoding="utf-8"))
        else:
            data = json.loads(path.read_text(encoding="utf-8"))
        return cls(
            weights={gram: float(weight) for gram, weight in data["weights"].items()},
            bias=float(data["bias"]),
            threshold=float(data["threshold"]),
            description=dict(data.get("description", {})),
        )

    def save(self, path: Path) -> None:
        body = {
            "description": self.description,
            "threshold": self.threshold,
            "bias": round(self.bias, 4),
            "weights": {gram: round(weight, 4) for gram, weight in sorted(self.weights.items())},
        }
        path.write_text(json.dumps(body, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")

    def probability(self, text: str) -> float:
        """Return the probability that the normalised `text` is abusive."""
        total = self.bias + sum(self.weights.get(gram, 0.0) for gram in features(text))
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, total))))

    def score(self, text: str) -> float:
        """Return the probability for a normalised text that addresses someone, else 0."""
        return self.probability(text) if _ADDRESSED.search(text) else 0.0

    def add_findings(
        self, folded: Normalised, findings: tuple[Finding, ...]
    ) -> tuple[Finding, ...]:
        """Return `findings`, with an `insult` finding added when the rules found none and
        the model is confident the text is abusive."""
        if any(finding.category == "insult" for finding in findings):
            return findings
        score = self.score(folded.text)
        if score < self.threshold:
            return findings
        start, end = folded.span(*self._evidence(folded.text))
        evidence = folded.original[start:end]
        added = Finding("insult", start, end, evidence, "model", score, "model.abuse")
        return tuple(sorted((*findings, added), key=lambda finding: finding.start))

    def _evidence(self, text: str) -> tuple[int, int]:
        """Return the clause around the n-gram that pushed the score up most."""
        scored = [(self.weights.get(gram, 0.0), start, end) for gram, start, end in ngrams(text)]
        _, start, end = max(scored)
        boundaries = [match.end() for match in CLAUSE_BOUNDARY.finditer(text, 0, start)]
        clause_start = boundaries[-1] if boundaries else 0
        following = CLAUSE_BOUNDARY.search(text, end)
        clause_end = following.start() if following else len(text)
        return clause_start, max(end, clause_end)
