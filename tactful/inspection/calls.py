"""Inspect a call's transcript segment by segment: findings and signals with their times."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tactful.inspection.checker import TextChecker
from tactful.inspection.speech import Segment, Transcript
from tactful.inspection.types import Category, Finding, Inspection, Signal, SignalKind


@dataclass(frozen=True, slots=True)
class SegmentInspection:
    """One segment of the call and what the checker found in it."""

    index: int
    segment: Segment
    inspection: Inspection

    def to_json(self) -> dict[str, Any]:
        return {"index": self.index, **self.segment.to_json(), **self.inspection.to_json()}


@dataclass(frozen=True, slots=True)
class CallInspection:
    transcript: Transcript
    segments: tuple[SegmentInspection, ...]

    @property
    def labels(self) -> tuple[Category, ...]:
        return tuple(sorted({label for part in self.segments for label in part.inspection.labels}))

    @property
    def signal_kinds(self) -> tuple[SignalKind, ...]:
        kinds = {kind for part in self.segments for kind in part.inspection.signal_kinds}
        return tuple(sorted(kinds))

    def findings(self) -> list[tuple[SegmentInspection, Finding]]:
        return [(part, finding) for part in self.segments for finding in part.inspection.findings]

    def signals(self) -> list[tuple[SegmentInspection, Signal]]:
        return [(part, signal) for part in self.segments for signal in part.inspection.signals]

    def to_json(self) -> dict[str, Any]:
        return {
            "transcript": self.transcript.text,
            "duration_seconds": round(self.transcript.duration_seconds, 2),
            "engine": self.transcript.engine,
            "coverage": self.transcript.coverage.to_json(),
            "labels": list(self.labels),
            "signal_kinds": list(self.signal_kinds),
            "segments": [part.to_json() for part in self.segments],
        }


def inspect_call(
    transcript: Transcript, checker: TextChecker, *, recipient_role: str = "debtor"
) -> CallInspection:
    """Run `checker` on every segment of `transcript`, keeping each segment's times."""
    parts = tuple(
        SegmentInspection(index, segment, checker.inspect(segment.text, recipient_role))
        for index, segment in enumerate(transcript.segments)
    )
    return CallInspection(transcript, parts)
