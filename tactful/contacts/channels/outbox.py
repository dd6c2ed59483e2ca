"""The demo's fake dialer: it keeps the calls it was asked to place in a table.

Like the SMS outbox, it stands where a real dialer would: a collector's "Call" button
places the call through the voice port, under a permit, and the call appears here with
the number masked and the permit's verification code.
"""

from __future__ import annotations

from tactful.contacts.channels.voice import CallRequest, CallResult
from tactful.contacts.models import OutboxCall
from tactful.privacy.masking import mask_phone


class OutboxVoiceDialer:
    def place_call(self, request: CallRequest) -> CallResult:
        row = OutboxCall.objects.create(
            to=mask_phone(request.to),
            verification_code=request.verification_code,
            purpose=request.purpose,
            language=request.language,
        )
        return CallResult(placed=True, provider_id=f"outbox-call-{row.pk}")
