"""Model fields that keep personal data encrypted in the database and findable by exact value.

`EncryptedTextField` stores ``pii1:<key id>:<base64>`` and gives plaintext back in Python.
Its ciphertext changes on every save (random nonce), so it cannot be filtered on: lookups
other than ``isnull`` are refused. `BlindIndexField` holds the HMAC of another field's
value, recomputed on every save, and is what exact look-ups filter on.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Self, overload

from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models.expressions import Expression

from tactful.privacy.crypto import INDEX_LENGTH, blind_index, decrypt, encrypt, is_encrypted

if TYPE_CHECKING:
    from django.db.models.fields import _FieldDescriptor

_ALLOWED_LOOKUPS = frozenset({"isnull"})


class EncryptedTextField(models.TextField):  # type: ignore[type-arg]
    """A text column stored encrypted under the current PII key; read back as plaintext."""

    if TYPE_CHECKING:
        # Tell mypy what reading the attribute on a model gives: the plaintext.
        @overload
        def __get__(self, instance: None, owner: Any) -> _FieldDescriptor[Self]: ...
        @overload
        def __get__(self, instance: models.Model, owner: Any) -> str: ...
        @overload
        def __get__(self, instance: Any, owner: Any) -> Self: ...
        def __get__(self, instance: Any, owner: Any) -> Any: ...

    def from_db_value(
        self, value: str | None, expression: Expression, connection: BaseDatabaseWrapper
    ) -> str | None:
        # Rows written before encryption (read by the data migration) are passed through.
        if value is None or not is_encrypted(value):
            return value
        return decrypt(value)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        return None if value is None else encrypt(str(value))

    def get_lookup(self, lookup_name: str) -> Any:
        # An encrypted value never equals another encryption of the same text: filter on
        # the blind index instead (a refused lookup raises FieldError naming it).
        if lookup_name not in _ALLOWED_LOOKUPS:
            return None
        return super().get_lookup(lookup_name)


class BlindIndexField(models.CharField):  # type: ignore[type-arg]
    """The keyed digest of the field `source`, of the kind `kind` (``phone``, ``national_id``)."""

    def __init__(self, *args: Any, source: str, kind: str, **kwargs: Any) -> None:
        self.source = source
        self.kind = kind
        kwargs.setdefault("max_length", INDEX_LENGTH)
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        kwargs["kind"] = self.kind
        if kwargs.get("max_length") == INDEX_LENGTH:
            del kwargs["max_length"]
        kwargs.pop("editable", None)
        return name, path, args, kwargs

    def pre_save(self, model_instance: models.Model, add: bool) -> str:
        # Every save indexes under the current key: a saved row is re-indexed as it goes.
        value = blind_index(self.kind, str(getattr(model_instance, self.source)))
        setattr(model_instance, self.attname, value)
        return value
