"""The never-loosens sweep: a loosening is caught with its rule named, a tightening is not.

Each sweep decides tens of thousands of scenarios under two packs (about a second), so
each proposal here is swept once and the property tests draw scenarios against it.
"""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tactful.policy import Attempt, CompiledPack, Facts, decide, load_pack
from tactful.policy.overrides import merge_override
from tactful.policy.packs import compile_pack, pack_names, read_pack_file
from tactful.policy.sweep import FindingChecker, SweepReport, sweep
from tactful.policy.tests.strategies import attempts, facts_at, instants

WINDOW = "cn.gbt45251.quiet_hours"
CONNECTED = "cn.gbt45251.connected_call_cap"
UNANSWERED = "cn.cba2026.unanswered_attempt_cap"
EC_PURPOSE = "cn.gbt45251.contact_person_purpose"
EC_CONSENT = "cn.pipl.contact_person_consent"
DUE = "cn.tactful.collect_after_due"

# Each changes one rule the looser way; the sweep must name that rule.
LOOSENINGS: dict[str, dict[str, Any]] = {
    WINDOW: {"id": WINDOW, "parameters": {"end": "23:00"}},
    CONNECTED: {"id": CONNECTED, "parameters": {"max": 5}},
    UNANSWERED: {"id": UNANSWERED, "parameters": {"outcomes": ["failed"]}},
    EC_PURPOSE: {"id": EC_PURPOSE, "parameters": {"purposes": ["locate", "reminder"]}},
    EC_CONSENT: {"id": EC_CONSENT, "applies_to": {"roles": ["guarantor"]}},
    DUE: {"id": DUE, "parameters": {"min_days_past_due": 0}},
}
TIGHTENINGS: tuple[dict[str, Any], ...] = (
    {"id": WINDOW, "parameters": {"start": "09:00", "end": "20:00", "weekdays": ["mon", "tue"]}},
    {"id": CONNECTED, "parameters": {"max": 1, "days": 2}},
    {"id": DUE, "parameters": {"min_days_past_due": 5}},
)
QUICK = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _pack(*rules: dict[str, Any]) -> CompiledPack:
    return compile_pack(
        merge_override(read_pack_file("cn"), {"pack": "cn", "rules": list(rules)}, "<t>")
    )


@lru_cache(maxsize=16)
def _swept(rule: str) -> SweepReport:
    return sweep(load_pack("cn"), _pack(LOOSENINGS[rule]))


@pytest.mark.parametrize("name", pack_names())
def test_a_pack_swept_against_itself_changes_nothing(name: str) -> None:
    pack = load_pack(name)
    report = sweep(pack, pack)
    assert report.scenarios > 20_000
    assert (report.loosened, report.tightened) == (0, 0)
    assert report.never_loosens


@pytest.mark.parametrize("rule", sorted(LOOSENINGS))
def test_a_loosening_is_caught_with_its_rule_named(rule: str) -> None:
    report = _swept(rule)
    assert not report.never_loosens
    assert report.loosened_rules == {rule}
    example = report.loosened_examples[0].to_json()
    assert example["current"] == {"decision": "deny", "rules": [rule]}
    assert example["proposed"] == {"decision": "allow", "rules": []}


def test_a_later_end_is_caught_in_the_hour_it_opens() -> None:
    times = {
        change.probe.to_json()["local_time"][-5:] for change in _swept(WINDOW).loosened_examples
    }
    assert times
    assert times <= {"22:00", "22:59"}


def test_a_tightening_loosens_nothing_and_lists_stricter_decisions() -> None:
    report = sweep(load_pack("cn"), _pack(*TIGHTENINGS))
    assert report.never_loosens
    assert report.tightened > 0
    stricter = report.tightened_examples[0].to_json()
    assert (stricter["current"]["decision"], stricter["proposed"]["decision"]) == ("allow", "deny")


def test_the_same_tightening_through_the_strict_loader_is_the_same_pack() -> None:
    strict = load_pack("cn", override={"pack": "cn", "rules": list(TIGHTENINGS)})
    assert strict.digest == _pack(*TIGHTENINGS).digest
    assert strict.digest != load_pack("cn").digest


@QUICK
@given(rule=st.sampled_from(sorted(LOOSENINGS)), data=st.data())
def test_any_scenario_that_loosens_is_one_the_sweep_names(rule: str, data: st.DataObject) -> None:
    """Random attempts and facts (any zone, history, content): whenever one is denied by the
    pack and allowed by the proposal, the sweep has found that rule loosening too."""
    now: datetime = data.draw(instants)
    attempt: Attempt = data.draw(attempts)
    facts: Facts = data.draw(facts_at(now))
    checker = FindingChecker()
    content = data.draw(st.sampled_from((None, "clean", "threat", "insult")))
    attempt = Attempt(**{**_fields(attempt), "content": content})
    before = decide(attempt, facts, now, load_pack("cn"), content_checker=checker)
    after = decide(attempt, facts, now, _pack(LOOSENINGS[rule]), content_checker=checker)
    if after.allowed and not before.allowed:
        assert {reason.rule for reason in before.reasons} & _swept(rule).loosened_rules


def _fields(attempt: Attempt) -> dict[str, Any]:
    return {name: getattr(attempt, name) for name in Attempt.__slots__}
