"""The never-loosens check: decide generated attempts under two packs and compare.

Pure. `sweep(current, proposed)` builds, for every (channel, role, purpose), attempts and
facts over each thing the rules read, decides each under both packs with `decide()`, and
reports how many scenarios it covered, every one the current pack denies and the proposal
allows (a loosening, with examples), and those that become stricter.

Why one group at a time is enough. Every rule reads one group of facts only:

    time      the local date and minute, and whether the recipient asked (time_window)
    facts     holds, opt-out, consents, the debtor unreachable, days past due, the
              collector's certificate (hold, opt_out, consent_required, unreachable_required,
              account_state, certification)
    history   earlier attempts (frequency_cap, cooling_off, first_contact_only)
    content   what the checker finds in the text (content)

and a decision denies when any governing rule is broken. So if some scenario is allowed
by the proposal and denied by the current pack, then so is the scenario that keeps the
one group that trips the current pack and takes every other group from a baseline the
proposal allows. The sweep finds such a baseline per route (the first value of each group
under which the proposal breaks none of that group's rules), then walks every value of
each group against it. The values are the boundaries the rules can tell apart: each
local hour and each window's edges on every weekday and on a holiday of each calendar,
histories one under and at every cap on every channel and outcome, today and at the edge
of each period, on the same debt and another, and every combination of the fact flags.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from itertools import product
from typing import Any, Literal
from zoneinfo import ZoneInfo

from tactful.policy.engine import decide
from tactful.policy.localtime import holidays_of
from tactful.policy.packs import CompiledPack
from tactful.policy.types import (
    CHANNELS,
    CONTENT_FINDINGS,
    OUTCOMES,
    PURPOSES,
    RECIPIENT_ROLES,
    Attempt,
    Channel,
    Decision,
    Facts,
    HistoryEntry,
    Outcome,
    Purpose,
    RecipientRole,
)

Group = Literal["time", "facts", "history", "content"]
GROUPS: tuple[Group, ...] = ("time", "facts", "history", "content")
_GROUP_OF_KIND: dict[str, Group] = {
    "time_window": "time",
    "hold": "facts",
    "opt_out": "facts",
    "consent_required": "facts",
    "unreachable_required": "facts",
    "account_state": "facts",
    "certification": "facts",
    "frequency_cap": "history",
    "cooling_off": "history",
    "first_contact_only": "history",
    "content": "content",
}
# A reference week (Monday to Sunday) with no holiday in the calendars packs name.
_WEEK = tuple(date(2026, 6, 8) + timedelta(days=offset) for offset in range(7))
_NOON = 12 * 60
_RECIPIENT = "r-1"
_DEBT, _OTHER_DEBT = "d-1", "d-2"
_BIG_DPD = 400
# How many changed decisions a report keeps as examples, per direction.
EXAMPLES = 12


@dataclass(frozen=True, slots=True)
class TimeProbe:
    """When: a local date and minute of the day; `requested` by the recipient that moment."""

    day: date
    minute: int
    requested: bool = False


@dataclass(frozen=True, slots=True)
class FactProbe:
    """What is known of the account and recipient (the flags the rules read)."""

    held: bool = False
    opted_out: bool = False
    consents: frozenset[str] = frozenset()
    unreachable: bool = True
    days_past_due: int = _BIG_DPD
    certified: bool = True


@dataclass(frozen=True, slots=True)
class HistoryProbe:
    """`count` earlier attempts on `channel` ending in `outcome`, `days_ago` local days back."""

    channel: Channel
    outcome: Outcome
    count: int
    days_ago: int
    same_debt: bool


@dataclass(frozen=True, slots=True)
class Probe:
    """One generated scenario: a route, and one value of each group."""

    channel: Channel
    role: RecipientRole
    purpose: Purpose
    time: TimeProbe
    facts: FactProbe
    history: HistoryProbe | None = None
    # A content finding, "clean" for text with none, None for no text at all.
    content: str | None = None

    def to_json(self) -> dict[str, Any]:
        """Return the scenario as plain values (shown and stored with a proposal)."""
        history = self.history
        return {
            "channel": self.channel,
            "role": self.role,
            "purpose": self.purpose,
            "local_time": f"{self.time.day.isoformat()} {self.time.minute // 60:02d}:"
            f"{self.time.minute % 60:02d}",
            "weekday": self.time.day.strftime("%a").lower(),
            "requested_by_recipient": self.time.requested,
            "held": self.facts.held,
            "opted_out": self.facts.opted_out,
            "consents": sorted(self.facts.consents),
            "debtor_unreachable": self.facts.unreachable,
            "days_past_due": self.facts.days_past_due,
            "collector_certified": self.facts.certified,
            "history": None
            if history is None
            else {
                "channel": history.channel,
                "outcome": history.outcome,
                "count": history.count,
                "days_ago": history.days_ago,
                "same_debt": history.same_debt,
            },
            "content": self.content,
        }


@dataclass(frozen=True, slots=True)
class ChangedDecision:
    """A scenario both packs decide differently, with the rules that denied it."""

    probe: Probe
    current: tuple[str, ...]
    proposed: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        """Return the change as plain values: the scenario and each pack's denying rules."""
        return {
            "scenario": self.probe.to_json(),
            "current": {
                "decision": "deny" if self.current else "allow",
                "rules": list(self.current),
            },
            "proposed": {
                "decision": "deny" if self.proposed else "allow",
                "rules": list(self.proposed),
            },
        }


