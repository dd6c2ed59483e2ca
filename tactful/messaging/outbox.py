"""The fake SMS gateway of the demo: it keeps messages in a table instead of sending them."""

from __future__ import annotations

from tactful.messaging.models import OutboxMessage
from tactful.messaging.ports import DeliveryResult, SmsMessage
from tactful.privacy.masking import mask_phone


class OutboxSmsSender:
    def send(self, message: SmsMessage) -> DeliveryResult:
        row = OutboxMessage.objects.create(
            to=mask_phone(message.to), body=message.body, purpose=message.purpose
        )
        return DeliveryResult(accepted=True, provider_id=f"outbox-{row.pk}")
