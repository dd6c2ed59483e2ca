"""Batch planning: which channels may reach each debtor now, and when each is next allowed.

A vectorized (Polars) approximation of ``decide()`` for many accounts at one instant. It
evaluates, for a debtor recipient and one purpose, exactly the rules ``decide()`` would:
time windows, call frequency caps and cooling-off, holds, opt-out, certification, account
state and data gaps. It does not see message content (checked when a message is written),
and it treats every counted call as being about the account's own debt. Any other rule
that governs the debtor (a lender override adding an SMS cap, say) is refused with
`PlanUnsupported` rather than silently skipped.

The accounts file has one row per debtor (see docs/gate.md for the format):

====================  ===========================================================
account               your key, copied to the output
recipient_timezone    IANA zone; empty or unknown -> data_gap
days_past_due         whole number; empty -> missing
holds                 ``;``-separated hold kinds; empty -> none; any kind blocks
opted_out             true/false (also 1/0, yes/no); empty -> false
collector_certified   true/false; empty -> missing
calls_<outcome>       calls to the debtor with that outcome per local day, today
                      first, ``;``-separated (``2;0;1``): calls_connected,
                      calls_no_answer, calls_failed, calls_delivered. Needed only
                      for the outcomes the pack counts, with at least as many days
                      as its longest window (cn: 1, us: 7).
====================  ===========================================================

Time-window answers depend only on the zone, so they are computed once per zone with the
same code ``decide()`` uses and joined in; counts are vectorized.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import polars as pl

from tactful.policy.content import INTERIM_CHECKER
from tactful.policy.localtime import zone_named
from tactful.policy.next_allowed import Window, first_opening
from tactful.policy.packs import CompiledPack
from tactful.policy.rules import (
    AccountStateRule,
    CertificationRule,
    CompiledRule,
    ContentRule,
    CountRule,
    HoldRule,
    OptOutRule,
    Situation,
    TimeWindowRule,
)
from tactful.policy.types import CHANNELS, OUTCOMES, Attempt, Category, Facts, HistoryEntry, Purpose

REQUIRED_COLUMNS = (
    "account",
    "recipient_timezone",
    "days_past_due",
    "holds",
    "opted_out",
    "collector_certified",
)
COUNT_COLUMN: dict[str, str] = {outcome: f"calls_{outcome}" for outcome in OUTCOMES}
_TRUE = ("true", "t", "yes", "y", "1")
_FALSE = ("false", "f", "no", "n", "0")


class AccountsError(ValueError):
    """A bad accounts file: names the column and, for a bad cell, the row (1 = first row)."""

    def __init__(self, column: str, reason: str, row: int | None = None) -> None:
        self.column, self.reason, self.row = column, reason, row
        where = f"column {column}" if row is None else f"column {column}, row {row}"
        super().__init__(f"{where}: {reason}")


class PlanUnsupported(ValueError):
    """The pack has a rule for debtors that the accounts file cannot answer."""


@dataclass
class ChannelPlan:
    """What decides one channel for a debtor: fixed blocks, fact checks and call counts."""

    channel: str
    static: set[Category] = field(default_factory=set)
    checks: list[CompiledRule] = field(default_factory=list)
    windows: list[TimeWindowRule] = field(default_factory=list)
    counts: list[CountRule] = field(default_factory=list)


def plan_channels(pack: CompiledPack, purpose: Purpose) -> list[ChannelPlan]:
    """Sort the rules governing a debtor, per channel, into what the planner evaluates."""
    return [_channel_plan(pack, channel, purpose) for channel in CHANNELS]


def _channel_plan(pack: CompiledPack, channel: str, purpose: Purpose) -> ChannelPlan:
    plan = ChannelPlan(channel)
    for rule, always in pack.route(channel, "debtor", purpose).rules:
        if always:
            plan.static.add(rule.category)
        elif isinstance(rule, TimeWindowRule):
            plan.windows.append(rule)
        elif isinstance(rule, CountRule):
            if channel != "call" or rule.channels != {"call"}:
                raise PlanUnsupported(
                    f"rule {rule.id} counts {', '.join(sorted(rule.channels))} history for "
                    f"{channel} attempts; the accounts file holds call counts only"
                )
            plan.counts.append(rule)
        elif isinstance(rule, HoldRule | OptOutRule | CertificationRule | AccountStateRule):
            plan.checks.append(rule)
        elif not isinstance(rule, ContentRule):
            raise PlanUnsupported(f"rule {rule.id} ({rule.kind}) needs facts the planner lacks")
    return plan


def needed_counts(channels: Sequence[ChannelPlan]) -> dict[str, int]:
    """Return the call-count columns the pack needs, each with the days it must cover."""
    needed: dict[str, int] = {}
    for channel in channels:
        for rule in channel.counts:
            for outcome in rule.outcomes:
                column = COUNT_COLUMN[outcome]
                needed[column] = max(needed.get(column, 0), rule.days)
    return needed


# --- reading and cleaning the accounts ----------------------------------------------------


def read_accounts(path: str | Path) -> pl.DataFrame:
    """Read an accounts file (.csv or .parquet); CSV cells are read as text."""
    source = Path(path)
    suffix = source.suffix.lower()
    try:
        if suffix == ".csv":
            return pl.read_csv(source, infer_schema=False)
        if suffix == ".parquet":
            return pl.read_parquet(source)
    except (OSError, pl.exceptions.PolarsError) as error:
        raise AccountsError("-", f"cannot read {source.name}: {error}") from None
    raise AccountsError("-", f"{source.name}: the accounts file must end in .csv or .parquet")


@dataclass(frozen=True)
class _Check:
    """A test for bad cells in `column`, evaluated together with the cleaning."""

    column: str
    reason: str
    bad: pl.Expr


def clean_accounts(accounts: pl.DataFrame, needed: dict[str, int]) -> pl.DataFrame:
    """Return the typed columns the planner uses, or raise AccountsError on bad input."""
    missing = [c for c in (*REQUIRED_COLUMNS, *needed) if c not in accounts.columns]
    if missing:
        raise AccountsError(missing[0], "is missing from the accounts file")
    accounts = _split_daily_counts(accounts, needed)
    checks = [_Check("account", "account must not be empty", pl.col("account").is_null())]
    columns = [
        _text(accounts, "account").alias("account"),
        _text(accounts, "recipient_timezone").alias("_zone"),
        _whole(accounts, "days_past_due", checks).alias("_days_past_due"),
        _has_hold(accounts).alias("_hold"),
        _flag(accounts, "opted_out", checks).fill_null(False).alias("_opted_out"),
        _flag(accounts, "collector_certified", checks).alias("_certified"),
    ]
    for column, days in sorted(needed.items()):
        columns.extend(_daily_counts(accounts, column, days, checks))
    flags = [check.bad.fill_null(True).alias(f"_bad_{n}") for n, check in enumerate(checks)]
    cleaned = accounts.select(*columns, *flags)
    for n, check in enumerate(checks):
        bad = cleaned.get_column(f"_bad_{n}")
        if bad.any():
            raise AccountsError(check.column, check.reason, row=int(bad.arg_true()[0]) + 1)
    return cleaned.drop([f"_bad_{n}" for n in range(len(checks))])


def _split_daily_counts(frame: pl.DataFrame, needed: dict[str, int]) -> pl.DataFrame:
    """Split each text column of daily counts once, into a struct of its first days."""
    # Split here, not inside the expressions that read each day: those would split the
    # same cell again for every day and every check.
    splits = [
        pl.col(column)
        .str.replace_all(" ", "", literal=True)
        .str.split_exact(";", days - 1)
        .alias(f"_split_{column}")
        for column, days in needed.items()
        if frame.schema[column] == pl.String
    ]
    return frame.with_columns(splits) if splits else frame


def _text(frame: pl.DataFrame, column: str) -> pl.Expr:
    dtype = frame.schema[column]
    if dtype == pl.String or dtype == pl.Null or dtype.is_integer():
        return pl.col(column).cast(pl.String)
    raise AccountsError(column, f"has type {dtype}; expected text")


def _whole(frame: pl.DataFrame, column: str, checks: list[_Check]) -> pl.Expr:
    dtype = frame.schema[column]
    if dtype.is_integer() or dtype == pl.Null:
        return pl.col(column).cast(pl.Int64)
    if dtype != pl.String:
        raise AccountsError(column, f"has type {dtype}; expected whole numbers")
    raw = pl.col(column).str.strip_chars()
    parsed = raw.cast(pl.Int64, strict=False)
    checks.append(
        _Check(column, "not a whole number", raw.is_not_null() & (raw != "") & parsed.is_null())
    )
    return parsed


def _flag(frame: pl.DataFrame, column: str, checks: list[_Check]) -> pl.Expr:
    dtype = frame.schema[column]
    if dtype == pl.Boolean or dtype == pl.Null:
        return pl.col(column).cast(pl.Boolean)
    if dtype != pl.String:
        raise AccountsError(column, f"has type {dtype}; expected true or false")
    raw = pl.col(column).str.strip_chars().str.to_lowercase()
    parsed = (
        pl.when(raw.is_in(_TRUE))
        .then(pl.lit(True))
        .when(raw.is_in(_FALSE))
        .then(pl.lit(False))
        .otherwise(pl.lit(None, dtype=pl.Boolean))
    )
    bad = raw.is_not_null() & (raw != "") & parsed.is_null()
    checks.append(_Check(column, "expected true or false", bad))
    return parsed


def _has_hold(frame: pl.DataFrame) -> pl.Expr:
    dtype = frame.schema["holds"]
    if dtype == pl.Null:
        return pl.lit(False)
    if isinstance(dtype, pl.List):
        return pl.col("holds").list.len().fill_null(0) > 0
    if dtype != pl.String:
        raise AccountsError("holds", f"has type {dtype}; expected ;-separated text")
    # Any non-blank item is a hold, whatever its kind (fail closed).
    return pl.col("holds").str.replace_all(r"[;\s]", "").str.len_chars().fill_null(0) > 0


def _daily_counts(
    frame: pl.DataFrame, column: str, days: int, checks: list[_Check]
) -> list[pl.Expr]:
    dtype = frame.schema[column]
    if isinstance(dtype, pl.List) and dtype.inner is not None and dtype.inner.is_integer():
        cells = [pl.col(column).list.get(day, null_on_oob=True) for day in range(days)]
        too_short = cells[-1].is_null()
        counts = [cell.cast(pl.Int64) for cell in cells]
    elif dtype == pl.String:
        split = pl.col(f"_split_{column}")  # by _split_daily_counts
        cells = [split.struct.field(f"field_{day}") for day in range(days)]
        too_short = cells[-1].is_null() | (cells[-1] == "")
        counts = [cell.cast(pl.Int64, strict=False) for cell in cells]
    else:
        raise AccountsError(column, f"has type {dtype}; expected ;-separated daily counts")
    checks.append(_Check(column, f"needs at least {days} daily count(s), today first", too_short))
    bad = pl.any_horizontal(*[count.is_null() | (count < 0) for count in counts])
    checks.append(_Check(column, "counts must be whole numbers of at least 0", bad))
    return [count.alias(f"_{column}_{day}") for day, count in enumerate(counts)]


# --- the plan -----------------------------------------------------------------------------


def plan_accounts(
    accounts: pl.DataFrame, *, pack: CompiledPack, at: datetime, purpose: Purpose = "collection"
) -> pl.DataFrame:
    """Return, per account, whether each channel is allowed at `at` and when it next is.

    Columns: ``account``, ``blocked_by`` (``;``-joined categories that are not timed:
    data_gap, hold, consent, ...), then ``<channel>_allowed`` and
    ``<channel>_next_allowed_at`` (UTC; null when allowed or when something other than
    time blocks) for every channel.
    """
    if at.tzinfo is None:
        raise ValueError("at must be timezone-aware")
    channels = plan_channels(pack, purpose)
    needed = needed_counts(channels)
    frame = clean_accounts(accounts, needed)
    call = next(plan for plan in channels if plan.channel == "call")
    frame = frame.with_columns(_release(call.counts).alias("_release"))
    longest = max((rule.days for rule in call.counts), default=0)
    zones = frame.get_column("_zone").drop_nulls().unique().to_list()
    table = zone_table(zones, channels, at.astimezone(UTC), longest)
    joined = frame.join(table, on=["_zone", "_release"], how="left", maintain_order="left")
    gap = _data_gap(purpose)
    return joined.select(
        "account",
        _blocked_by(channels, gap).alias("blocked_by"),
        *[expr for plan in channels for expr in _channel_columns(plan, gap)],
    )


def _release(counts: Sequence[CountRule]) -> pl.Expr:
    """Return how many local days from today until every call count clears (0: clear now)."""
    releases = [_rule_release(rule) for rule in counts]
    if not releases:
        return pl.lit(0, dtype=pl.Int64)
    return pl.max_horizontal(*releases).cast(pl.Int64)


def _rule_release(rule: CountRule) -> pl.Expr:
    # With d_k the counted calls k days ago and S_j = d_0 + ... + d_(j-1), the count on the
    # day r days from now is S_(days-r); it is under the limit from r = days - J, where J
    # is how many of S_1..S_days are under the limit (S only grows with j).
    daily = [
        pl.sum_horizontal(*[pl.col(f"_{COUNT_COLUMN[o]}_{day}") for o in sorted(rule.outcomes)])
        for day in range(rule.days)
    ]
    running: list[pl.Expr] = []
    total: pl.Expr = pl.lit(0, dtype=pl.Int64)
    for count in daily:
        total = total + count
        running.append((total < rule.limit).cast(pl.Int64))
    return pl.lit(rule.days, dtype=pl.Int64) - pl.sum_horizontal(*running)


def _data_gap(purpose: Purpose) -> pl.Expr:
    gap = pl.col("_zone_ok").is_null()
    if purpose == "collection":
        gap = gap | pl.col("_days_past_due").is_null()
    if purpose != "service":
        gap = gap | pl.col("_certified").is_null()
    return gap


def _violated(rule: CompiledRule) -> pl.Expr:
    if isinstance(rule, HoldRule):
        return pl.col("_hold")
    if isinstance(rule, OptOutRule):
        return pl.col("_opted_out")
    if isinstance(rule, CertificationRule):
        return ~pl.col("_certified").fill_null(False)
    assert isinstance(rule, AccountStateRule)
    days = pl.col("_days_past_due")
    return days.is_null() | (days < rule.minimum)


def _blocked_otherwise(plan: ChannelPlan) -> pl.Expr:
    checks = [_violated(rule) for rule in plan.checks]
    return pl.lit(bool(plan.static)) | pl.any_horizontal(pl.lit(False), *checks)


def _channel_columns(plan: ChannelPlan, gap: pl.Expr) -> list[pl.Expr]:
    other = gap | _blocked_otherwise(plan)
    release = pl.col("_release") if plan.channel == "call" else pl.lit(0)
    allowed = ~other & pl.col(f"_{plan.channel}_open_now").fill_null(False) & (release == 0)
    later = pl.when(~other & ~allowed).then(pl.col(f"_{plan.channel}_next"))
    return [
        allowed.alias(f"{plan.channel}_allowed"),
        later.otherwise(None).alias(f"{plan.channel}_next_allowed_at"),
    ]


def _blocked_by(channels: Sequence[ChannelPlan], gap: pl.Expr) -> pl.Expr:
    flags: dict[str, list[pl.Expr]] = {}
    for plan in channels:
        for category in plan.static:
            flags.setdefault(category, []).append(pl.lit(True))
        for rule in plan.checks:
            flags.setdefault(rule.category, []).append(_violated(rule))
    parts = [
        pl.when(~gap & pl.any_horizontal(*exprs)).then(pl.lit(category))
        for category, exprs in sorted(flags.items())
    ]
    joined = pl.concat_str(
        [pl.when(gap).then(pl.lit("data_gap")), *parts], separator=";", ignore_nulls=True
    )
    return joined.fill_null("")


# --- per-zone time-window answers -------------------------------------------------------


def zone_table(
    zones: Iterable[str], channels: Sequence[ChannelPlan], at: datetime, longest: int
) -> pl.DataFrame:
    """Return, per known zone and call release offset, each channel's window answers."""
    rows: list[dict[str, Any]] = []
    for name in zones:
        zone = zone_named(name)
        if zone is None:
            continue
        situation = Situation(_probe(name), Facts(), at, zone, INTERIM_CHECKER)
        for release in range(longest + 1):
            row: dict[str, Any] = {"_zone": name, "_release": release, "_zone_ok": True}
            for plan in channels:
                offset = release if plan.channel == "call" else 0
                row.update(_window_answers(plan, situation, offset))
            rows.append(row)
    schema: dict[str, Any] = {"_zone": pl.String, "_release": pl.Int64, "_zone_ok": pl.Boolean}
    for plan in channels:
        schema[f"_{plan.channel}_open_now"] = pl.Boolean
        schema[f"_{plan.channel}_next"] = pl.Datetime("us", "UTC")
    return pl.DataFrame(rows, schema=schema, orient="row") if rows else pl.DataFrame(schema=schema)


