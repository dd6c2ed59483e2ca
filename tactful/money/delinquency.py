"""Days past due and the delinquency buckets they fall into."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from tactful.money.ledger import Due, Entry, InstallmentState, replay

BUCKETS_ENV_VAR = "DELINQUENCY_BUCKETS"
DEFAULT_BUCKET_SPEC = "M0:0-0,M1:1-30,M2:31-60,M3+:61-"

_BUCKET_PATTERN = re.compile(r"^\s*([^:,]*?)\s*:\s*(\d+)\s*-\s*(\d*)\s*$")


class BucketError(ValueError):
    """A bucket specification that does not cover every day count exactly once."""


def is_past_due(installment: InstallmentState, as_of: date) -> bool:
    """Tell whether ``installment`` is overdue on ``as_of``.

    An installment due today is not yet late, and one paid off after ``as_of``
    was still unpaid on that day.
    """
    if installment.due_date >= as_of:
        return False
    return installment.paid_off_on is None or installment.paid_off_on > as_of


def days_past_due(installments: Sequence[InstallmentState], as_of: date) -> int:
    """Return the days since the oldest installment past due on ``as_of`` fell due, else 0."""
    overdue = [i.due_date for i in installments if is_past_due(i, as_of)]
    return (as_of - min(overdue)).days if overdue else 0


@dataclass(frozen=True)
class Bucket:
    """A named range of days past due; ``maximum`` is None for the open-ended last one."""

    label: str
    minimum: int
    maximum: int | None

    def contains(self, days: int) -> bool:
        """Tell whether ``days`` past due falls in this bucket."""
        return self.minimum <= days and (self.maximum is None or days <= self.maximum)

    def __str__(self) -> str:
        upper = "" if self.maximum is None else str(self.maximum)
        return f"{self.label}:{self.minimum}-{upper}"


@dataclass(frozen=True)
class BucketScheme:
    """Buckets that cover every day count from 0 up exactly once, in order."""

    buckets: tuple[Bucket, ...]

    def __post_init__(self) -> None:
        _check_coverage(self.buckets)

    @classmethod
    def parse(cls, text: str) -> BucketScheme:
        """Parse ``"M0:0-0,M1:1-30,M2:31-60,M3+:61-"``: ``label:min-max``, max empty on the last."""
        if not text.strip():
            raise BucketError("bucket specification is empty")
        return cls(tuple(_parse_bucket(part) for part in text.split(",")))

    def bucket_for(self, days: int) -> Bucket:
        """Return the bucket holding ``days`` past due."""
        if days < 0:
            raise ValueError(f"days past due cannot be negative, got {days}")
        return next(bucket for bucket in self.buckets if bucket.contains(days))

    def __str__(self) -> str:
        return ",".join(str(bucket) for bucket in self.buckets)


def _parse_bucket(part: str) -> Bucket:
    match = _BUCKET_PATTERN.match(part)
    if match is None:
        raise BucketError(f"bucket {part.strip()!r} is not of the form label:min-max, e.g. M1:1-30")
    label, low, high = match.groups()
    if not label:
        raise BucketError(f"bucket {part.strip()!r} has no label")
    return Bucket(label, int(low), int(high) if high else None)


def _check_coverage(buckets: Sequence[Bucket]) -> None:
    if not buckets:
        raise BucketError("a bucket scheme needs at least one bucket")
    labels = [bucket.label for bucket in buckets]
    if len(set(labels)) != len(labels):
        raise BucketError(f"bucket labels must be unique, got {', '.join(labels)}")
    if buckets[0].minimum != 0:
        raise BucketError(f"the first bucket must start at 0, {buckets[0]} does not")
    for before, after in zip(buckets, buckets[1:], strict=False):
        _check_adjacent(before, after)
    if buckets[-1].maximum is not None:
        raise BucketError(f"the last bucket must be open-ended, like 'M3+:61-', not {buckets[-1]}")


def _check_adjacent(before: Bucket, after: Bucket) -> None:
    if before.maximum is None:
        raise BucketError(
            f"only the last bucket may be open-ended, {before} is followed by {after}"
        )
    if before.maximum < before.minimum:
        raise BucketError(f"bucket {before} ends before it starts")
    if after.minimum <= before.maximum:
        raise BucketError(f"buckets {before} and {after} overlap")
    if after.minimum > before.maximum + 1:
        raise BucketError(f"there is a gap between buckets {before} and {after}")


DEFAULT_BUCKETS = BucketScheme.parse(DEFAULT_BUCKET_SPEC)


def scheme_from_environ(environ: Mapping[str, str]) -> BucketScheme:
    """Return the scheme named by ``DELINQUENCY_BUCKETS`` in ``environ``, else the default."""
    text = environ.get(BUCKETS_ENV_VAR, "").strip()
    return BucketScheme.parse(text) if text else DEFAULT_BUCKETS


def delinquency_history(
    dues: Sequence[Due],
    entries: Sequence[Entry],
    start: date,
    end: date,
    scheme: BucketScheme = DEFAULT_BUCKETS,
) -> list[tuple[date, int, str]]:
    """Return ``(day, days_past_due, bucket label)`` for ``start`` and each day the bucket changed.

    Each day is replayed as of that day, so a reversal moves the history from
    its own value date on, exactly as the ledger does.
    """
    if end < start:
        raise ValueError(f"end {end} is before start {start}")
    history: list[tuple[date, int, str]] = []
    day = start
    while day <= end:
        days = days_past_due(replay(dues, entries, day).installments, day)
        label = scheme.bucket_for(days).label
        if not history or history[-1][2] != label:
            history.append((day, days, label))
        day += timedelta(days=1)
    return history
