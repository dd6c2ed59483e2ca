"""Training drills built from a pack: everyday situations, answered by ``decide()`` itself.

Each drill changes one thing about an ordinary call (the hour, the person, a hold, the
calls already made today, a certificate, the words of a text) and asks the gate. The
right answer of a quiz question is the gate's, never a key written by hand, so a drill
cannot teach something the rules do not say, and a pack's change changes its quiz.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from tactful.policy.engine import decide
from tactful.policy.packs import CompiledPack
from tactful.policy.types import Attempt, Decision, Facts, HistoryEntry

DEBTOR, CONTACT, STRANGER = "person-debtor", "person-contact", "person-stranger"
ORDINARY_HOUR = time(14, 0)
ORDINARY_DAYS_PAST_DUE = 20
POLITE_REMINDER = "您好，您本期账单已逾期，如需分期或暂缓还款，可在应用内申请。"
DISCLOSING_TEXT = "您好，请转告您的朋友，他的借款已经逾期，请尽快还钱。"


@dataclass(frozen=True)
class Situation:
    """What is true when the collector wants to make the contact (before the gate answers)."""

    attempt: Attempt
    facts: Facts
    now: datetime


@dataclass(frozen=True)
class Drill:
    key: str
    situation: Situation
    decision: Decision

    @property
    def allowed(self) -> bool:
        return self.decision.allowed


Change = Callable[[Situation], Situation]


def ordinary_call(pack: CompiledPack, *, today: datetime) -> Situation:
    """A certified collector calls the borrower about a 20-day debt, 14:00 on a weekday."""
    zone = ZoneInfo(pack.spec.time_zone)
    day = today.astimezone(zone).date()
    while day.weekday() != 2:  # a Wednesday: a working day under every pack
        day += timedelta(days=1)
    at = datetime.combine(day, ORDINARY_HOUR, tzinfo=zone)
    attempt = Attempt(
        channel="call",
        recipient=DEBTOR,
        recipient_role="debtor",
        purpose="collection",
        recipient_timezone=pack.spec.time_zone,
        debt="loan-1",
        collector_certified=True,
    )
    facts = Facts(days_past_due=ORDINARY_DAYS_PAST_DUE, consents=frozenset({"emergency_contact"}))
    return Situation(attempt, facts, at)


def _at(hour: int, minute: int = 0) -> Change:
    def change(s: Situation) -> Situation:
        return replace(s, now=s.now.replace(hour=hour, minute=minute))

    return change


def _attempt(**fields: object) -> Change:
    def change(s: Situation) -> Situation:
        return replace(s, attempt=replace(s.attempt, **fields))  # type: ignore[arg-type]

    return change


def _facts(**fields: object) -> Change:
    def change(s: Situation) -> Situation:
        return replace(s, facts=replace(s.facts, **fields))  # type: ignore[arg-type]

    return change


def _calls_today(outcome: str, count: int) -> Change:
    def change(s: Situation) -> Situation:
        earlier = tuple(
            HistoryEntry(
                at=s.now - timedelta(minutes=40 * (n + 1)),
                channel="call",
                recipient=s.attempt.recipient,
                outcome=outcome,  # type: ignore[arg-type]
                debt=s.attempt.debt,
            )
            for n in range(count)
        )
        return replace(s, facts=replace(s.facts, history=earlier))

    return change


def _both(*changes: Change) -> Change:
    def change(s: Situation) -> Situation:
        for one in changes:
            s = one(s)
        return s

    return change


_TO_CONTACT = _attempt(recipient=CONTACT, recipient_role="emergency_contact", purpose="locate")
_BY_TEXT = _attempt(channel="sms", content=POLITE_REMINDER)

# Every drill: its key (what the quiz page words it by) and the one change it makes.
CHANGES: tuple[tuple[str, Change], ...] = (
    ("ordinary_call", _both()),
    ("late_evening", _at(22, 30)),
    ("early_morning", _at(7, 15)),
    ("uncertified", _attempt(collector_certified=False)),
    ("stranger", _attempt(recipient=STRANGER, recipient_role="third_party")),
    ("contact_about_debt", _attempt(recipient=CONTACT, recipient_role="emergency_contact")),
    ("contact_borrower_reachable", _TO_CONTACT),
    ("contact_borrower_unreachable", _both(_TO_CONTACT, _facts(debtor_unreachable=True))),
    ("contact_without_consent", _both(
        _TO_CONTACT, _facts(debtor_unreachable=True, consents=frozenset())
    )),
    ("third_connected_call", _calls_today("connected", 2)),
    ("fourth_connected_call", _calls_today("connected", 3)),
    ("many_unanswered", _calls_today("no_answer", 6)),
    ("complaint_hold", _facts(holds=("complaint",))),
    ("hardship_hold", _facts(holds=("hardship",))),
    ("promise_hold", _facts(holds=("promise",))),
    ("opted_out", _facts(opted_out=True)),
    ("polite_text", _BY_TEXT),
    ("text_to_contact_naming_debt", _both(
        _TO_CONTACT, _facts(debtor_unreachable=True),
        _attempt(channel="sms", content=DISCLOSING_TEXT),
    )),
    ("text_at_night", _both(_BY_TEXT, _at(23, 0))),
)  # fmt: skip


def drills(pack: CompiledPack, *, today: datetime) -> list[Drill]:
    """Return every drill for `pack`, each with the gate's decision (in English)."""
    base = ordinary_call(pack, today=today)
    found = []
    for key, change in CHANGES:
        situation = change(base)
        decision = decide(situation.attempt, situation.facts, situation.now, pack)
        found.append(Drill(key, situation, decision))
    return found