def _window_answers(plan: ChannelPlan, situation: Situation, offset: int) -> dict[str, Any]:
    open_now = not any(rule.violated(situation) for rule in plan.windows)
    window = Window.of(plan.windows)
    later = None
    if window is not None:
        later = first_opening(situation, window, situation.today + timedelta(days=offset))
    return {f"_{plan.channel}_open_now": open_now, f"_{plan.channel}_next": later}


def _probe(zone: str) -> Attempt:
    return Attempt("call", "plan", "debtor", "collection", recipient_timezone=zone)


# --- producing the accounts file ------------------------------------------------------------


def call_counts_from_history(
    history: Iterable[HistoryEntry], *, recipient: str, zone: str, at: datetime, days: int = 7
) -> dict[str, str]:
    """Return the ``calls_<outcome>`` cells for `recipient` at `at` from their history.

    Counts calls at or before `at`, per local day in `zone`, today first, over `days` days.
    """
    tz = zone_named(zone)
    if tz is None:
        raise ValueError(f"unknown time zone {zone!r}")
    today = at.astimezone(tz).date()
    counts = {outcome: [0] * days for outcome in OUTCOMES}
    for entry in history:
        if entry.recipient != recipient or entry.channel != "call" or entry.at > at:
            continue
        offset = (today - entry.at.astimezone(tz).date()).days
        if 0 <= offset < days:
            counts[entry.outcome][offset] += 1
    return {COUNT_COLUMN[o]: ";".join(str(n) for n in counts[o]) for o in OUTCOMES}
