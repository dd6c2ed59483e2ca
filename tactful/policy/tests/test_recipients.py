"""Who may be contacted, for what: third parties, emergency contacts and their consent."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from tactful.policy import Decision
from tactful.policy.tests.builders import ZONE_OF_PACK, attempt, call, decide_in, facts, local

CONSENTED = {"consents": frozenset({"emergency_contact"})}
UNREACHABLE = {"debtor_unreachable": True}
BOTH = {**CONSENTED, **UNREACHABLE}
EC, TP = "emergency_contact", "third_party"


def _decide(pack: str, role: str, purpose: str, **fact_changes: Any) -> Decision:
    zone = ZONE_OF_PACK[pack]
    now = local("2026-05-11 11:00", zone)
    a = attempt(recipient="p-1", recipient_role=role, purpose=purpose, recipient_timezone=zone)
    return decide_in(pack, now, a, facts(**fact_changes))


TABLE: list[tuple[str, str, str, dict[str, Any], tuple[str, ...]]] = [
    # cn: contact persons only to locate, only when the debtor is unreachable, with consent
    ("cn", EC, "locate", BOTH, ()),
    ("cn", EC, "locate", CONSENTED, ("third_party",)),
    ("cn", EC, "locate", UNREACHABLE, ("consent",)),
    ("cn", EC, "locate", {}, ("consent", "third_party")),
    ("cn", EC, "collection", BOTH, ("third_party",)),
    ("cn", EC, "reminder", BOTH, ("third_party",)),
    ("cn", TP, "locate", BOTH, ("third_party",)),
    ("cn", TP, "collection", {}, ("third_party",)),
    # us: third parties and emergency contacts only to locate (history cases below)
    ("us", EC, "locate", {}, ()),
    ("us", TP, "locate", {}, ()),
    ("us", TP, "collection", {}, ("third_party",)),
    ("us", EC, "reminder", {}, ("third_party",)),
    # in, ph, ke: neither emergency contacts nor third parties
    *[
        (p, role, purpose, BOTH, ("third_party",))
        for p in ("in", "ph", "ke")
        for role in (EC, TP)
        for purpose in ("locate", "collection", "reminder")
    ],
    # id: emergency contacts only to locate, and only with their consent
    ("id", EC, "locate", CONSENTED, ()),
    ("id", EC, "locate", UNREACHABLE, ("consent",)),
    ("id", EC, "collection", CONSENTED, ("third_party",)),
    ("id", EC, "collection", {}, ("consent", "third_party")),
    ("id", TP, "locate", CONSENTED, ("third_party",)),
    # uk: emergency contacts only to locate; third parties never
    ("uk", EC, "locate", {}, ()),
    ("uk", EC, "collection", {}, ("third_party",)),
    ("uk", TP, "locate", {}, ("third_party",)),
]


@pytest.mark.parametrize(("pack", "role", "purpose", "known", "expected"), TABLE)
def test_recipient_rules(
    pack: str, role: str, purpose: str, known: dict[str, Any], expected: tuple[str, ...]
) -> None:
    decision = _decide(pack, role, purpose, **known)
    assert decision.categories == expected
    assert decision.next_allowed_at is None


@pytest.mark.parametrize("pack", sorted(ZONE_OF_PACK))
@pytest.mark.parametrize("purpose", ["collection", "reminder", "locate"])
def test_a_guarantor_is_treated_as_the_debtor(pack: str, purpose: str) -> None:
    assert _decide(pack, "guarantor", purpose).allowed


@pytest.mark.parametrize("pack", sorted(ZONE_OF_PACK))
@pytest.mark.parametrize("role", [EC, TP])
def test_service_answers_anyone_within_the_window(pack: str, role: str) -> None:
    assert _decide(pack, role, "service").allowed


class TestUnitedStatesLocationOnce:
    now = local("2026-05-11 11:00", "America/Chicago")

    def _decide(self, *history: Any) -> Decision:
        a = attempt(
            recipient="p-1",
            recipient_role=TP,
            purpose="locate",
            recipient_timezone="America/Chicago",
        )
        return decide_in("us", self.now, a, facts(history=history))

    def test_an_earlier_answered_attempt_on_any_channel_or_debt_blocks(self) -> None:
        earlier = self.now - timedelta(days=40)
        for entry in (
            call(earlier, "connected", recipient="p-1"),
            call(earlier, "no_answer", recipient="p-1", debt="other"),
            call(earlier, "delivered", recipient="p-1", channel="sms"),
        ):
            decision = self._decide(entry)
            assert decision.categories == ("third_party",)
            assert decision.reasons[0].rule == "us.regf.location_once"

    def test_earlier_failed_attempts_do_not_count(self) -> None:
        assert self._decide(
            *[call(self.now - timedelta(days=d), "failed", recipient="p-1") for d in (1, 2)]
        ).allowed

    def test_attempts_to_other_people_do_not_count(self) -> None:
        assert self._decide(call(self.now, "connected", recipient="b-1")).allowed

    def test_an_attempt_after_now_does_not_count_but_one_at_now_does(self) -> None:
        assert self._decide(
            call(self.now + timedelta(seconds=1), "connected", recipient="p-1")
        ).allowed
        assert self._decide(call(self.now, "connected", recipient="p-1")).verdict == "deny"
