"""The rule-by-rule diff: each change of a proposal named, and which way it goes."""

from __future__ import annotations

from typing import Any

import pytest

from tactful.policy import PackError
from tactful.policy.overrides import merge_override
from tactful.policy.pack_diff import diff_packs, pack_verdict
from tactful.policy.packs import read_pack_file
from tactful.policy.schema import PackSpec

WINDOW = "cn.gbt45251.quiet_hours"
CONNECTED = "cn.gbt45251.connected_call_cap"
HOLDS = "cn.tactful.holds"
EC_PURPOSE = "cn.gbt45251.contact_person_purpose"

NEW_RULE: dict[str, Any] = {
    "id": "acme.sms_daily_cap",
    "kind": "frequency_cap",
    "category": "frequency",
    "applies_to": {"channels": ["sms"]},
    "parameters": {"outcomes": ["delivered"], "max": 2, "days": 1, "per_debt": False},
    "citation": "ACME collection policy 2026 §4",
    "confidence": "H",
    "messages": {"en": "At most {max} messages a day.", "zh-Hans": "每天最多 {max} 条短信。"},
}


def _proposed(*rules: dict[str, Any]) -> PackSpec:
    return merge_override(read_pack_file("cn"), {"pack": "cn", "rules": list(rules)}, "<test>")


def _changed(proposed: PackSpec) -> dict[str, Any]:
    diffs = diff_packs(read_pack_file("cn"), proposed)
    return {diff.rule: diff for diff in diffs if diff.verdict != "same"}


def test_the_same_pack_is_the_same_rule_by_rule() -> None:
    cn = read_pack_file("cn")
    diffs = diff_packs(cn, cn)
    assert {diff.verdict for diff in diffs} == {"same"}
    assert [diff.rule for diff in diffs] == [rule.id for rule in cn.rules]
    assert pack_verdict(diffs) == "same"


def test_an_earlier_start_is_looser_and_says_both_values() -> None:
    changed = _changed(_proposed({"id": WINDOW, "parameters": {"start": "07:00"}}))
    assert list(changed) == [WINDOW]
    diff = changed[WINDOW]
    assert diff.verdict == "looser"
    assert diff.loosens
    assert [c.to_json() for c in diff.changes] == [
        {"field": "parameters.start", "before": "08:00", "after": "07:00", "direction": "looser"}
    ]


def test_a_lower_cap_and_a_later_start_are_tighter() -> None:
    proposed = _proposed(
        {"id": WINDOW, "parameters": {"start": "09:00"}},
        {"id": CONNECTED, "parameters": {"max": 2}},
    )
    changed = _changed(proposed)
    assert {rule: diff.verdict for rule, diff in changed.items()} == {
        WINDOW: "tighter",
        CONNECTED: "tighter",
    }
    assert pack_verdict(diff_packs(read_pack_file("cn"), proposed)) == "tighter"


def test_a_rule_applying_to_fewer_channels_is_looser() -> None:
    changed = _changed(_proposed({"id": WINDOW, "applies_to": {"channels": ["call"]}}))
    change = changed[WINDOW].changes[0]
    assert (change.field, change.direction) == ("applies_to.channels", "looser")
    assert change.before == "call, push, sms, visit"


def test_a_rule_applying_to_more_channels_is_tighter() -> None:
    scope = {"channels": ["call", "sms", "push", "visit", "email"]}
    changed = _changed(_proposed({"id": WINDOW, "applies_to": scope}))
    assert changed[WINDOW].verdict == "tighter"


def test_swapped_purposes_count_as_looser() -> None:
    # Neither a subset nor a superset: something denied before would be allowed.
    changed = _changed(_proposed({"id": EC_PURPOSE, "parameters": {"purposes": ["reminder"]}}))
    assert changed[EC_PURPOSE].verdict == "looser"


def test_a_removed_rule_is_looser_and_a_new_one_tighter() -> None:
    proposed = _proposed({"id": CONNECTED, "remove": True}, NEW_RULE)
    diffs = diff_packs(read_pack_file("cn"), proposed)
    verdicts = {diff.rule: diff.verdict for diff in diffs if diff.verdict != "same"}
    assert verdicts == {CONNECTED: "removed", "acme.sms_daily_cap": "added"}
    assert diffs[-1].rule == "acme.sms_daily_cap"
    assert pack_verdict(diffs) == "looser"


def test_a_proposal_still_needs_well_typed_values() -> None:
    with pytest.raises(PackError) as caught:
        _proposed({"id": CONNECTED, "parameters": {"max": "three"}})
    assert (caught.value.rule, caught.value.field) == (CONNECTED, "parameters.max")


def test_removing_a_kind_the_engine_needs_is_refused() -> None:
    with pytest.raises(PackError) as caught:
        _proposed({"id": HOLDS, "remove": True})
    assert "hold" in caught.value.reason


def test_remove_must_stand_alone() -> None:
    with pytest.raises(PackError) as caught:
        _proposed({"id": CONNECTED, "remove": True, "parameters": {"max": 1}})
    assert caught.value.field == "remove"