@dataclass
class SweepReport:
    """How many scenarios were decided under both packs, and what changed."""

    scenarios: int = 0
    loosened: int = 0
    tightened: int = 0
    loosened_rules: set[str] = field(default_factory=set)
    loosened_examples: list[ChangedDecision] = field(default_factory=list)
    tightened_examples: list[ChangedDecision] = field(default_factory=list)

    @property
    def never_loosens(self) -> bool:
        """Return True when no scenario the current pack denies is allowed by the proposal."""
        return self.loosened == 0

    def to_json(self) -> dict[str, Any]:
        """Return the report as plain values (stored with a proposal)."""
        return {
            "scenarios": self.scenarios,
            "loosened": self.loosened,
            "tightened": self.tightened,
            "loosened_rules": sorted(self.loosened_rules),
            "loosened_examples": [change.to_json() for change in self.loosened_examples],
            "tightened_examples": [change.to_json() for change in self.tightened_examples],
        }


class FindingChecker:
    """A content checker that finds what the text names: the sweep's stand-in.

    The text is a finding's name (or "clean"); the sweep asks about each finding, not
    about how a real checker reads words.
    """

    def check(self, text: str, recipient_role: str) -> tuple[str, ...]:
        """Return the finding the text names, or nothing for "clean"."""
        return () if text == "clean" else (text,)


_CHECKER = FindingChecker()


def sweep(current: CompiledPack, proposed: CompiledPack) -> SweepReport:
    """Decide generated scenarios under both packs; report coverage and every change."""
    values = _Values(current, proposed)
    report = SweepReport()
    for channel, role, purpose in product(CHANNELS, RECIPIENT_ROLES, PURPOSES):
        for probe in _route_probes(values, proposed, channel, role, purpose):
            _compare(report, probe, values, current, proposed)
    return report


def _route_probes(
    values: _Values, proposed: CompiledPack, channel: Channel, role: RecipientRole, purpose: Purpose
) -> Iterator[Probe]:
    """Yield the route's scenarios: every value of each group against the baseline."""
    base = Probe(channel, role, purpose, values.times(purpose)[0], FactProbe())
    base = _baseline(base, values, proposed)
    seen: set[Probe] = set()
    for group in GROUPS:
        for value in values.of(group, purpose):
            probe = _with(base, group, value)
            if probe not in seen:
                seen.add(probe)
                yield probe


