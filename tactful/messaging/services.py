"""Send messages after the surrounding transaction commits."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction

from tactful.messaging.outbox import OutboxSmsSender
from tactful.messaging.ports import SmsMessage, SmsSender

_SENDERS: dict[str, type[SmsSender]] = {"outbox": OutboxSmsSender}
_override: SmsSender | None = None


def sms_sender() -> SmsSender:
    return _override or _SENDERS[settings.SMS_BACKEND]()


def use_sms_sender(sender: SmsSender | None) -> None:
    """Route messages to `sender` (tests and the demo); None restores the configured one."""
    global _override
    _override = sender


def send_sms_on_commit(message: SmsMessage) -> None:
    """Send once the caller's transaction is committed, so a rollback sends nothing."""
    transaction.on_commit(lambda: sms_sender().send(message))
