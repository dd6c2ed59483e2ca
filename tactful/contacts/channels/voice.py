"""The voice port: one method, so any dialer (or a fake) can stand behind it.

A call is placed only under a permit (`tactful.contacts.services.place_call_with_permit`),
and the request carries the permit's verification code for the call's opening words.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from django.core.exceptions import ImproperlyConfigured


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


_dialer: VoiceDialer | None = None


def voice_dialer() -> VoiceDialer:
    """Return the dialer in use; there is no default, so no call goes nowhere silently."""
    if _dialer is None:
        raise ImproperlyConfigured("no voice dialer is configured")
    return _dialer


def use_voice_dialer(dialer: VoiceDialer | None) -> None:
    """Route calls to `dialer` (an integration, tests, the demo); None removes it."""
    global _dialer
    _dialer = dialer
