"""An in-memory speech engine: transcripts chosen in advance, for tests and the demo."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from tactful.inspection.speech import Segment, SpeechError, Transcript


class FakeSpeechEngine:
    """Return the transcript given for a file's name, or the default one."""

    def __init__(
        self,
        transcripts: Mapping[str, Transcript] | None = None,
        default: Transcript | None = None,
    ) -> None:
        self._transcripts = dict(transcripts or {})
        self._default = default
        self.heard: list[Path] = []

    def transcribe(self, path: Path) -> Transcript:
        self.heard.append(path)
        found = self._transcripts.get(path.name, self._default)
        if found is None:
            raise SpeechError(f"the fake engine has no transcript for {path.name}")
        return found


def scripted(*lines: str, seconds_per_line: float = 4.0) -> Transcript:
    """Return a transcript that says `lines` one after another, `seconds_per_line` each."""
    segments = tuple(
        Segment(index * seconds_per_line, (index + 1) * seconds_per_line, line)
        for index, line in enumerate(lines)
    )
    return Transcript(segments, len(lines) * seconds_per_line, engine="fake")
