"""Re-encrypt every stored personal value under the current PII key (the first in PII_KEYS).

Covers every column an app registered (`tactful.privacy.columns`): models with encrypted
fields (re-saved), and sealed columns (rewritten in place). Rows already under the current
key are left alone, so an interrupted run can simply be run again. Blind indexes are
untouched: their keys rotate on their own (`index_rotation`, PII_INDEX_KEYS).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import models, transaction
from django.db.models.functions import Cast

from tactful.privacy.columns import REGISTRY, EncryptedModel, SealedColumns
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
    rewritten = {
        encrypted.name: _resave(encrypted.model, current, batch_size)
        for encrypted in REGISTRY.of_kind(EncryptedModel)
    }
    for sealed in REGISTRY.of_kind(SealedColumns):
        rewritten[sealed.name] = _rewrite_sealed(sealed, current)
    return RotationReport(key_id=current, rewritten=rewritten)


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


def _resave(model: type[models.Model], current: str, batch_size: int) -> int:
    columns = encrypted_columns(model)
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


def _rewrite_sealed(sealed: SealedColumns, current: str) -> int:
    count = 0
    manager = sealed.model._default_manager
    for row in manager.only("pk", *sealed.fields).iterator():
        values = {name: getattr(row, name) for name in sealed.fields}
        if not _stale(values.values(), current):
            continue
        # A queryset update: append-only rows keep everything but their ciphertext.
        with transaction.atomic():
            manager.filter(pk=row.pk).update(
                **{name: _reencrypted(value) for name, value in values.items()}
            )
        count += 1
    return count


def _reencrypted(token: str) -> str:
    if not token:
        return token
    return encrypt(decrypt(token) if is_encrypted(token) else token)
