"""The voice port: one method, so any dialer (or a fake) can stand behind it.

A call is placed only under a permit (`tactful.contacts.services.place_call_with_permit`),
and the request carries the permit's verification code for the call's opening words.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class CallRequest:
    to: str
    verification_code: str
    purpose: str
    language: str


@dataclass(frozen=True)
class CallResult:
    placed: bool
    provider_id: str = ""
    permanent_failure: bool = False


class VoiceDialer(Protocol):
    def place_call(self, request: CallRequest) -> CallResult: ...


class InMemoryVoiceDialer:
    """A dialer that only remembers the calls it was asked to place (tests, the demo)."""

    def __init__(self) -> None:
        self.placed: list[CallRequest] = []

    def place_call(self, request: CallRequest) -> CallResult:
        self.placed.append(request)
        return CallResult(placed=True, provider_id=f"memory-{len(self.placed)}")


# VOICE_BACKEND names one of these. An integration with a real dialer adds its class here.
_BACKENDS = {"outbox": "tactful.contacts.channels.outbox.OutboxVoiceDialer"}
_dialer: VoiceDialer | None = None


def voice_dialer() -> VoiceDialer:
    """Return the dialer in use: one set by `use_voice_dialer`, else the configured backend."""
    if _dialer is not None:
        return _dialer
    backend: type[VoiceDialer] = import_string(_BACKENDS[settings.VOICE_BACKEND])
    return backend()


def use_voice_dialer(dialer: VoiceDialer | None) -> None:
    """Route calls to `dialer` (tests); None restores the configured backend."""
    global _dialer
    _dialer = dialer
