"""Which speech engine and checker call QA uses: configured, or swapped in by tests and the demo."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from django.conf import settings

from tactful.inspection.checker import TextChecker
from tactful.inspection.content_checker import shared_checker
from tactful.inspection.fake_speech import FakeSpeechEngine, scripted
from tactful.inspection.speech import SpeechEngine

_override: SpeechEngine | None = None


def speech_engine() -> SpeechEngine:
    """Return the engine of ASR_ENGINE, unless one was swapped in."""
    if _override is not None:
        return _override
    return _configured_engine(settings.ASR_ENGINE, settings.ASR_MODEL_DIR)


def use_speech_engine(engine: SpeechEngine | None) -> None:
    """Transcribe with `engine` (tests and the demo); None restores the configured one."""
    global _override
    _override = engine


def call_checker() -> TextChecker:
    """Return the checker for calls: the rules and the learned model, since a person
    reviews every finding (the gate, which blocks messages, uses the rules alone)."""
    return shared_checker(with_model=True)


@cache
def _configured_engine(kind: str, model_dir: str) -> SpeechEngine:
    if kind == "fake":
        return FakeSpeechEngine(default=scripted("（演示）这是一段示例通话。"))
    # Imported here: a slim web deployment without the speech extra still starts.
    from tactful.inspection.whisper import WhisperEngine

    return WhisperEngine(Path(model_dir) if model_dir else None)
