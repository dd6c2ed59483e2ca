"""Re-key the blind indexes under the current index key (the first in PII_INDEX_KEYS).

Two kinds of rows hold an index (docs/adr/0011-rotating-the-blind-index-key.md), each
registered by the app that keeps it (`tactful.privacy.columns`):

* rows that hold the value too (borrowers' national IDs and numbers, emergency contacts
  with a number): their index is recomputed from the decrypted value, in place;
* rows that hold only the index (refusals, third parties' rights requests, designations
  whose number was erased): the value is gone, so the index cannot be recomputed. Where
  the number is still held elsewhere its new index is known, and is carried over: an
  erased designation takes it in place; a refusal, append-only, gets an equivalent row
  under the current key next to the original. Requests are records only: they keep theirs.

Look-ups try every key in the ring, so nothing is missed before, during or after a run.
The report says, per previous key, how many index-only rows still depend on it: a key
with no refusal depending on it can be removed without any refusal going unenforced.
Rows already under the current key are left alone: a second run changes nothing.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from django.db import IntegrityError, models, transaction

from tactful.audit.services import record_event
from tactful.privacy.columns import REGISTRY, IndexedValues, IndexOnlyRows
from tactful.privacy.crypto import blind_index, blind_indexes, index_key_id, keyring

BATCH_SIZE = 500
UNTAGGED = "untagged"
ACTOR = "rotate_pii_index_key"

# What a caller hears after each batch: the kind of row, how many were looked at, of how many.
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class IndexRotationReport:
    """What one run did, and which previous keys index-only rows still depend on.

    `depending` maps each previous key in the ring (``untagged``: PII_INDEX_KEY) to the
    index-only rows still under it that have no equivalent under the current key, by kind;
    `unconfigured` counts, the same way, index-only rows under keys no longer in the ring.
    """

    key_id: str
    reindexed: dict[str, int]
    carried_over: dict[str, int]
    conflicts: dict[str, list[int]]
    depending: dict[str, dict[str, int]]
    unconfigured: dict[str, dict[str, int]] = field(default_factory=dict)


class _Translations:
    """Old index -> current index, for index-only rows whose number is still held somewhere."""

    def __init__(self, wanted: set[str]) -> None:
        self.wanted = wanted
        self.found: dict[str, str] = {}

    def see(self, kind: str, value: str, current: str) -> None:
        if not self.wanted:
            return
        for candidate in blind_indexes(kind, value):
            if candidate in self.wanted:
                self.found[candidate] = current


def rotate_pii_index_key(
    *, batch_size: int = BATCH_SIZE, progress: Progress | None = None
) -> IndexRotationReport:
    """Re-index every row under the current index key and carry index-only rows over."""
    current = keyring().current_index_key.key_id
    translations = _Translations(_stale_index_only(current))
    conflicts: dict[str, list[int]] = {}
    reindexed = {
        indexed.name: _reindex(indexed, batch_size, progress, translations, conflicts)
        for indexed in REGISTRY.of_kind(IndexedValues)
    }
    carried_over = {
        rows.name: rows.carry(translations.found)
        for rows in REGISTRY.of_kind(IndexOnlyRows)
        if rows.carry is not None
    }
    depending, unconfigured = _dependencies(current, translations.found)
    report = IndexRotationReport(
        key_id=current or UNTAGGED,
        reindexed=reindexed,
        carried_over=carried_over,
        conflicts=conflicts,
        depending=depending,
        unconfigured=unconfigured,
    )
    _audit(report)
    return report


# --- rows that hold the value ---------------------------------------------------------------


def _reindex(
    indexed: IndexedValues,
    batch_size: int,
    progress: Progress | None,
    translations: _Translations,
    conflicts: dict[str, list[int]],
) -> int:
    total = indexed.rows().count()
    seen = rewritten = 0
    for batch in _batches(indexed.rows(), batch_size):
        with transaction.atomic():
            for row in batch:
                stored = getattr(row, indexed.index_field)
                value = indexed.value_of(row)
                current = blind_index(indexed.kind, value)
                translations.see(indexed.kind, value, current)
                if stored == current:
                    continue
                if _rewritten(indexed, row, stored, current):
                    rewritten += 1
                else:
                    conflicts.setdefault(indexed.name, []).append(row.pk)
        seen += len(batch)
        if progress is not None:
            progress(indexed.name, seen, total)
    return rewritten


def _batches(rows: models.QuerySet[models.Model], size: int) -> Iterator[list[models.Model]]:
    # Keyset pages: rows added or changed while the run goes on cannot shift a page.
    last = 0
    while batch := list(rows.filter(pk__gt=last).order_by("pk")[:size]):
        yield batch
        last = batch[-1].pk


def _rewritten(indexed: IndexedValues, row: models.Model, stored: str, current: str) -> bool:
    """Store `current` unless the row changed meanwhile; False when another row holds it."""
    rows = type(row)._default_manager.filter(pk=row.pk, **{indexed.index_field: stored})
    try:
        # A savepoint, so one duplicate does not undo the rest of the batch.
        with transaction.atomic():
            rows.update(**{indexed.index_field: current})
    except IntegrityError:
        return False
    return True


# --- rows that hold only an index -----------------------------------------------------------


def _index_only_rows() -> Iterator[tuple[IndexOnlyRows, str]]:
    """Yield (kind of row, index) for every row whose number is not held with its index."""
    for rows in REGISTRY.of_kind(IndexOnlyRows):
        for index in rows.indexes():
            yield rows, index


def _stale_index_only(current: str | None) -> set[str]:
    return {index for _, index in _index_only_rows() if index_key_id(index) != current}


def _dependencies(
    current: str | None, found: dict[str, str]
) -> tuple[dict[str, dict[str, int]], dict[str, dict[str, int]]]:
    """Count the index-only rows under each previous key that have no current equivalent.

    Rows under a key that is no longer configured are counted apart: without the key
    nothing can tell whether they were carried over while it was.
    """
    configured = [key.key_id or UNTAGGED for key in keyring().index_ring]
    depending: dict[str, Counter[str]] = {label: Counter() for label in configured[1:]}
    unconfigured: dict[str, Counter[str]] = {}
    for rows, index in _index_only_rows():
        tag = index_key_id(index)
        # A row that is carried over has its equivalent under the current key.
        if tag == current or (rows.carry is not None and index in found):
            continue
        label = tag or UNTAGGED
        counts = depending if label in depending else unconfigured
        counts.setdefault(label, Counter())[rows.name] += 1
    return _plain(depending), _plain(unconfigured)


def _plain(counts: dict[str, Counter[str]]) -> dict[str, dict[str, int]]:
    return {label: dict(kinds) for label, kinds in counts.items()}


def _audit(report: IndexRotationReport) -> None:
    # Counts only: which rows changed would say which numbers were held.
    if not any(report.reindexed.values()) and not any(report.carried_over.values()):
        return
    record_event(
        actor=ACTOR,
        action="pii.index_key_rotated",
        target=("index_key", report.key_id),
        payload={"reindexed": report.reindexed, "carried_over": report.carried_over},
    )
