"""next_allowed_at beyond the pack tables: windows that never open, and the other blocks."""

from __future__ import annotations

from typing import Any

from tactful.policy import decide, load_pack
from tactful.policy.tests.builders import attempt, calls, facts, local

DAWN_ONLY: dict[str, Any] = {
    "id": "acme.dawn_only",
    "kind": "time_window",
    "category": "time_window",
    "applies_to": {"channels": ["call"]},
    "parameters": {"start": "06:00", "end": "07:00", "weekdays": ["mon"], "holidays": []},
    "citation": "ACME",
    "confidence": "H",
    "messages": {"en": "dawn only", "zh-Hans": "仅清晨"},
}


def test_windows_that_never_overlap_give_no_next_time() -> None:
    pack = load_pack("cn", override={"pack": "cn", "rules": [DAWN_ONLY]})
    decision = decide(attempt(), facts(), local("2026-05-11 10:00"), pack)
    assert decision.categories == ("time_window",)
    assert len(decision.reasons) == 1
    assert decision.next_allowed_at is None


def test_weekday_limits_from_an_added_window_are_respected() -> None:
    monday_morning = {
        **DAWN_ONLY,
        "parameters": {**DAWN_ONLY["parameters"], "start": "08:00", "end": "09:00"},
    }
    pack = load_pack("cn", override={"pack": "cn", "rules": [monday_morning]})
    decision = decide(attempt(), facts(), local("2026-05-11 10:00"), pack)
    assert decision.next_allowed_at == local("2026-05-18 08:00")


def test_no_next_time_when_anything_but_time_blocks() -> None:
    now = local("2026-05-11 23:00")
    full = facts(history=calls(now, 3, "connected"), opted_out=True)
    decision = decide(attempt(), full, now, load_pack("cn"))
    assert decision.categories == ("consent", "frequency", "time_window")
    assert decision.next_allowed_at is None


def test_no_next_time_on_allow() -> None:
    assert (
        decide(attempt(), facts(), local("2026-05-11 10:00"), load_pack("cn")).next_allowed_at
        is None
    )
