"""The strategy table: self-cure band x days-past-due bucket -> treatment, per rule pack.

A strategy is YAML (``strategies/<pack>.yaml``), versioned: every plan row records the
version it was made with. Treatments, gentlest first:

- ``wait``: no contact; the borrower is likely to pay on their own;
- ``reminder``: a short message to the borrower;
- ``offer``: an installment or hardship offer, or help with a repayment problem;
- ``call``: a human call to the borrower;
- ``review``: a supervisor looks at the account before anyone contacts anyone.

There is no treatment that reaches anyone but the borrower: contacting an emergency
contact is a separate, gate-governed path (only to restore contact with a borrower who
cannot be reached, never about the debt), so a strategy naming it is refused.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, get_args

import polars as pl
import yaml
from polars.expr.whenthen import ChainedThen, Then

from tactful.policy.types import CHANNELS, Channel

Treatment = Literal["wait", "reminder", "offer", "call", "review"]
TREATMENTS: tuple[Treatment, ...] = get_args(Treatment)
CONTACTING: tuple[Treatment, ...] = ("reminder", "offer", "call")
STRATEGY_DIR = Path(__file__).resolve().parent / "strategies"
# Words that name the third-party path; a strategy using them is told why it cannot.
THIRD_PARTY_WORDS = frozenset(
    {"emergency_contact", "emergency-contact", "locate", "third_party", "contacts", "guarantor"}
)


class StrategyError(ValueError):
    """A strategy file that cannot be used, with the reason."""

    def __init__(self, source: str, reason: str) -> None:
        self.source, self.reason = source, reason
        super().__init__(f"strategy {source}: {reason}")


@dataclass(frozen=True)
class Band:
    """Accounts whose self-cure probability is at least `minimum` (and below the band above)."""

    name: str
    minimum: float


@dataclass(frozen=True)
class Bucket:
    """Accounts from `minimum` to `maximum` days past due (`maximum` None: no upper end)."""

    name: str
    minimum: int
    maximum: int | None

    def contains(self, days: int) -> bool:
        """Tell whether `days` past due falls in this bucket."""
        return self.minimum <= days and (self.maximum is None or days <= self.maximum)


@dataclass(frozen=True)
class Assignment:
    """What the strategy gives one account."""

    band: str
    bucket: str
    treatment: Treatment
    channel: Channel | None


@dataclass(frozen=True)
class Strategy:
    """A parsed, checked strategy table."""

    name: str
    version: str
    pack: str
    bands: tuple[Band, ...]
    buckets: tuple[Bucket, ...]
    table: Mapping[tuple[str, str], Treatment]
    channels: Mapping[Treatment, Channel]
    text: str

    @property
    def sha256(self) -> str:
        """Return the hash of the YAML the strategy was read from."""
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()

    def band_for(self, self_cure: float) -> Band:
        """Return the band of a self-cure probability."""
        return next(band for band in self.bands if self_cure >= band.minimum)

    def bucket_for(self, days_past_due: int) -> Bucket | None:
        """Return the bucket of `days_past_due`, None when the account is not overdue."""
        return next((b for b in self.buckets if b.contains(days_past_due)), None)

    def assign(self, *, self_cure: float, days_past_due: int) -> Assignment | None:
        """Return the account's treatment, or None when it is not overdue."""
        bucket = self.bucket_for(days_past_due)
        if bucket is None:
            return None
        band = self.band_for(self_cure)
        treatment = self.table[(band.name, bucket.name)]
        return Assignment(band.name, bucket.name, treatment, self.channels.get(treatment))

    def band_expression(self, self_cure: pl.Expr) -> pl.Expr:
        """Return the band name of each self-cure probability, as a Polars expression."""
        chain: Then | ChainedThen = pl.when(self_cure >= self.bands[0].minimum).then(
            pl.lit(self.bands[0].name)
        )
        for band in self.bands[1:]:
            chain = chain.when(self_cure >= band.minimum).then(pl.lit(band.name))
        return chain.otherwise(pl.lit(self.bands[-1].name))

    def bucket_expression(self, days: pl.Expr) -> pl.Expr:
        """Return the bucket name of each days-past-due value (null when not overdue)."""
        first = self.buckets[0]
        chain: Then | ChainedThen = pl.when(_within(days, first)).then(pl.lit(first.name))
        for bucket in self.buckets[1:]:
            chain = chain.when(_within(days, bucket)).then(pl.lit(bucket.name))
        return chain.otherwise(pl.lit(None, dtype=pl.String))

    def treatment_expression(self, band: pl.Expr, bucket: pl.Expr) -> pl.Expr:
        """Return the treatment of each (band, bucket) pair (null when not overdue)."""
        (first_key, first), *rest = self.table.items()
        chain: Then | ChainedThen = pl.when(_cell(band, bucket, first_key)).then(pl.lit(first))
        for key, treatment in rest:
            chain = chain.when(_cell(band, bucket, key)).then(pl.lit(treatment))
        return chain.otherwise(pl.lit(None, dtype=pl.String))

    def channel_expression(self, treatment: pl.Expr) -> pl.Expr:
        """Return the channel each treatment uses (null for wait and review)."""
        return treatment.replace_strict(dict(self.channels), default=None, return_dtype=pl.String)


