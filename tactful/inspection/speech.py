"""The speech-to-text port: one method, `transcribe(path) -> Transcript`.

Engines: `whisper.WhisperEngine` (faster-whisper, the `speech` extra) and
`fake_speech.FakeSpeechEngine` for tests and the demo.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

# Mandarin speakers produce 3 to 5 characters a second. Well under that means the engine
# skipped speech (whisper can drop whole utterances on long calls).
MIN_CHARACTERS_PER_SPEECH_SECOND = 1.5
# Below this much speech the ratio says nothing.
MIN_SPEECH_SECONDS_TO_JUDGE = 3.0


class SpeechError(Exception):
    """A recording could not be transcribed (unreadable file, engine missing)."""


@dataclass(frozen=True, slots=True)
class Segment:
    """What was said between `start` and `end` seconds from the start of the recording."""

    start: float
    end: float
    text: str

    def to_json(self) -> dict[str, Any]:
        return {"start": round(self.start, 2), "end": round(self.end, 2), "text": self.text}


@dataclass(frozen=True, slots=True)
class Chunk:
    """A stretch of speech that voice-activity detection cut and the engine read alone."""

    start: float
    end: float
    speech_seconds: float
    characters: int


@dataclass(frozen=True, slots=True)
class Coverage:
    """Whether the transcript is plausibly long for the speech the recording holds."""

    speech_seconds: float
    characters: int
    empty_chunks: int

    @property
    def characters_per_speech_second(self) -> float:
        return self.characters / self.speech_seconds if self.speech_seconds else 0.0

    @property
    def low(self) -> bool:
        """Return True when speech was probably skipped: the transcript needs a listen."""
        if self.speech_seconds < MIN_SPEECH_SECONDS_TO_JUDGE:
            return False
        too_short = self.characters_per_speech_second < MIN_CHARACTERS_PER_SPEECH_SECOND
        return too_short or self.empty_chunks > 0

    def to_json(self) -> dict[str, Any]:
        return {
            "speech_seconds": round(self.speech_seconds, 2),
            "characters": self.characters,
            "characters_per_speech_second": round(self.characters_per_speech_second, 2),
            "empty_chunks": self.empty_chunks,
            "low": self.low,
        }


@dataclass(frozen=True, slots=True)
class Transcript:
    """The engine's reading of a recording, in simplified Chinese, cut into timed segments."""

    segments: tuple[Segment, ...]
    duration_seconds: float
    engine: str
    language: str = "zh"
    chunks: tuple[Chunk, ...] = ()

    @property
    def text(self) -> str:
        return "".join(segment.text for segment in self.segments)

    @property
    def coverage(self) -> Coverage:
        speech = sum(chunk.speech_seconds for chunk in self.chunks) or sum(
            segment.end - segment.start for segment in self.segments
        )
        empty = sum(
            1 for chunk in self.chunks if chunk.characters == 0 and chunk.speech_seconds >= 2
        )
        return Coverage(speech, len(_spoken(self.text)), empty)


class SpeechEngine(Protocol):
    """Turn a recording into a transcript."""

    def transcribe(self, path: Path) -> Transcript:
        """Return the transcript of the audio file at `path`; raise SpeechError if unreadable."""
        ...


def _silent(chunk: Chunk) -> bool:
    """Return True for a chunk with two seconds of speech or more and no text at all."""
    return chunk.characters == 0 and chunk.speech_seconds >= 2


def _spoken(text: str) -> str:
    return "".join(character for character in text if character.isalnum())
