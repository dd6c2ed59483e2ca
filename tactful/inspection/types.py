"""What the checker reports: findings (the speaker's violations) and signals (the borrower's
vulnerability), each with character offsets into the original text."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final, Literal

Category = Literal[
    "threat",
    "insult",
    "impersonation",
    "false_legal_claim",
    "exposure_threat",
    "third_party_disclosure",
    # Hidden direction marks or look-alike letters: the text is not checked, it is refused.
    "unreadable",
]
SignalKind = Literal["job_loss", "illness", "bereavement", "disaster", "distress"]
Source = Literal["lexicon", "pattern", "model"]

CATEGORIES: Final[tuple[Category, ...]] = (
    "threat",
    "insult",
    "impersonation",
    "false_legal_claim",
    "exposure_threat",
    "third_party_disclosure",
    "unreadable",
)
SIGNAL_KINDS: Final[tuple[SignalKind, ...]] = (
    "job_loss",
    "illness",
    "bereavement",
    "disaster",
    "distress",
)
RECIPIENT_ROLES: Final[tuple[str, ...]] = (
    "debtor",
    "guarantor",
    "emergency_contact",
    "third_party",
)
# Only these recipients must never learn of the debt; the debtor and a guarantor may.
NON_PARTY_ROLES: Final[frozenset[str]] = frozenset({"emergency_contact", "third_party"})


@dataclass(frozen=True, slots=True)
class Finding:
    """One violation: what, where in the original text, on which evidence, and how sure."""

    category: Category
    start: int
    end: int
    evidence: str
    source: Source
    score: float
    rule: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "category": self.category,
            "start": self.start,
            "end": self.end,
            "evidence": self.evidence,
            "source": self.source,
            "score": round(self.score, 2),
        }


@dataclass(frozen=True, slots=True)
class Signal:
    """One sign that the person is in hardship or distress and pressure must stop."""

    kind: SignalKind
    start: int
    end: int
    evidence: str
    rule: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "start": self.start, "end": self.end, "evidence": self.evidence}


@dataclass(frozen=True, slots=True)
class Inspection:
    """Everything the checker found in one utterance."""

    findings: tuple[Finding, ...]
    signals: tuple[Signal, ...]

    @property
    def labels(self) -> tuple[Category, ...]:
        """Return the categories found, sorted and unique; empty when the text is clean."""
        return tuple(sorted({finding.category for finding in self.findings}))

    @property
    def signal_kinds(self) -> tuple[SignalKind, ...]:
        return tuple(sorted({signal.kind for signal in self.signals}))

    def to_json(self) -> dict[str, Any]:
        return {
            "labels": list(self.labels),
            "findings": [finding.to_json() for finding in self.findings],
            "signals": [signal.to_json() for signal in self.signals],
        }


CLEAN: Final = Inspection(findings=(), signals=())
