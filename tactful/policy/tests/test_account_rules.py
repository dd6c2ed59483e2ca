"""Holds, opt-out, certification, account state and the service purpose, in every pack."""

from __future__ import annotations

from typing import Any

import pytest

from tactful.policy import Decision, load_pack
from tactful.policy.tests.builders import ZONE_OF_PACK, attempt, decide_in, facts, local

PACKS = sorted(ZONE_OF_PACK)
HOLD_KINDS = [
    "complaint",
    "dispute",
    "cease",
    "hardship",
    "legal",
    "disaster",
    "deceased",
    "bankruptcy",
    "attorney",
    "kind-this-version-does-not-know",
]


def _decide(
    pack: str, clock: str = "11:00", *, a: dict[str, Any] | None = None, **known: Any
) -> Decision:
    zone = ZONE_OF_PACK[pack]
    chosen = attempt(recipient_timezone=zone, **(a or {}))
    return decide_in(pack, local(f"2026-05-11 {clock}", zone), chosen, facts(**known))


def _rule_of_kind(pack: str, kind: str) -> str:
    return next(rule.id for rule in load_pack(pack).rules if rule.kind == kind)


@pytest.mark.parametrize("pack", PACKS)
@pytest.mark.parametrize("hold", HOLD_KINDS)
def test_any_hold_blocks(pack: str, hold: str) -> None:
    decision = _decide(pack, holds=(hold,))
    assert decision.categories == ("hold",)
    assert [r.rule for r in decision.reasons] == [_rule_of_kind(pack, "hold")]
    assert decision.next_allowed_at is None


@pytest.mark.parametrize("pack", PACKS)
def test_an_opt_out_blocks_with_consent(pack: str) -> None:
    decision = _decide(pack, opted_out=True)
    assert decision.categories == ("consent",)
    assert [r.rule for r in decision.reasons] == [_rule_of_kind(pack, "opt_out")]


@pytest.mark.parametrize("pack", PACKS)
def test_an_uncertified_collector_is_blocked(pack: str) -> None:
    decision = _decide(pack, a={"collector_certified": False})
    assert decision.categories == ("certification",)


@pytest.mark.parametrize("pack", PACKS)
@pytest.mark.parametrize(("days", "allowed"), [(-3, False), (0, False), (1, True), (90, True)])
def test_collection_needs_an_overdue_account(pack: str, days: int, allowed: bool) -> None:
    decision = _decide(pack, days_past_due=days)
    assert decision.allowed is allowed
    assert decision.categories == (() if allowed else ("account_state",))


@pytest.mark.parametrize("pack", PACKS)
@pytest.mark.parametrize("purpose", ["reminder", "locate"])
def test_other_purposes_do_not_need_an_overdue_account(pack: str, purpose: str) -> None:
    assert _decide(pack, a={"purpose": purpose}, days_past_due=0).allowed


@pytest.mark.parametrize("pack", PACKS)
def test_every_violated_rule_is_reported_with_sorted_categories(pack: str) -> None:
    decision = _decide(
        pack,
        a={"collector_certified": False},
        holds=("complaint",),
        opted_out=True,
        days_past_due=0,
    )
    assert decision.categories == ("account_state", "certification", "consent", "hold")
    assert len(decision.reasons) == 4
    assert decision.next_allowed_at is None


@pytest.mark.parametrize("pack", PACKS)
def test_a_hold_at_night_has_no_next_allowed_time(pack: str) -> None:
    decision = _decide(pack, "23:30", holds=("dispute",))
    assert decision.categories == ("hold", "time_window")
    assert decision.next_allowed_at is None


class TestService:
    @pytest.mark.parametrize("pack", PACKS)
    def test_service_ignores_holds_opt_out_certification_and_account_state(self, pack: str) -> None:
        decision = _decide(
            pack,
            a={"purpose": "service", "collector_certified": False},
            holds=("complaint",),
            opted_out=True,
            days_past_due=0,
        )
        assert decision.allowed

    @pytest.mark.parametrize("pack", PACKS)
    def test_service_still_obeys_the_window(self, pack: str) -> None:
        decision = _decide(pack, "23:30", a={"purpose": "service"})
        assert decision.categories == ("time_window",)
        assert decision.next_allowed_at is not None

    def test_service_ignores_call_caps(self) -> None:
        from tactful.policy.tests.builders import calls

        now = local("2026-05-11 11:00")
        history = calls(now, 9, "connected")
        decision = decide_in("cn", now, attempt(purpose="service"), facts(history=history))
        assert decision.allowed

    def test_service_needs_neither_days_past_due_nor_certification(self) -> None:
        now = local("2026-05-11 11:00")
        a = attempt(purpose="service", collector_certified=None)
        assert decide_in("cn", now, a, facts(days_past_due=None)).allowed


@pytest.mark.parametrize("pack", PACKS)
def test_reasons_come_in_the_requested_language(pack: str) -> None:
    from tactful.policy import decide

    zone = ZONE_OF_PACK[pack]
    now = local("2026-05-11 11:00", zone)
    a = attempt(recipient_timezone=zone)
    english = decide(a, facts(holds=("cease",)), now, load_pack(pack))
    chinese = decide(a, facts(holds=("cease",)), now, load_pack(pack), language="zh-Hans")
    assert english.reasons[0].message.startswith("A hold")
    assert "暂停" in chinese.reasons[0].message
    assert english.reasons[0].citation == chinese.reasons[0].citation
