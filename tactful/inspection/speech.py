"""The speech-to-text port: one method, `transcribe(path) -> Transcript`.

Engines: `whisper.WhisperEngine` (faster-whisper, the `speech` extra) and
`fake_speech.FakeSpeechEngine` for tests and the demo.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

# Mandarin speakers produce 3 to 5 characters a second. Well under that means the engine
# skipped speech (whisper can drop whole utterances on long calls).
MIN_CHARACTERS_PER_SPEECH_SECOND = 1.5
# Below this much speech the ratio says nothing.
MIN_SPEECH_SECONDS_TO_JUDGE = 3.0
# A stretch of detected speech this long that gave no text at all was not heard.
MIN_SILENT_SPEECH_SECONDS = 1.0

# One to eight characters said three times or more in a row.
_REPEATED = re.compile(r"(.{1,8}?)\1{2,}")

Span = tuple[float, float]
"""From and to, in seconds from the start of the recording."""


def heard_too_little(speech_seconds: float, characters: int) -> bool:
    """Return True when `characters` of text are implausibly few for that much speech."""
    if characters == 0:
        return speech_seconds >= MIN_SILENT_SPEECH_SECONDS
    if speech_seconds < MIN_SPEECH_SECONDS_TO_JUDGE:
        return False
    return characters / speech_seconds < MIN_CHARACTERS_PER_SPEECH_SECOND


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
    """A stretch of speech that voice-activity detection cut and the engine read alone.

    A chunk heard too little is read again (`reread`); `unheard` holds the stretches of its
    speech that gave too little text even then.
    """

    start: float
    end: float
    speech_seconds: float
    characters: int
    reread: bool = False
    unheard: tuple[Span, ...] = ()

    @property
    def flagged(self) -> tuple[Span, ...]:
        """Return the stretches someone should listen to: speech the transcript lacks."""
        if self.reread:
            return self.unheard
        if heard_too_little(self.speech_seconds, self.characters):
            return ((self.start, self.end),)
        return ()

    def to_json(self) -> dict[str, Any]:
        return {
            "start": round(self.start, 2),
            "end": round(self.end, 2),
            "speech_seconds": round(self.speech_seconds, 2),
            "characters": self.characters,
            "reread": self.reread,
            "flagged": [_rounded(span) for span in self.flagged],
        }


@dataclass(frozen=True, slots=True)
class Coverage:
    """Whether the transcript is plausibly long for the speech the recording holds.

    Judged for the whole call and for each chunk: a call of normal length may still have
    lost its last utterances, which only the chunk that held them shows.
    """

    speech_seconds: float
    characters: int
    reread: tuple[Span, ...] = ()
    flagged: tuple[Span, ...] = ()

    @property
    def characters_per_speech_second(self) -> float:
        return self.characters / self.speech_seconds if self.speech_seconds else 0.0

    @property
    def low(self) -> bool:
        """Return True when speech was probably skipped: the transcript needs a listen."""
        too_short = self.speech_seconds >= MIN_SPEECH_SECONDS_TO_JUDGE and (
            self.characters_per_speech_second < MIN_CHARACTERS_PER_SPEECH_SECOND
        )
        return too_short or bool(self.flagged)

    def to_json(self) -> dict[str, Any]:
        return {
            "speech_seconds": round(self.speech_seconds, 2),
            "characters": self.characters,
            "characters_per_speech_second": round(self.characters_per_speech_second, 2),
            "reread": [_rounded(span) for span in self.reread],
            "flagged": [_rounded(span) for span in self.flagged],
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
        return Coverage(
            speech,
            characters_in(self.segments),
            reread=tuple((chunk.start, chunk.end) for chunk in self.chunks if chunk.reread),
            flagged=tuple(span for chunk in self.chunks for span in chunk.flagged),
        )


class SpeechEngine(Protocol):
    """Turn a recording into a transcript."""

    def transcribe(self, path: Path) -> Transcript:
        """Return the transcript of the audio file at `path`; raise SpeechError if unreadable."""
        ...


def characters_in(segments: Iterable[Segment]) -> int:
    """Return how many letters and digits `segments` hold, each run of a repeated piece once.

    Punctuation is not speech. A piece said three times or more in a row (犯罪地犯罪地犯罪地)
    is how whisper fills audio it lost track of, so it counts once: otherwise the loop would
    make a call that lost its last utterances look long enough.
    """
    return sum(len(_once(_spoken(segment.text))) for segment in segments)


def _rounded(span: Span) -> list[float]:
    return [round(span[0], 2), round(span[1], 2)]


def _once(text: str) -> str:
    return _REPEATED.sub(r"\1", text)


def _spoken(text: str) -> str:
    return "".join(character for character in text if character.isalnum())