def _baseline(base: Probe, values: _Values, proposed: CompiledPack) -> Probe:
    """Return `base` with each group at the first value none of the proposal's rules of
    that group break (kept as it is where every value breaks one: then the proposal
    denies the whole route, and nothing on it can loosen)."""
    kinds = {rule.id: rule.kind for rule in proposed.rules}
    for group in GROUPS:
        for value in values.of(group, base.purpose):
            candidate = _with(base, group, value)
            decision = _decide(candidate, values, proposed)
            if not any(_GROUP_OF_KIND.get(kinds[r.rule]) == group for r in decision.reasons):
                base = candidate
                break
    return base


def _with(probe: Probe, group: Group, value: Any) -> Probe:
    if group == "time":
        return replace(probe, time=value)
    if group == "facts":
        return replace(probe, facts=value)
    if group == "history":
        return replace(probe, history=value)
    return replace(probe, content=value)


def _compare(
    report: SweepReport,
    probe: Probe,
    values: _Values,
    current: CompiledPack,
    proposed: CompiledPack,
) -> None:
    report.scenarios += 1
    before, after = _decide(probe, values, current), _decide(probe, values, proposed)
    if before.verdict == after.verdict:
        return
    change = ChangedDecision(probe, _rules(before), _rules(after))
    if after.allowed:
        report.loosened += 1
        report.loosened_rules.update(change.current)
        if len(report.loosened_examples) < EXAMPLES:
            report.loosened_examples.append(change)
    else:
        report.tightened += 1
        if len(report.tightened_examples) < EXAMPLES:
            report.tightened_examples.append(change)


def _rules(decision: Decision) -> tuple[str, ...]:
    return tuple(reason.rule for reason in decision.reasons)


def _decide(probe: Probe, values: _Values, pack: CompiledPack) -> Decision:
    attempt, facts, now = values.scenario(probe)
    return decide(attempt, facts, now, pack, content_checker=_CHECKER)