def _within(days: pl.Expr, bucket: Bucket) -> pl.Expr:
    inside = days >= bucket.minimum
    return inside if bucket.maximum is None else inside & (days <= bucket.maximum)


def _cell(band: pl.Expr, bucket: pl.Expr, key: tuple[str, str]) -> pl.Expr:
    return (band == key[0]) & (bucket == key[1])


def strategy_names() -> list[str]:
    """Return the names of the strategies shipped with Tactful."""
    return sorted(path.stem for path in STRATEGY_DIR.glob("*.yaml"))


def load_strategy(name_or_path: str | Path) -> Strategy:
    """Load a shipped strategy by name (``cn``) or a strategy file by path."""
    path = Path(name_or_path)
    if path.suffix not in (".yaml", ".yml"):
        path = STRATEGY_DIR / f"{name_or_path}.yaml"
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        known = ", ".join(strategy_names())
        raise StrategyError(str(name_or_path), f"no such strategy (shipped: {known})") from None
    return parse_strategy(text, source=path.name)


def strategy_for_pack(pack: str) -> Strategy:
    """Return the strategy shipped for rule pack `pack` (``strategies/<pack>.yaml``).

    A pack without one, or a file written for another pack, is refused naming the pack.
    """
    source = f"for pack {pack}"
    if pack not in strategy_names():
        known = ", ".join(strategy_names())
        raise StrategyError(
            source, f"none is shipped (tactful/screening/strategies/{pack}.yaml; shipped: {known})"
        )
    strategy = load_strategy(pack)
    if strategy.pack != pack:
        raise StrategyError(source, f"{pack}.yaml is written for pack {strategy.pack}")
    return strategy


