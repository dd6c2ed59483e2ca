"""Read a call chunk by chunk of detected speech, and read again what came back too short.

An engine that can read any stretch of a recording (`Reader`) and knows where the speech is
(voice-activity spans) gets here a transcript that does not silently drop speech:

1. the spans are merged into chunks of at most `chunk_seconds`, each read alone;
2. a chunk is judged on its own: too few characters for its speech, or a span of speech that
   no segment of text overlaps, means the engine skipped something;
3. such a chunk is read again, one span at a time (a short stretch is much harder to skip),
   with the engine's second-try settings;
4. the spans that still give too little text, in neither reading, stay flagged on the chunk.

Nothing here knows the engine, so the judging is tested without a model.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from tactful.inspection.speech import (
    MIN_SILENT_SPEECH_SECONDS,
    Chunk,
    Segment,
    Span,
    characters_in,
    heard_too_little,
)


class Reader(Protocol):
    """Read the recording from `start` to `end` seconds; segment times are the recording's.

    `again` asks for the second-try settings: the first reading came back too short.
    """

    def __call__(self, start: float, end: float, *, again: bool) -> list[Segment]: ...


def read_in_chunks(
    spans: Sequence[Span], read: Reader, *, chunk_seconds: float
) -> tuple[list[Segment], list[Chunk]]:
    """Return the segments and the judged chunks of the speech in `spans`."""
    segments: list[Segment] = []
    chunks: list[Chunk] = []
    for group in merged(spans, chunk_seconds):
        found, chunk = _read_chunk(group, read)
        segments.extend(found)
        chunks.append(chunk)
    return segments, chunks


def merged(spans: Sequence[Span], limit: float) -> list[list[Span]]:
    """Group consecutive spans into chunks no longer than `limit` (unless one span is)."""
    groups: list[list[Span]] = []
    for span in spans:
        if groups and span[1] - groups[-1][0][0] <= limit:
            groups[-1].append(span)
        else:
            groups.append([span])
    return groups


def skipped(group: Sequence[Span], segments: Sequence[Segment]) -> bool:
    """Return True when reading `group` gave too little text for its speech."""
    speech = sum(end - start for start, end in group)
    if heard_too_little(speech, characters_in(segments)):
        return True
    return any(_silent(span, segments) for span in group)


def _read_chunk(group: list[Span], read: Reader) -> tuple[list[Segment], Chunk]:
    start, end = group[0][0], group[-1][1]
    speech = sum(span_end - span_start for span_start, span_end in group)
    first = read(start, end, again=False)
    if not skipped(group, first):
        return first, Chunk(start, end, speech, characters_in(first))
    pieces = [(span, read(*span, again=True)) for span in group]
    again = [segment for _, found in pieces for segment in found]
    # Keep the fuller reading; a span is lost only when neither reading heard it.
    kept = again if characters_in(again) >= characters_in(first) else first
    unheard = tuple(
        span
        for span, found in pieces
        if heard_too_little(span[1] - span[0], characters_in(found)) and _silent(span, first)
    )
    if not unheard and heard_too_little(speech, characters_in(kept)):
        unheard = ((start, end),)
    return kept, Chunk(start, end, speech, characters_in(kept), reread=True, unheard=unheard)


def _silent(span: Span, segments: Sequence[Segment]) -> bool:
    """Return True for a span of real speech that no segment of text overlaps."""
    if span[1] - span[0] < MIN_SILENT_SPEECH_SECONDS:
        return False
    return not any(segment.start < span[1] and segment.end > span[0] for segment in segments)
