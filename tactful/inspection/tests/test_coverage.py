"""Call coverage without the model: each chunk is judged, a short one is read again span by
span, and speech lost in both readings is flagged.

The call is the synthesised collection call in data/speech (twelve lines, 68 s); a scripted
reader plays an engine that loses the last two lines, as whisper did on a real call.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tactful.inspection.chunking import merged, read_in_chunks, skipped
from tactful.inspection.speech import Chunk, Segment, Span, Transcript, heard_too_little

SPEECH = Path(__file__).parent / "data" / "speech"
CHUNK_SECONDS = 20.0
PAD = 0.2  # what the voice detector adds around each stretch of speech


@dataclass(frozen=True)
class Line:
    start: float
    end: float
    text: str


def call_lines() -> list[Line]:
    with (SPEECH / "collection_call.timing.tsv").open(encoding="utf-8", newline="") as source:
        rows = csv.DictReader(source, delimiter="\t")
        return [Line(float(row["start"]), float(row["end"]), row["text"]) for row in rows]


def spans_of(lines: list[Line]) -> list[Span]:
    return [(line.start - PAD, line.end + PAD) for line in lines]


@dataclass
class LosingReader:
    """Reads the lines it was given, except `lost` ones; on a second try it may hear them."""

    lines: list[Line]
    lost: set[int]
    heard_on_second_try: bool
    calls: list[tuple[float, float, bool]] = field(default_factory=list)

    def __call__(self, start: float, end: float, *, again: bool) -> list[Segment]:
        self.calls.append((start, end, again))
        deaf = self.lost if not (again and self.heard_on_second_try) else set()
        return [
            Segment(line.start, line.end, line.text)
            for index, line in enumerate(self.lines)
            if start <= line.start and line.end <= end and index not in deaf
        ]


def test_the_call_fixture_is_twelve_lines_in_about_a_minute():
    lines = call_lines()

    assert len(lines) == 12
    assert 55 < lines[-1].end < 75
    assert (SPEECH / "collection_call.flac").stat().st_size > 0


def test_a_chunk_that_lost_its_last_two_lines_is_read_again_and_recovered():
    lines = call_lines()
    reader = LosingReader(lines, lost={10, 11}, heard_on_second_try=True)

    segments, chunks = read_in_chunks(spans_of(lines), reader, chunk_seconds=CHUNK_SECONDS)
    transcript = Transcript(tuple(segments), 68.0, "scripted", chunks=tuple(chunks))

    last = chunks[-1]
    assert last.reread
    assert last.flagged == ()
    assert [chunk.reread for chunk in chunks[:-1]] == [False] * (len(chunks) - 1)
    # The second try reads every span of that chunk alone.
    again = [(start, end) for start, end, second in reader.calls if second]
    assert again == [span for span in spans_of(lines) if last.start <= span[0]]
    assert [segment.text for segment in segments] == [line.text for line in lines]
    assert transcript.coverage.reread == ((last.start, last.end),)
    assert not transcript.coverage.low


def test_lines_lost_again_on_the_second_reading_are_flagged_and_coverage_is_low():
    lines = call_lines()
    reader = LosingReader(lines, lost={10, 11}, heard_on_second_try=False)

    segments, chunks = read_in_chunks(spans_of(lines), reader, chunk_seconds=CHUNK_SECONDS)
    transcript = Transcript(tuple(segments), 68.0, "scripted", chunks=tuple(chunks))

    assert len(segments) == 10
    assert chunks[-1].reread
    assert chunks[-1].flagged == tuple(spans_of(lines)[10:])
    # The whole call still reads at a plausible rate: only the chunk shows what was lost.
    assert transcript.coverage.characters_per_speech_second > 1.5
    assert transcript.coverage.flagged == tuple(spans_of(lines)[10:])
    assert transcript.coverage.low
    assert transcript.coverage.to_json()["flagged"] == [
        [round(start, 2), round(end, 2)] for start, end in spans_of(lines)[10:]
    ]


def test_a_loop_over_the_lost_lines_does_not_pass_for_text():
    # What whisper really wrote for the call's last chunk: the last two lines became a loop.
    lines = call_lines()
    group = spans_of(lines)[9:]
    looped = [Segment(51.5, 67.6, "傲子，那我先犯罪地犯罪地犯罪地犯罪地犯罪地犯罪地犯罪地。")]
    heard = [Segment(line.start, line.end, line.text) for line in lines[9:]]

    assert skipped(group, looped)
    assert not skipped(group, heard)


def test_a_span_of_speech_that_no_segment_overlaps_marks_the_chunk_as_skipped():
    group = [(0.0, 4.0), (5.0, 9.0)]
    first_only = [Segment(0.0, 4.0, "您好，请问是王先生吗？我是小鹿金融的客服。")]

    assert skipped(group, first_only)


def test_a_reading_worse_than_the_first_keeps_the_first():
    lines = call_lines()[:3]

    def read(start: float, end: float, *, again: bool) -> list[Segment]:
        if again:
            return []
        return [Segment(lines[0].start, lines[0].end, lines[0].text)]

    segments, chunks = read_in_chunks(spans_of(lines), read, chunk_seconds=CHUNK_SECONDS)

    assert [segment.text for segment in segments] == [lines[0].text]
    assert chunks[0].flagged == tuple(spans_of(lines)[1:])


@pytest.mark.parametrize(
    ("speech_seconds", "characters", "too_little"),
    [
        (0.8, 0, False),  # a breath or a cough
        (1.5, 0, True),
        (2.5, 1, False),  # too short to judge a rate
        (10.0, 12, True),
        (10.0, 30, False),
    ],
)
def test_heard_too_little(speech_seconds, characters, too_little):
    assert heard_too_little(speech_seconds, characters) is too_little


def test_spans_merge_into_chunks_of_at_most_the_limit():
    spans = [(0.0, 5.0), (6.0, 12.0), (13.0, 19.0), (20.0, 24.0), (25.0, 60.0)]

    assert merged(spans, 20.0) == [
        [(0.0, 5.0), (6.0, 12.0), (13.0, 19.0)],
        [(20.0, 24.0)],
        [(25.0, 60.0)],
    ]


def test_a_chunk_that_was_not_read_again_is_flagged_whole_when_it_heard_too_little():
    assert Chunk(0, 10, 9.0, 2).flagged == ((0, 10),)
    assert Chunk(0, 10, 9.0, 2, reread=True, unheard=((6, 10),)).flagged == ((6, 10),)
    assert Chunk(0, 10, 9.0, 30).flagged == ()
