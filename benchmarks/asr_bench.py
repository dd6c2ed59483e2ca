"""Character error rate of the speech engine with and without the collection vocabulary.

Run from the repository root (needs the `speech` extra; AISHELL clips from ../shared/data)::

    .venv/bin/python benchmarks/asr_bench.py
    .venv/bin/python benchmarks/asr_bench.py --settings plain hotwords

For each setting of the engine it prints, per set of clips:
- the character error rate (simplified characters, no punctuation, digits as characters);
- how many of the collection words said in the set the transcripts hold, and how many they
  hold that were not said (whisper may recite its prompt);
- the real-time factor (transcription time / audio time, model loaded).

Settings: `plain`, the engine's default prompt 以下是普通话的句子。; `list`, a prompt that
lists the collection words; `hotwords`, the plain prompt with the words as faster-whisper's
`hotwords`; `list+hotwords`; `sentences`, the words in the sentences of a call
(`VOCABULARY_PROMPT`).

Sets: the 24 synthesised collection phrases in tactful/inspection/tests/data/speech
(espeak-ng, robotic: a weak figure, see the README there) and the 3 real AISHELL-1 clips, which
check that the vocabulary does not hurt general speech.
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tactful.inspection.transcripts import character_error_rate, comparable  # noqa: E402
from tactful.inspection.whisper import (  # noqa: E402
    COLLECTION_WORDS,
    PROMPT,
    VOCABULARY_PROMPT,
    WhisperEngine,
    WhisperSettings,
)

REPOSITORY = Path(__file__).resolve().parents[1]
PHRASES = REPOSITORY / "tactful" / "inspection" / "tests" / "data" / "speech"
AISHELL = REPOSITORY.parent / "shared" / "data" / "asr_zh" / "aishell1"
WORD_LIST_PROMPT = f"以下是普通话的句子，关于{'、'.join(COLLECTION_WORDS)}。"
HOTWORDS = " ".join(COLLECTION_WORDS)
SETTINGS = {
    "plain": WhisperSettings(prompt=PROMPT),
    "list": WhisperSettings(prompt=WORD_LIST_PROMPT),
    "hotwords": WhisperSettings(prompt=PROMPT, hotwords=HOTWORDS),
    "list+hotwords": WhisperSettings(prompt=WORD_LIST_PROMPT, hotwords=HOTWORDS),
    "sentences": WhisperSettings(prompt=VOCABULARY_PROMPT),
}


@dataclass(frozen=True)
class Figures:
    errors: float
    characters: int
    words_said: int
    words_heard: int
    words_invented: int
    audio_seconds: float
    seconds: float

    @property
    def cer(self) -> float:
        return self.errors / self.characters

    @property
    def rtf(self) -> float:
        return self.seconds / self.audio_seconds


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--settings", nargs="+", choices=sorted(SETTINGS), default=list(SETTINGS))
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--verbose", action="store_true", help="print every transcript")
    args = parser.parse_args(argv)
    sets = {"collection phrases (espeak)": _clips(PHRASES / "phrases.tsv", PHRASES, ".flac")}
    if AISHELL.exists():
        sets["AISHELL-1 (real speech)"] = _clips(AISHELL / "transcripts.tsv", AISHELL, ".wav")
    else:
        print(f"{AISHELL} not found: collection phrases only")
    print(f"{'setting':<13} {'set':<28} {'CER':>6} {'words heard':>12} {'invented':>9} {'RTF':>5}")
    for name in args.settings:
        engine = WhisperEngine(settings=replace(SETTINGS[name], threads=args.threads))
        engine.transcribe(next(iter(sets.values()))[0][0])  # load the model first
        for title, clips in sets.items():
            figures = _measure(engine, clips, verbose=args.verbose)
            heard = f"{figures.words_heard}/{figures.words_said}"
            print(
                f"{name:<13} {title:<28} {figures.cer:>6.1%} {heard:>12}"
                f" {figures.words_invented:>9} {figures.rtf:>5.2f}"
            )
    return 0


def _clips(table: Path, folder: Path, suffix: str) -> list[tuple[Path, str]]:
    with table.open(encoding="utf-8", newline="") as source:
        rows = list(csv.reader(source, delimiter="\t"))
    if rows and rows[0][0] == "id":
        rows = rows[1:]
    return [(folder / f"{row[0]}{suffix}", row[1]) for row in rows if row]


def _measure(engine: WhisperEngine, clips: list[tuple[Path, str]], *, verbose: bool) -> Figures:
    errors = audio = seconds = 0.0
    characters = said = heard = invented = 0
    for path, reference in clips:
        started = time.perf_counter()
        transcript = engine.transcribe(path)
        seconds += time.perf_counter() - started
        audio += transcript.duration_seconds
        errors += character_error_rate(reference, transcript.text) * len(comparable(reference))
        characters += len(comparable(reference))
        words = [word for word in COLLECTION_WORDS if word in reference]
        said += len(words)
        heard += sum(1 for word in words if word in comparable(transcript.text))
        invented += sum(
            1
            for word in COLLECTION_WORDS
            if word in comparable(transcript.text) and word not in reference
        )
        if verbose:
            print(f"  {reference} → {transcript.text}")
    return Figures(errors, characters, said, heard, invented, audio, seconds)


if __name__ == "__main__":
    raise SystemExit(main())
