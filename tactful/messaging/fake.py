"""In-memory SMS gateway for unit tests."""

from __future__ import annotations

from tactful.messaging.ports import DeliveryResult, SmsMessage


class InMemorySmsSender:
    def __init__(self) -> None:
        self.sent: list[SmsMessage] = []

    def send(self, message: SmsMessage) -> DeliveryResult:
        self.sent.append(message)
        return DeliveryResult(accepted=True, provider_id=f"memory-{len(self.sent)}")
