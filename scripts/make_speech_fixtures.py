"""Synthesise the Mandarin speech fixtures of the speech tests with espeak-ng.

    apt-get install -y espeak-ng sox     # Debian 12: espeak-ng 1.51, sox 14.4
    .venv/bin/python scripts/make_speech_fixtures.py

Reads `call.tsv` and `phrases.tsv` in tactful/inspection/tests/data/speech/ and writes beside
them, as 16 kHz mono 16-bit FLAC (lossless; half the size of WAV):
- `collection_call.flac`: the twelve lines of `call.tsv` one after another, collector and
  borrower at different pitches, with a pause between lines; `collection_call.timing.tsv`
  says when each line starts and ends;
- `phrase_NN.flac`: one file per collection phrase of `phrases.tsv`.

The voice is `cmn-latn-pinyin` (the plain `cmn` voice of Debian's espeak-ng reads Mandarin in
English). It reads 还 as hái everywhere, so a line whose reading differs gives espeak the
`spoken` column: the same sentence with pinyin and tone digits where the characters mislead.
"""

from __future__ import annotations

import csv
import subprocess
import tempfile
import wave
from pathlib import Path

FOLDER = Path(__file__).resolve().parents[1] / "tactful/inspection/tests/data/speech"
RATE = 16_000
VOICE = "cmn-latn-pinyin"
WORDS_PER_MINUTE = 140  # slower than espeak's default of 175, which whisper reads worse
PITCH = {"collector": 60, "borrower": 35}
PAUSE_SECONDS = 0.8  # longer than the 0.5 s of silence at which voice detection cuts
LEAD_SECONDS = 0.5


def main() -> None:
    lines = _rows(FOLDER / "call.tsv")
    _write_call(lines)
    phrases = _rows(FOLDER / "phrases.tsv")
    for row in phrases:
        silence = _silence(0.3)
        _write(FOLDER / f"{row['id']}.flac", silence + _speak(row, PITCH["collector"]) + silence)
    print(f"wrote collection_call.flac ({len(lines)} lines) and {len(phrases)} phrases")


def _write_call(lines: list[dict[str, str]]) -> None:
    audio = _silence(LEAD_SECONDS)
    timing = []
    for row in lines:
        start = len(audio) / 2 / RATE
        audio += _speak(row, PITCH[row["speaker"]])
        timing.append((start, len(audio) / 2 / RATE, row["speaker"], row["text"]))
        audio += _silence(PAUSE_SECONDS)
    _write(FOLDER / "collection_call.flac", audio)
    with (FOLDER / "collection_call.timing.tsv").open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, delimiter="\t", lineterminator="\n")
        writer.writerow(("start", "end", "speaker", "text"))
        for start, end, speaker, text in timing:
            writer.writerow((f"{start:.2f}", f"{end:.2f}", speaker, text))


def _speak(row: dict[str, str], pitch: int) -> bytes:
    """Return the sentence as 16 kHz mono 16-bit samples, without the WAV header."""
    with tempfile.TemporaryDirectory() as folder:
        raw, resampled = Path(folder) / "raw.wav", Path(folder) / "out.wav"
        text = row["spoken"] or row["text"]
        subprocess.run(
            ["espeak-ng", "-v", VOICE, "-s", str(WORDS_PER_MINUTE), "-p", str(pitch)]
            + ["-w", str(raw), text],
            check=True,
        )
        subprocess.run(
            ["sox", str(raw), "-r", str(RATE), "-c", "1", "-b", "16", str(resampled), "gain", "-3"],
            check=True,
        )
        with wave.open(str(resampled), "rb") as sound:
            return sound.readframes(sound.getnframes())


def _silence(seconds: float) -> bytes:
    return b"\x00\x00" * round(seconds * RATE)


def _write(path: Path, samples: bytes) -> None:
    """Write 16 kHz mono 16-bit samples to `path` in the format its suffix names."""
    with tempfile.TemporaryDirectory() as folder:
        plain = Path(folder) / "plain.wav"
        with wave.open(str(plain), "wb") as sound:
            sound.setnchannels(1)
            sound.setsampwidth(2)
            sound.setframerate(RATE)
            sound.writeframes(samples)
        subprocess.run(["sox", str(plain), str(path)], check=True)


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as source:
        return list(csv.DictReader(source, delimiter="\t"))


if __name__ == "__main__":
    main()
