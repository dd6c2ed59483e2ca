"""Compiled rules: small objects that answer "is this rule violated?" for one attempt.

A pack's RuleSpecs compile into these once. Each rule knows its scope; rules whose answer
depends only on the channel, role and purpose (a denied role, say) answer at compile time,
so ``decide()`` only runs the rules that look at facts.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from tactful.policy.content import UNREADABLE, ContentChecker
from tactful.policy.localtime import day_start_timestamp, is_holiday
from tactful.policy.schema import RuleSpec, render_message
from tactful.policy.types import (
    CONTENT_FINDINGS,
    LANGUAGES,
    Attempt,
    Category,
    Facts,
    HistoryEntry,
    Language,
    Reason,
)

# Kinds a `service` attempt (answering the person's own request) still obeys.
SERVICE_KINDS = frozenset({"time_window", "content"})
_DAY = timedelta(days=1)


class Situation:
    """One attempt being decided, with the local-time readings the rules share."""

    __slots__ = (
        "attempt",
        "facts",
        "now",
        "now_ts",
        "zone",
        "today",
        "seconds",
        "checker",
        "_mine",
        "_starts",
        "_findings",
    )

    def __init__(
        self,
        attempt: Attempt,
        facts: Facts,
        now: datetime,
        zone: ZoneInfo,
        checker: ContentChecker,
    ) -> None:
        self.attempt = attempt
        self.facts = facts
        self.now = now
        self.now_ts = now.timestamp()
        self.zone = zone
        local = now.astimezone(zone)
        self.today: date = local.date()
        self.seconds = local.hour * 3600 + local.minute * 60 + local.second
        self.checker = checker
        self._mine: list[HistoryEntry] | None = None
        self._starts: list[float] = []
        self._findings: frozenset[str] | None = None

    def history_with_recipient(self) -> list[HistoryEntry]:
        """Return the history entries to this recipient at or before now."""
        if self._mine is None:
            recipient, now_ts = self.attempt.recipient, self.now_ts
            self._mine = [
                entry
                for entry in self.facts.history
                if entry.recipient == recipient and entry.timestamp <= now_ts
            ]
        return self._mine

    def content_findings(self) -> frozenset[str]:
        """Return what the content checker finds in the attempt's text (asked once, however
        many content rules look)."""
        if self._findings is None:
            text, role = self.attempt.content, self.attempt.recipient_role
            self._findings = frozenset(() if text is None else self.checker.check(text, role))
        return self._findings

    def day_starts(self, count: int) -> list[float]:
        """Return when today and the days before it began locally: [today, yesterday, ...].

        The list holds at least `count` POSIX times (maybe more: it is shared and grows).
        """
        starts = self._starts
        while len(starts) < count:
            starts.append(day_start_timestamp(self.zone, self.today - len(starts) * _DAY))
        return starts


class CompiledRule:
    """A rule ready to evaluate. Subclasses override `violated` (and maybe `static`)."""

    __slots__ = ("id", "kind", "category", "spec", "reasons")

    def __init__(self, spec: RuleSpec) -> None:
        self.id = spec.id
        self.kind = spec.kind
        self.category: Category = spec.category
        self.spec = spec
        shown = spec.shown_parameters()
        messages = {
            language: render_message(template, shown)
            for language, template in spec.messages.items()
        }
        self.reasons: Mapping[Language, Reason] = {
            language: Reason(spec.id, spec.category, spec.citation, messages[language], messages)
            for language in LANGUAGES
        }

    def applies(self, channel: str, role: str, purpose: str) -> bool:
        """Return True when this rule governs attempts of this channel, role and purpose."""
        scope = self.spec.applies_to
        if purpose == "service" and self.kind not in SERVICE_KINDS:
            return False
        return channel in scope.channels and role in scope.roles and purpose in scope.purposes

    def static(self, channel: str, role: str, purpose: str) -> bool | None:
        """Return the verdict when it depends on nothing but these three, else None."""
        return None

    def violated(self, situation: Situation) -> bool:
        """Return True when the attempt breaks this rule."""
        raise NotImplementedError


def requested_service(attempt: Attempt) -> bool:
    """Tell whether `attempt` answers the recipient's own request of that moment.

    Such a message (a sign-in code the person pressed for) is not a contact made on
    anyone's initiative but theirs; packs whose law reads it so exempt it from the time
    window (`requested_exempt`). Only ``is True`` counts: a malformed flag never exempts.
    """
    return attempt.purpose == "service" and attempt.requested_by_recipient is True


class TimeWindowRule(CompiledRule):
    """Contact only between ``start`` (included) and ``end`` (excluded), local time."""

    __slots__ = ("start", "end", "weekdays", "holidays", "requested_exempt")

    def __init__(self, spec: RuleSpec) -> None:
        super().__init__(spec)
        self.start: int = spec.parameters["start"] * 60
        self.end: int = spec.parameters["end"] * 60
        self.weekdays: frozenset[int] = spec.parameters["weekdays"]
        self.holidays: tuple[str, ...] = tuple(sorted(spec.parameters["holidays"]))
        self.requested_exempt: bool = spec.parameters["requested_exempt"]

    def violated(self, situation: Situation) -> bool:
        if self.requested_exempt and requested_service(situation.attempt):
            return False
        if not self.start <= situation.seconds < self.end:
            return True
        return not self.allows_day(situation.today)

    def allows_day(self, day: date) -> bool:
        """Return True when contact is allowed at all on local `day`."""
        if day.weekday() not in self.weekdays:
            return False
        return not any(is_holiday(country, day) for country in self.holidays)


class CountRule(CompiledRule):
    """Deny when ``limit`` matching calls fall in the `days` local days ending today.

    Frequency caps and cooling-off periods are both this shape: a cooling-off period is a
    cap of one triggering call.
    """

    __slots__ = ("channels", "outcomes", "limit", "days", "per_debt")

    def __init__(self, spec: RuleSpec, *, outcomes: frozenset[str], limit: int) -> None:
        super().__init__(spec)
        self.channels = spec.applies_to.channels
        self.outcomes = outcomes
        self.limit = limit
        self.days: int = spec.parameters["days"]
        self.per_debt: bool = spec.parameters["per_debt"]

    def violated(self, situation: Situation) -> bool:
        return len(self.recent(situation)) >= self.limit

    def recent(self, situation: Situation) -> list[float]:
        """Return the times of the calls this rule counts in the window ending today."""
        since = situation.day_starts(self.days)[self.days - 1]
        channels, outcomes, debt = self.channels, self.outcomes, situation.attempt.debt
        # An unknown debt on either side might be the same debt: count it (fail closed).
        any_debt = not self.per_debt or debt is None
        return [
            entry.timestamp
            for entry in situation.history_with_recipient()
            if entry.timestamp >= since
            and entry.channel in channels
            and entry.outcome in outcomes
            and (any_debt or entry.debt is None or entry.debt == debt)
        ]

    def clears_on(self, situation: Situation) -> date:
        """Return the first local date on which the same history no longer trips this rule."""
        stamps = self.recent(situation)
        if len(stamps) < self.limit:
            return situation.today
        stamps.sort(reverse=True)
        starts = situation.day_starts(self.days)
        age = next(k for k in range(self.days) if stamps[self.limit - 1] >= starts[k])
        # The limit-th most recent call leaves the window `days` days after its own day.
        return situation.today + (self.days - age) * _DAY


def frequency_cap(spec: RuleSpec) -> CountRule:
    """Compile a frequency cap."""
    return CountRule(spec, outcomes=spec.parameters["outcomes"], limit=spec.parameters["max"])


def cooling_off(spec: RuleSpec) -> CountRule:
    """Compile a cooling-off period: one triggering call blocks the following days."""
    return CountRule(spec, outcomes=spec.parameters["trigger_outcomes"], limit=1)


class RoleDeniedRule(CompiledRule):
    """Never contact recipients of these roles."""

    __slots__ = ("roles",)

    def __init__(self, spec: RuleSpec) -> None:
        super().__init__(spec)
        self.roles: frozenset[str] = spec.parameters["roles"]

    def static(self, channel: str, role: str, purpose: str) -> bool | None:
        return role in self.roles


class PurposeAllowedRule(CompiledRule):
    """Contact recipients in scope only for these purposes."""

    __slots__ = ("purposes",)

    def __init__(self, spec: RuleSpec) -> None:
        super().__init__(spec)
        self.purposes: frozenset[str] = spec.parameters["purposes"]

    def static(self, channel: str, role: str, purpose: str) -> bool | None:
        return purpose not in self.purposes


class UnreachableRequiredRule(CompiledRule):
    """Contact recipients in scope only while the debtor cannot be reached."""

    __slots__ = ()

    def violated(self, situation: Situation) -> bool:
        return not situation.facts.debtor_unreachable


class FirstContactOnlyRule(CompiledRule):
    """Contact a recipient in scope only if no earlier attempt to them got through.

    Any channel and any debt count; outcomes listed in ``ignored_outcomes`` do not.
    """

    __slots__ = ("ignored",)

    def __init__(self, spec: RuleSpec) -> None:
        super().__init__(spec)
        self.ignored: frozenset[str] = spec.parameters["ignored_outcomes"]

    def violated(self, situation: Situation) -> bool:
        ignored = self.ignored
        return any(e.outcome not in ignored for e in situation.history_with_recipient())


class ConsentRequiredRule(CompiledRule):
    """Contact recipients in scope only with every consent listed."""

    __slots__ = ("consents",)

    def __init__(self, spec: RuleSpec) -> None:
        super().__init__(spec)
        self.consents: frozenset[str] = spec.parameters["consents"]

    def violated(self, situation: Situation) -> bool:
        return not self.consents <= situation.facts.consents


class HoldRule(CompiledRule):
    """Any hold blocks, including kinds this version does not know (fail closed)."""

    __slots__ = ()

    def violated(self, situation: Situation) -> bool:
        return bool(situation.facts.holds)


class OptOutRule(CompiledRule):
    """A recipient who opted out is not contacted."""

    __slots__ = ()

    def violated(self, situation: Situation) -> bool:
        return situation.facts.opted_out


class CertificationRule(CompiledRule):
    """Only certified collectors contact anyone."""

    __slots__ = ()

    def violated(self, situation: Situation) -> bool:
        return situation.attempt.collector_certified is not True


class AccountStateRule(CompiledRule):
    """Collect only on accounts at least ``min_days_past_due`` days past due."""

    __slots__ = ("minimum",)

    def __init__(self, spec: RuleSpec) -> None:
        super().__init__(spec)
        self.minimum: int = spec.parameters["min_days_past_due"]

    def violated(self, situation: Situation) -> bool:
        days = situation.facts.days_past_due
        return days is None or days < self.minimum


class ContentRule(CompiledRule):
    """Deny content in which the content checker finds this rule's finding.

    A pack has one content rule per finding. The `unreadable` rule also answers a label no
    content rule names (only a replacement checker returns one): the gate cannot say what
    was found, and still refuses the text.
    """

    __slots__ = ("finding", "answers_unnamed")

    def __init__(self, spec: RuleSpec) -> None:
        super().__init__(spec)
        self.finding: str = spec.parameters["finding"]
        self.answers_unnamed = self.finding == UNREADABLE

    def violated(self, situation: Situation) -> bool:
        if situation.attempt.content is None:
            return False
        found = situation.content_findings()
        if self.finding in found:
            return True
        return self.answers_unnamed and not found <= _NAMED_FINDINGS


_NAMED_FINDINGS = frozenset(CONTENT_FINDINGS)


class FailClosedRule(CompiledRule):
    """The reason given when a needed fact is missing; never evaluated as a rule."""

    __slots__ = ()

    def applies(self, channel: str, role: str, purpose: str) -> bool:
        return False

    def gap_reason(self, fact: str, language: Language) -> Reason:
        """Return the data-gap reason naming the missing `fact`."""
        template = self.reasons[language]
        messages = {name: text.replace("{fact}", fact) for name, text in template.messages.items()}
        return Reason(
            template.rule, template.category, template.citation, messages[language], messages
        )


def compile_rule(spec: RuleSpec) -> CompiledRule:
    """Return the compiled form of `spec`."""
    simple: dict[str, type[CompiledRule]] = {
        "time_window": TimeWindowRule,
        "role_denied": RoleDeniedRule,
        "purpose_allowed": PurposeAllowedRule,
        "unreachable_required": UnreachableRequiredRule,
        "first_contact_only": FirstContactOnlyRule,
        "consent_required": ConsentRequiredRule,
        "hold": HoldRule,
        "opt_out": OptOutRule,
        "certification": CertificationRule,
        "account_state": AccountStateRule,
        "content": ContentRule,
        "fail_closed": FailClosedRule,
    }
    if spec.kind == "frequency_cap":
        return frequency_cap(spec)
    if spec.kind == "cooling_off":
        return cooling_off(spec)
    return simple[spec.kind](spec)