class _Values:
    """The values of each group both packs' rules can tell apart, and how a probe becomes
    the engine's attempt, facts and instant (cached: many probes share them)."""

    def __init__(self, current: CompiledPack, proposed: CompiledPack) -> None:
        rules = (*current.spec.rules, *proposed.spec.rules)
        self.zone = ZoneInfo(current.spec.time_zone)
        self.zone_name = current.spec.time_zone
        plain_times = _time_probes(rules, requested=False)
        self._times = {
            False: plain_times,
            True: plain_times + _time_probes(rules, requested=True),
        }
        self._facts = _fact_probes(rules)
        self._histories: tuple[HistoryProbe | None, ...] = (None, *_history_probes(rules))
        self._contents: tuple[str | None, ...] = (None, "clean", *CONTENT_FINDINGS)
        self._instants: dict[TimeProbe, datetime] = {}
        self._entries: dict[tuple[HistoryProbe, TimeProbe], tuple[HistoryEntry, ...]] = {}

    def times(self, purpose: str) -> tuple[TimeProbe, ...]:
        # Only a service message can be one the recipient asked for.
        return self._times[purpose == "service"]

    def of(self, group: Group, purpose: str) -> tuple[object, ...]:
        if group == "time":
            return self.times(purpose)
        if group == "facts":
            return self._facts
        if group == "history":
            return self._histories
        return self._contents

    def scenario(self, probe: Probe) -> tuple[Attempt, Facts, datetime]:
        now = self._instant(probe.time)
        attempt = Attempt(
            channel=probe.channel,
            recipient=_RECIPIENT,
            recipient_role=probe.role,
            purpose=probe.purpose,
            recipient_timezone=self.zone_name,
            debt=_DEBT,
            collector_certified=probe.facts.certified,
            content=probe.content,
            requested_by_recipient=probe.time.requested,
        )
        fact = probe.facts
        facts = Facts(
            days_past_due=fact.days_past_due,
            holds=("complaint",) if fact.held else (),
            consents=fact.consents,
            debtor_unreachable=fact.unreachable,
            opted_out=fact.opted_out,
            history=self._history(probe.history, probe.time),
        )
        return attempt, facts, now

    def _instant(self, probe: TimeProbe) -> datetime:
        found = self._instants.get(probe)
        if found is None:
            clock = time(probe.minute // 60, probe.minute % 60)
            found = datetime.combine(probe.day, clock, tzinfo=self.zone)
            self._instants[probe] = found
        return found

    def _history(self, history: HistoryProbe | None, when: TimeProbe) -> tuple[HistoryEntry, ...]:
        if history is None:
            return ()
        key = (history, when)
        found = self._entries.get(key)
        if found is None:
            # At the start of that local day: at or before now, whatever the hour.
            day = when.day - timedelta(days=history.days_ago)
            at = datetime.combine(day, time(0), tzinfo=self.zone)
            debt = _DEBT if history.same_debt else _OTHER_DEBT
            entry = HistoryEntry(at, history.channel, _RECIPIENT, history.outcome, debt)
            found = (entry,) * history.count
            self._entries[key] = found
        return found


def _time_probes(rules: Iterable[Any], *, requested: bool) -> tuple[TimeProbe, ...]:
    """Every hour and each window's edges (and the minute before), on each weekday and on
    a weekday holiday of each calendar the windows name; noon on Wednesday first."""
    minutes = set(range(0, 24 * 60, 60))
    countries: set[str] = set()
    for rule in rules:
        if rule.kind == "time_window":
            for edge in (rule.parameters["start"], rule.parameters["end"]):
                minutes.update(m for m in (edge - 1, edge) if 0 <= m < 24 * 60)
            countries.update(rule.parameters["holidays"])
    days = [*_WEEK, *(_weekday_holiday(country) for country in sorted(countries))]
    first = TimeProbe(_WEEK[2], _NOON, requested)
    probes = [TimeProbe(day, minute, requested) for day in days for minute in sorted(minutes)]
    probes.remove(first)
    return (first, *probes)


def _weekday_holiday(country: str) -> date:
    for year in (2026, 2027):
        for day in sorted(holidays_of(country, year)):
            if day.weekday() < 5:
                return day
    return _WEEK[0]


def _fact_probes(rules: Iterable[Any]) -> tuple[FactProbe, ...]:
    """Every combination of the flags; the permissive one first."""
    rules = tuple(rules)
    names: set[str] = set()
    minimums: set[int] = set()
    for rule in rules:
        if rule.kind == "consent_required":
            names.update(rule.parameters["consents"])
        if rule.kind == "account_state":
            minimums.add(rule.parameters["min_days_past_due"])
    consents = _consent_sets(sorted(names))
    past_due = [_BIG_DPD, *sorted({0, 1} | {d for m in minimums for d in (m - 1, m) if d >= 0})]
    combos = product((False, True), (False, True), consents, (True, False), past_due, (True, False))
    return tuple(FactProbe(*combo) for combo in combos)


def _consent_sets(names: list[str]) -> list[frozenset[str]]:
    """All consents first, then every subset (a handful of names), else each one missing."""
    full = frozenset(names)
    if len(names) <= 4:
        subsets = [
            frozenset(name for name, keep in zip(names, mask, strict=True) if keep)
            for mask in product((True, False), repeat=len(names))
        ]
        return subsets
    return [full, *(full - {name} for name in names), frozenset()]


def _history_probes(rules: Iterable[Any]) -> tuple[HistoryProbe, ...]:
    """One attempt today on each channel and outcome (first-contact rules), and, for each
    count rule, one under and at each cap, today and at the edges of each period."""
    probes: dict[HistoryProbe, None] = {}
    for channel, outcome in product(CHANNELS, OUTCOMES):
        probes[HistoryProbe(channel, outcome, 1, 0, True)] = None
    counted = [rule for rule in rules if rule.kind in ("frequency_cap", "cooling_off")]
    limits = {rule.parameters.get("max", 1) for rule in counted}
    counts = sorted({n for limit in limits for n in (limit - 1, limit) if n >= 1})
    ages = sorted(
        {a for rule in counted for a in (0, rule.parameters["days"] - 1, rule.parameters["days"])}
    )
    channels = sorted({c for rule in counted for c in rule.applies_to.channels})
    for channel, outcome, count, age, same in product(
        channels, OUTCOMES, counts, ages, (True, False)
    ):
        probes[HistoryProbe(channel, outcome, count, age, same)] = None
    return tuple(probes)
