"""Re-encrypt every stored personal value under the current PII key (the first in PII_KEYS).

Covers the borrowers' encrypted columns (name, national ID, address), their numbers, the
emergency contacts' numbers and names, and correction requests. Rows already under the
current key are left alone, so an interrupted run can simply be run again. Blind indexes
are untouched: their keys rotate on their own (`index_rotation`, PII_INDEX_KEYS).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import models, transaction
from django.db.models.functions import Cast

from tactful.borrowers.models import Borrower, PhoneNumber
from tactful.consent.models import EmergencyContact, RightsRequest
from tactful.privacy.crypto import decrypt, encrypt, is_encrypted, key_id_of, keyring
from tactful.privacy.fields import EncryptedTextField

BATCH_SIZE = 500


@dataclass(frozen=True)
class RotationReport:
    """How many rows of each kind were rewritten under the current key, which is `key_id`."""

    key_id: str
    rewritten: dict[str, int]


def rotate_pii_keys(*, batch_size: int = BATCH_SIZE) -> RotationReport:
    """Rewrite every value that is not encrypted under the current key; return the counts."""
    current = keyring().current
    return RotationReport(
        key_id=current,
        rewritten={
            "borrowers": _rewrite(Borrower, encrypted_columns(Borrower), current, batch_size),
            "phone_numbers": _rewrite(
                PhoneNumber, encrypted_columns(PhoneNumber), current, batch_size
            ),
            "emergency_contacts": _rewrite_emergency_contacts(current),
            "rights_requests": _rewrite_rights_requests(current),
        },
    )


def encrypted_columns(model: type[models.Model]) -> tuple[str, ...]:
    """Return the model's encrypted columns: a field added later is rotated without a change."""
    return tuple(
        field.name for field in model._meta.concrete_fields if isinstance(field, EncryptedTextField)
    )


def _stale(tokens: Iterable[str | None], current: str) -> bool:
    # A value still in plaintext (written before encryption) is stale too.
    return any(
        token and (not is_encrypted(token) or key_id_of(token) != current) for token in tokens
    )


def _rewrite(
    model: type[models.Model], columns: tuple[str, ...], current: str, batch_size: int
) -> int:
    # Cast reads the stored text as it is, skipping the field's decryption.
    raw = {f"raw_{column}": Cast(column, output_field=models.TextField()) for column in columns}
    stale = [
        row["pk"]
        for row in model._default_manager.annotate(**raw).values("pk", *raw).iterator()
        if _stale((row[name] for name in raw), current)
    ]
    for start in range(0, len(stale), batch_size):
        with transaction.atomic():
            for instance in model._default_manager.filter(pk__in=stale[start : start + batch_size]):
                # Saving through the encrypted fields encrypts under the current key.
                instance.save(update_fields=list(columns))
    return len(stale)


def _rewrite_emergency_contacts(current: str) -> int:
    count = 0
    for contact in EmergencyContact.objects.iterator():
        if not _stale((contact.phone_encrypted, contact.name_encrypted), current):
            continue
        with transaction.atomic():
            EmergencyContact.objects.filter(pk=contact.pk).update(
                phone_encrypted=_reencrypted(contact.phone_encrypted),
                name_encrypted=_reencrypted(contact.name_encrypted),
            )
        count += 1
    return count


def _rewrite_rights_requests(current: str) -> int:
    count = 0
    for request in RightsRequest.objects.iterator():
        if not _stale((request.value_encrypted, request.note_encrypted), current):
            continue
        # A queryset update: the rows are append-only, only their ciphertext changes.
        RightsRequest.objects.filter(pk=request.pk).update(
            value_encrypted=_reencrypted(request.value_encrypted),
            note_encrypted=_reencrypted(request.note_encrypted),
        )
        count += 1
    return count


def _reencrypted(token: str) -> str:
    if not token:
        return token
    return encrypt(decrypt(token) if is_encrypted(token) else token)
