"""Properties of decide(): more history never helps, next_allowed_at is exact, nothing raises."""

from __future__ import annotations

import copy
import json
from datetime import datetime, timedelta
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tactful.cli.gate import PackBox, decide_line
from tactful.policy import Attempt, Facts, decide, load_pack
from tactful.policy.tests.strategies import (
    PACKS,
    attempts,
    facts_at,
    history_entries,
    instants,
    json_values,
)
from tactful.policy.types import TIMED_CATEGORIES

SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def cases(draw: st.DrawFn) -> tuple[str, Attempt, Facts, datetime]:
    now = draw(instants)
    return draw(st.sampled_from(PACKS)), draw(attempts), draw(facts_at(now)), now


@SETTINGS
@given(case=cases(), data=st.data())
def test_adding_history_never_turns_a_deny_into_an_allow(case: Any, data: st.DataObject) -> None:
    pack_name, attempt, facts, now = case
    extra = data.draw(st.lists(history_entries(now), min_size=1, max_size=10))
    more = Facts(**{**_fields(facts), "history": (*facts.history, *extra)})
    pack = load_pack(pack_name)
    before, after = decide(attempt, facts, now, pack), decide(attempt, more, now, pack)
    if not before.allowed:
        assert not after.allowed
    # Stronger: every rule broken before is still broken.
    assert {r.rule for r in before.reasons} <= {r.rule for r in after.reasons}
    if before.next_allowed_at and after.next_allowed_at:
        assert after.next_allowed_at >= before.next_allowed_at


@SETTINGS
@given(case=cases())
def test_next_allowed_at_is_the_first_instant_that_passes(case: Any) -> None:
    pack_name, attempt, facts, now = case
    # "The same history": what happened up to now.
    facts = Facts(**{**_fields(facts), "history": tuple(e for e in facts.history if e.at <= now)})
    pack = load_pack(pack_name)
    decision = decide(attempt, facts, now, pack)
    if decision.allowed or not TIMED_CATEGORIES.issuperset(decision.categories):
        assert decision.next_allowed_at is None
        return
    later = decision.next_allowed_at
    assert later is not None
    assert later > now
    assert decide(attempt, facts, later, pack).allowed
    just_before = later - timedelta(seconds=1)
    if just_before > now:
        assert not decide(attempt, facts, just_before, pack).allowed


@SETTINGS
@given(line=json_values)
def test_any_json_line_gets_a_decision_or_an_error(line: Any) -> None:
    _answer_is_well_formed(json.dumps(line))


VALID: dict[str, Any] = {
    "id": "p1",
    "now": "2026-05-11T03:00:00Z",
    "pack": "cn",
    "attempt": {
        "channel": "call",
        "recipient": "r-1",
        "recipient_role": "debtor",
        "recipient_timezone": "Asia/Shanghai",
        "purpose": "collection",
        "collector_certified": True,
    },
    "facts": {"days_past_due": 3, "history": []},
}
PATHS = [
    ("id",),
    ("now",),
    ("pack",),
    ("attempt",),
    ("facts",),
    *[("attempt", key) for key in VALID["attempt"]],
    ("attempt", "content"),
    *[("facts", key) for key in ("days_past_due", "holds", "consents", "history", "opted_out")],
]


@SETTINGS
@given(changes=st.lists(st.tuples(st.sampled_from(PATHS), json_values), min_size=1, max_size=4))
def test_a_nearly_valid_line_gets_a_decision_or_an_error(changes: list[Any]) -> None:
    line = copy.deepcopy(VALID)
    for path, value in changes:
        target: Any = line
        for key in path[:-1]:
            target = target.get(key) if isinstance(target, dict) else None
        if isinstance(target, dict):
            target[path[-1]] = value
    _answer_is_well_formed(json.dumps(line))


def _answer_is_well_formed(line: str) -> None:
    answer = decide_line(line, packs=PackBox(None), default_pack="cn", language="en")
    assert ("error" in answer) != ("decision" in answer)
    assert "id" in answer
    if "decision" in answer:
        assert answer["decision"] in ("allow", "deny")
        assert (answer["decision"] == "allow") == (answer["categories"] == [])
    json.dumps(answer)


def _fields(facts: Facts) -> dict[str, Any]:
    return {
        "days_past_due": facts.days_past_due,
        "holds": facts.holds,
        "consents": facts.consents,
        "debtor_unreachable": facts.debtor_unreachable,
        "opted_out": facts.opted_out,
        "history": facts.history,
        "gaps": facts.gaps,
    }


# The type each field of a readable line must have; a value of any other JSON type is
# malformed. ``None`` is absent, which the contract reads as missing, not malformed.
FIELD_TYPES: dict[tuple[str, ...], tuple[type, ...]] = {
    ("facts",): (dict,),
    ("facts", "days_past_due"): (int,),
    ("facts", "holds"): (list,),
    ("facts", "consents"): (list,),
    ("facts", "history"): (list,),
    ("facts", "opted_out"): (bool,),
    ("facts", "debtor_unreachable"): (bool,),
    ("attempt", "recipient_timezone"): (str,),
    ("attempt", "collector_certified"): (bool,),
    ("attempt", "debt"): (str,),
    ("attempt", "content"): (str,),
    ("attempt", "requested_by_recipient"): (bool,),
}
ALLOWED_LINE: dict[str, Any] = {
    **VALID,
    "attempt": {**VALID["attempt"], "channel": "sms", "content": "您的账单已逾期，请尽快处理。"},
    "facts": {
        "days_past_due": 3,
        "history": [],
        "holds": [],
        "consents": [],
        "opted_out": False,
        "debtor_unreachable": False,
    },
}


def _wrongly_typed(expected: tuple[type, ...]) -> st.SearchStrategy[Any]:
    def wrong(value: Any) -> bool:
        if value is None:
            return False
        if isinstance(value, bool):
            return bool not in expected
        return not isinstance(value, expected)

    return json_values.filter(wrong)


def test_the_unmutated_line_is_allowed() -> None:
    """The property below means something only if the line it mutates is allowed."""
    answer = decide_line(
        json.dumps(ALLOWED_LINE), packs=PackBox(None), default_pack="cn", language="en"
    )
    assert answer["decision"] == "allow", answer


@SETTINGS
@given(data=st.data(), path=st.sampled_from(sorted(FIELD_TYPES)))
def test_a_wrongly_typed_fact_is_never_allowed(data: st.DataObject, path: tuple[str, ...]) -> None:
    line: Any = copy.deepcopy(ALLOWED_LINE)
    value = data.draw(_wrongly_typed(FIELD_TYPES[path]), label=".".join(path))
    target = line
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    answer = decide_line(json.dumps(line), packs=PackBox(None), default_pack="cn", language="en")
    assert answer.get("decision") != "allow", (path, value, answer)
    if "decision" in answer:
        assert "data_gap" in answer["categories"], answer


LIST_FIELDS = ("holds", "consents", "history")


@SETTINGS
@given(data=st.data(), field=st.sampled_from(LIST_FIELDS))
def test_a_wrongly_typed_list_entry_is_never_allowed(data: st.DataObject, field: str) -> None:
    line: Any = copy.deepcopy(ALLOWED_LINE)
    expected = dict if field == "history" else str
    entry = data.draw(json_values.filter(lambda v: not isinstance(v, expected)), label=field)
    line["facts"][field] = [entry]
    answer = decide_line(json.dumps(line), packs=PackBox(None), default_pack="cn", language="en")
    assert answer.get("decision") != "allow", (field, entry, answer)
