"""The SMS port: one method, so any gateway (or a fake) can stand behind it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class SmsMessage:
    to: str
    body: str
    purpose: str


@dataclass(frozen=True)
class DeliveryResult:
    accepted: bool
    provider_id: str = ""
    permanent_failure: bool = False


class SmsSender(Protocol):
    def send(self, message: SmsMessage) -> DeliveryResult: ...
