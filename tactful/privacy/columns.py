"""Where personal data is kept encrypted or indexed: each app registers its own columns.

The key rotations (`tactful.privacy.services`) rewrite every registered column. Apps above
this one register theirs when Django starts (`AppConfig.ready`), so this app never
imports them; a model with an encrypted column that no app registered fails a test.

* `EncryptedModel`: a model whose `EncryptedTextField` columns are re-encrypted by saving
  the row (the field encrypts under the current key); a column added later is included.
* `SealedColumns`: plain text columns that hold ciphertext their app encrypted itself
  (`crypto.encrypt`), rewritten by a queryset update (append-only rows included).
* `IndexedValues`: a blind index kept beside the value it indexes, recomputed from it.
* `IndexOnlyRows`: rows that keep an index without its value (a refusal, an erased
  designation, a third party's request); `carry` moves them, or equivalents of them, to
  the current key where the number is still held elsewhere.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TypeVar

from django.db import models

from tactful.privacy.crypto import decrypt


@dataclass(frozen=True)
class EncryptedModel:
    name: str
    model: type[models.Model]


@dataclass(frozen=True)
class SealedColumns:
    name: str
    model: type[models.Model]
    fields: tuple[str, ...]


@dataclass(frozen=True)
class IndexedValues:
    """`sealed`: the value column is ciphertext in a plain text field (decrypted here), and
    empty once erased (such rows are skipped)."""

    name: str
    model: type[models.Model]
    value_field: str
    index_field: str
    kind: str
    sealed: bool = False

    def rows(self) -> models.QuerySet[models.Model]:
        rows = self.model._default_manager.only("pk", self.value_field, self.index_field)
        return rows.exclude(**{self.value_field: ""}) if self.sealed else rows

    def value_of(self, row: models.Model) -> str:
        value = str(getattr(row, self.value_field))
        return decrypt(value) if self.sealed else value


# Old index -> current index, for numbers still held; returns how many rows were carried.
Carry = Callable[[Mapping[str, str]], int]


@dataclass(frozen=True)
class IndexOnlyRows:
    name: str
    indexes: Callable[[], Iterable[str]]
    carry: Carry | None = None


Column = EncryptedModel | SealedColumns | IndexedValues | IndexOnlyRows


T = TypeVar("T", EncryptedModel, SealedColumns, IndexedValues, IndexOnlyRows)


@dataclass
class Registry:
    columns: list[Column] = field(default_factory=list)

    def of_kind(self, kind: type[T]) -> list[T]:
        return [column for column in self.columns if isinstance(column, kind)]


REGISTRY = Registry()


def register(*columns: Column) -> None:
    """Register where an app keeps personal data (once per kind and name: a re-run replaces)."""
    for column in columns:
        REGISTRY.columns = [
            kept
            for kept in REGISTRY.columns
            if (type(kept), kept.name) != (type(column), column.name)
        ]
        REGISTRY.columns.append(column)
