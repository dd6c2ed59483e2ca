"""Missing or unreadable facts deny with exactly ["data_gap"] (the gate fails closed)."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from tactful.policy import Decision, decide, load_pack, parse_scenario

BASE: dict[str, Any] = {
    "id": "g1",
    "now": "2026-05-11T03:00:00Z",
    "attempt": {
        "channel": "call",
        "recipient": "b-1",
        "recipient_role": "debtor",
        "recipient_timezone": "Asia/Shanghai",
        "debt": "L-1",
        "purpose": "collection",
        "collector_certified": True,
    },
    "facts": {"days_past_due": 12, "holds": ["complaint"]},
}


def _decide(
    attempt: dict[str, Any] | None = None,
    facts: dict[str, Any] | None = None,
    *,
    drop: tuple[str, ...] = (),
) -> Decision:
    line = copy.deepcopy(BASE)
    line["attempt"].update(attempt or {})
    line["facts"].update(facts or {})
    for key in drop:
        section, name = key.split(".")
        line[section].pop(name)
    scenario = parse_scenario(line)
    return decide(scenario.attempt, scenario.facts, scenario.now, load_pack("cn"))


def _is_data_gap(decision: Decision, *facts: str) -> bool:
    named = [reason.message.rsplit(": ", 1)[-1].rstrip(".") for reason in decision.reasons]
    return decision.categories == ("data_gap",) and named == list(facts)


@pytest.mark.parametrize(
    "zone",
    [None, "", "Mars/Olympus", "asia/shanghai", " Asia/Shanghai", 8, "localtime", "Factory"],
)
def test_a_missing_or_unknown_zone_is_a_data_gap_and_nothing_else_is_evaluated(zone: Any) -> None:
    decision = _decide({"recipient_timezone": zone})
    assert _is_data_gap(decision, "recipient_timezone")
    assert decision.next_allowed_at is None


def test_an_absent_zone_is_a_data_gap_for_any_channel_and_purpose() -> None:
    for channel in ("letter", "email"):
        for purpose in ("service", "collection"):
            decision = _decide(
                {"channel": channel, "purpose": purpose}, drop=("attempt.recipient_timezone",)
            )
            assert decision.categories == ("data_gap",)


@pytest.mark.parametrize("days", [None, "12", 12.0, True, [12]])
def test_days_past_due_of_the_wrong_type_is_missing_for_collection(days: Any) -> None:
    assert _is_data_gap(_decide(facts={"days_past_due": days}), "days_past_due")


def test_days_past_due_absent_is_a_gap_for_collection_only() -> None:
    assert _is_data_gap(_decide(drop=("facts.days_past_due",)), "days_past_due")
    reminder = _decide({"purpose": "reminder"}, {"holds": []}, drop=("facts.days_past_due",))
    assert reminder.allowed


@pytest.mark.parametrize("certified", [None, "true", 1])
def test_certification_of_the_wrong_type_is_missing(certified: Any) -> None:
    assert _is_data_gap(_decide({"collector_certified": certified}), "collector_certified")


def test_certification_absent_is_a_gap_except_for_service() -> None:
    assert _is_data_gap(_decide(drop=("attempt.collector_certified",)), "collector_certified")
    assert _decide({"purpose": "service"}, drop=("attempt.collector_certified",)).allowed


def test_every_gap_is_named() -> None:
    decision = _decide(
        {"recipient_timezone": None, "collector_certified": None}, {"days_past_due": None}
    )
    assert _is_data_gap(decision, "recipient_timezone", "days_past_due", "collector_certified")


def test_an_unreadable_history_entry_is_a_gap_except_for_service() -> None:
    history = [{"at": "yesterday", "channel": "call", "recipient": "b-1", "outcome": "connected"}]
    assert _is_data_gap(_decide(facts={"history": history, "holds": []}), "history[0]")
    assert _decide({"purpose": "service"}, {"history": history}).allowed


@pytest.mark.parametrize(
    "entry",
    [
        "a call",
        {"channel": "call", "recipient": "b-1", "outcome": "connected"},
        {
            "at": "2026-05-11T01:00:00",
            "channel": "call",
            "recipient": "b-1",
            "outcome": "connected",
        },
        {
            "at": "2026-05-11T01:00:00Z",
            "channel": "fax",
            "recipient": "b-1",
            "outcome": "connected",
        },
        {"at": "2026-05-11T01:00:00Z", "channel": "call", "recipient": "b-1", "outcome": "busy"},
        {"at": "2026-05-11T01:00:00Z", "channel": "call", "outcome": "connected"},
    ],
)
def test_each_kind_of_unreadable_entry_is_a_gap(entry: Any) -> None:
    assert _decide(facts={"history": [entry], "holds": []}).categories == ("data_gap",)


@pytest.mark.parametrize(
    ("facts", "allowed"),
    [
        ({"holds": None}, True),  # null: no holds were given
        ({"holds": [7]}, False),  # an unreadable hold is still a hold
        ({"holds": [""]}, False),
    ],
)
def test_holds_given_as_a_list_are_holds_whatever_their_entries(
    facts: dict[str, Any], allowed: bool
) -> None:
    decision = _decide(facts={"holds": [], **facts})
    assert decision.allowed is allowed


@pytest.mark.parametrize(
    ("facts", "named"),
    [
        ({"holds": "complaint"}, "holds"),
        ({"holds": {"kind": "complaint"}}, "holds"),
        ({"opted_out": "true"}, "opted_out"),
        ({"opted_out": 1}, "opted_out"),
        ({"opted_out": 0}, "opted_out"),
        ({"debtor_unreachable": "no"}, "debtor_unreachable"),
        ({"history": "3 calls today"}, "history"),
        ({"history": {"calls": 3}}, "history"),
        ({"consents": "emergency_contact"}, "consents"),
        ({"consents": [1]}, "consents"),
        ({"days_past_due": -3}, "days_past_due"),
    ],
)
def test_a_fact_of_the_wrong_type_denies_as_a_data_gap_for_every_purpose(
    facts: dict[str, Any], named: str
) -> None:
    for purpose in ("collection", "reminder", "service"):
        decision = _decide({"purpose": purpose}, {"holds": [], **facts})
        assert _is_data_gap(decision, named), (purpose, decision)


@pytest.mark.parametrize(
    ("attempt", "named"),
    [
        ({"content": ["还钱"]}, "content"),
        ({"debt": 7}, "debt"),
        ({"recipient_timezone": 8}, "recipient_timezone"),
    ],
)
def test_an_attempt_field_of_the_wrong_type_denies_as_a_data_gap(
    attempt: dict[str, Any], named: str
) -> None:
    decision = _decide({"channel": "sms", **attempt}, {"holds": []})
    assert decision.categories == ("data_gap",)
    assert named in [reason.message.rsplit(": ", 1)[-1].rstrip(".") for reason in decision.reasons]


def test_facts_that_are_not_an_object_deny_as_a_data_gap() -> None:
    line = copy.deepcopy(BASE)
    line["facts"] = ["days_past_due", 12]
    scenario = parse_scenario(line)
    decision = decide(scenario.attempt, scenario.facts, scenario.now, load_pack("cn"))
    assert decision.categories == ("data_gap",)


def test_wrong_types_of_consent_facts_do_not_grant_anything() -> None:
    attempt = {"recipient": "ec-1", "recipient_role": "emergency_contact", "purpose": "locate"}
    for known in (
        {"consents": "emergency_contact", "debtor_unreachable": True},
        {"consents": [["emergency_contact"]], "debtor_unreachable": True},
        {"consents": ["emergency_contact"], "debtor_unreachable": "yes"},
    ):
        assert not _decide(attempt, {"holds": [], **known}).allowed
