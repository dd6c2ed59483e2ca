"""Validation of ledger input: refuse data a replay could only get wrong."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from decimal import Decimal

from tactful.money.records import Due, Entry, EntryKind, LedgerError


def validate_ledger(dues: Sequence[Due], entries: Sequence[Entry]) -> None:
    """Raise ``LedgerError`` unless ``dues`` and ``entries`` can be replayed."""
    _validate_dues(dues)
    _validate_entries(entries, {due.n for due in dues})


def _validate_dues(dues: Sequence[Due]) -> None:
    numbers = [due.n for due in dues]
    if len(set(numbers)) < len(numbers):
        for n, count in Counter(numbers).items():
            if count > 1:
                raise LedgerError(f"installment {n} appears {count} times in the dues")
    for due in dues:
        # Batches replay many schedules: the message is only built for a bad amount.
        if not (_is_amount(due.principal) and _is_amount(due.interest) and _is_amount(due.fees)):
            for name in ("principal", "interest", "fees"):
                _check_amount(f"installment {due.n} {name}", getattr(due, name))


def validate_entries(entries: Sequence[Entry], installments: set[int]) -> None:
    """Raise ``LedgerError`` unless ``entries`` can be replayed over ``installments``."""
    _validate_entries(entries, installments)


def _validate_entries(entries: Sequence[Entry], installments: set[int]) -> None:
    by_id = _index_entries(entries)
    for entry in entries:
        _check_amount(f"entry {entry.entry_id!r} amount", entry.amount)
        _check_installment(entry, installments)
        _check_reference(entry, by_id)
    _check_single_reversal(entries)


def _index_entries(entries: Iterable[Entry]) -> dict[str, Entry]:
    by_id: dict[str, Entry] = {}
    for entry in entries:
        if entry.entry_id in by_id:
            raise LedgerError(f"entry id {entry.entry_id!r} is used twice")
        by_id[entry.entry_id] = entry
    return by_id


def _is_amount(amount: Decimal) -> bool:
    """Tell whether `_check_amount` would accept ``amount``."""
    return isinstance(amount, Decimal) and amount.is_finite() and amount >= 0


def _check_amount(what: str, amount: Decimal) -> None:
    if not isinstance(amount, Decimal) or not amount.is_finite():
        raise LedgerError(f"{what} must be a finite Decimal, got {amount!r}")
    if amount < 0:
        raise LedgerError(f"{what} must not be negative, got {amount}")


def _check_installment(entry: Entry, installments: set[int]) -> None:
    names_one = entry.kind in (EntryKind.FEE, EntryKind.WAIVER)
    if not names_one and entry.installment is not None:
        raise LedgerError(
            f"{entry.kind} {entry.entry_id!r} must not name an installment; "
            "payments follow the waterfall"
        )
    if names_one and entry.installment not in installments:
        raise LedgerError(
            f"{entry.kind} {entry.entry_id!r} names installment {entry.installment}, "
            "which is not in the schedule"
        )


def _check_reference(entry: Entry, by_id: dict[str, Entry]) -> None:
    if entry.kind is not EntryKind.REVERSAL:
        if entry.reverses is not None:
            raise LedgerError(f"{entry.kind} {entry.entry_id!r} cannot reverse another entry")
        return
    target = by_id.get(entry.reverses) if entry.reverses is not None else None
    if target is None:
        raise LedgerError(
            f"reversal {entry.entry_id!r} reverses {entry.reverses!r}, which is not in the ledger"
        )
    if target.kind is EntryKind.REVERSAL:
        raise LedgerError(
            f"reversal {entry.entry_id!r} cannot reverse reversal {target.entry_id!r}"
        )
    if entry.value_date < target.value_date:
        raise LedgerError(
            f"reversal {entry.entry_id!r} is dated {entry.value_date}, "
            f"before the entry it reverses ({target.value_date})"
        )


def _check_single_reversal(entries: Iterable[Entry]) -> None:
    seen: dict[str, str] = {}
    for entry in entries:
        if entry.kind is not EntryKind.REVERSAL or entry.reverses is None:
            continue
        if entry.reverses in seen:
            raise LedgerError(
                f"reversal {entry.entry_id!r} reverses {entry.reverses!r}, "
                f"which {seen[entry.reverses]!r} already reversed"
            )
        seen[entry.reverses] = entry.entry_id