def parse_strategy(text: str, *, source: str = "<text>") -> Strategy:
    """Parse and check a strategy's YAML; raise StrategyError naming what is wrong."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise StrategyError(source, f"is not valid YAML: {error}") from None
    if not isinstance(data, dict):
        raise StrategyError(source, "must be a mapping")
    reader = _Reader(source, data)
    bands = reader.bands()
    buckets = reader.buckets()
    return Strategy(
        name=reader.text("strategy"),
        version=reader.text("version"),
        pack=reader.text("pack"),
        bands=bands,
        buckets=buckets,
        table=reader.table(bands, buckets),
        channels=reader.channels(),
        text=text,
    )


class _Reader:
    """Reads one strategy mapping, raising StrategyError on the first problem."""

    def __init__(self, source: str, data: dict[str, Any]) -> None:
        self.source, self.data = source, data

    def fail(self, reason: str) -> StrategyError:
        return StrategyError(self.source, reason)

    def text(self, key: str) -> str:
        value = self.data.get(key)
        if not isinstance(value, str) or not value.strip():
            raise self.fail(f"{key} must be a non-empty string")
        return value

    def items(self, key: str) -> list[dict[str, Any]]:
        value = self.data.get(key)
        if not isinstance(value, list) or not value or not all(isinstance(v, dict) for v in value):
            raise self.fail(f"{key} must be a non-empty list of mappings")
        return value

    def bands(self) -> tuple[Band, ...]:
        if self.data.get("score") != "self_cure":
            raise self.fail("score must be self_cure (the only score a strategy bands on)")
        bands = tuple(
            Band(str(item.get("name")), _probability(self, item.get("min_self_cure")))
            for item in self.items("bands")
        )
        minimums = [band.minimum for band in bands]
        if minimums != sorted(minimums, reverse=True) or len(set(minimums)) != len(minimums):
            raise self.fail("bands must go from the highest min_self_cure down, each different")
        if minimums[-1] != 0:
            raise self.fail("the last band must have min_self_cure 0, so every account has one")
        _unique(self, [band.name for band in bands], "band")
        return bands

    def buckets(self) -> tuple[Bucket, ...]:
        buckets = tuple(_bucket(self, item) for item in self.items("buckets"))
        if buckets[0].minimum != 1:
            raise self.fail("the first bucket must start at 1 day past due")
        for before, after in zip(buckets, buckets[1:], strict=False):
            if before.maximum is None or after.minimum != before.maximum + 1:
                raise self.fail(f"buckets {before.name} and {after.name} must meet exactly")
        if buckets[-1].maximum is not None:
            raise self.fail("the last bucket must have no max_days")
        _unique(self, [bucket.name for bucket in buckets], "bucket")
        return buckets

    def table(
        self, bands: Sequence[Band], buckets: Sequence[Bucket]
    ) -> dict[tuple[str, str], Treatment]:
        rows = self.data.get("table")
        if not isinstance(rows, dict):
            raise self.fail("table must map each band to its buckets")
        cells: dict[tuple[str, str], Treatment] = {}
        for band in bands:
            row = rows.get(band.name)
            if not isinstance(row, dict):
                raise self.fail(f"table has no row for band {band.name}")
            for bucket in buckets:
                cells[(band.name, bucket.name)] = self.treatment(row.get(bucket.name), band, bucket)
        return cells

    def treatment(self, value: object, band: Band, bucket: Bucket) -> Treatment:
        where = f"table[{band.name}][{bucket.name}]"
        if isinstance(value, str) and value in THIRD_PARTY_WORDS:
            raise self.fail(
                f"{where} is {value!r}: the emergency-contact path is never a treatment; "
                "a strategy reaches the borrower only"
            )
        if value not in TREATMENTS:
            raise self.fail(f"{where} must be one of {', '.join(TREATMENTS)}, not {value!r}")
        return value  # type: ignore[return-value]

    def channels(self) -> dict[Treatment, Channel]:
        given = self.data.get("channels")
        if not isinstance(given, dict) or set(given) != set(CONTACTING):
            raise self.fail(f"channels must name the channel of {', '.join(CONTACTING)}")
        for treatment, channel in given.items():
            if channel not in CHANNELS:
                raise self.fail(f"channels.{treatment} must be one of {', '.join(CHANNELS)}")
        return dict(given)


def _probability(reader: _Reader, value: object) -> float:
    if not isinstance(value, int | float) or isinstance(value, bool) or not 0 <= value <= 1:
        raise reader.fail("every band needs a min_self_cure between 0 and 1")
    return float(value)


def _bucket(reader: _Reader, item: dict[str, Any]) -> Bucket:
    low, high = item.get("min_days"), item.get("max_days")
    if not isinstance(low, int) or (high is not None and not isinstance(high, int)):
        raise reader.fail("every bucket needs whole min_days (and max_days, but the last)")
    if high is not None and high < low:
        raise reader.fail(f"bucket {item.get('name')} ends before it starts")
    return Bucket(str(item.get("name")), low, high)


def _unique(reader: _Reader, names: list[str], kind: str) -> None:
    if len(set(names)) != len(names) or "None" in names:
        raise reader.fail(f"every {kind} needs a name, each different")
