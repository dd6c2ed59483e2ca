"""Every rule of every pack, both sides: a case that breaks it and a case that satisfies it.

The cases are built from the rule's own kind, scope and parameters, so a rule added to a
pack is covered the day it is added.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

import pytest

from tactful.policy import Attempt, Facts, decide, load_pack, pack_names
from tactful.policy.rules import CompiledRule
from tactful.policy.tests.builders import ZONE_OF_PACK, attempt, call, facts, local
from tactful.policy.types import RecipientRole

RULES = [(name, rule.id) for name in pack_names() for rule in load_pack(name).rules]
# For each finding of the content checker: to whom a text is said, and a text it is found in.
SAYING: dict[str, tuple[RecipientRole, str]] = {
    "threat": ("debtor", "我知道你女儿在哪个学校上学。"),
    "insult": ("debtor", "你就是个老赖"),
    "impersonation": ("debtor", "我们是公安局的，请配合调查。"),
    "false_legal_claim": ("debtor", "再不还就等着坐牢"),
    "exposure_threat": ("debtor", "再不还钱我就把你欠钱的事发给你通讯录里所有人。"),
    "third_party_disclosure": ("third_party", "他的贷款已逾期"),
    "unreadable": ("debtor", "Yоu will rеgrеt this"),  # Cyrillic о and е
}


def _rule(pack: str, rule_id: str) -> CompiledRule:
    return next(rule for rule in load_pack(pack).rules if rule.id == rule_id)


def _first(values: frozenset[str], preferred: tuple[str, ...]) -> str:
    return next(value for value in preferred if value in values)


def _fields(a: Attempt) -> dict[str, Any]:
    return {name: getattr(a, name) for name in Attempt.__dataclass_fields__}


def _base(pack: str, rule: CompiledRule) -> tuple[Attempt, Facts, datetime]:
    """Return an attempt inside the rule's scope that nothing in the pack forbids."""
    scope = rule.spec.applies_to
    role = _first(scope.roles, ("debtor", "emergency_contact", "guarantor", "third_party"))
    purposes = rule.spec.parameters.get("purposes", scope.purposes)
    # Someone other than the debtor is contacted, where at all, to locate the debtor.
    order = ("collection", "locate", "reminder", "service")
    if role in ("emergency_contact", "third_party"):
        order = ("locate", "collection", "reminder", "service")
    purpose = _first(scope.purposes & purposes if purposes else scope.purposes, order)
    zone = ZONE_OF_PACK[pack]
    a = attempt(
        channel=_first(scope.channels, ("call", "sms", "push", "email", "visit", "letter")),
        recipient="p-1",
        recipient_role=role,
        purpose=purpose,
        recipient_timezone=zone,
    )
    f = facts(debtor_unreachable=True, consents=frozenset({"emergency_contact"}))
    return a, f, local("2026-05-11 11:00", zone)


def _broken(pack: str, rule: CompiledRule) -> tuple[Attempt, Facts, datetime]:
    a, f, now = _base(pack, rule)
    params: dict[str, Any] = dict(rule.spec.parameters)
    kind = rule.kind
    if kind == "time_window":
        now = local("2026-05-11 03:00", ZONE_OF_PACK[pack])
    elif kind in ("frequency_cap", "cooling_off"):
        outcomes = params.get("outcomes") or params["trigger_outcomes"]
        count = params.get("max", 1)
        history = tuple(
            call(now - timedelta(minutes=n + 1), sorted(outcomes)[0], recipient="p-1")
            for n in range(count)
        )
        f = replace(f, history=history)
    elif kind == "role_denied":
        a = replace(a, recipient_role=sorted(params["roles"])[0])
    elif kind == "purpose_allowed":
        others = frozenset({"collection", "reminder", "locate"}) - params["purposes"]
        a = attempt(**{**_fields(a), "purpose": _first(others, ("collection", "reminder"))})
    elif kind == "unreachable_required":
        f = replace(f, debtor_unreachable=False)
    elif kind == "first_contact_only":
        f = replace(f, history=(call(now - timedelta(days=30), "connected", recipient="p-1"),))
    elif kind == "consent_required":
        f = replace(f, consents=frozenset())
    elif kind == "hold":
        f = replace(f, holds=("complaint",))
    elif kind == "opt_out":
        f = replace(f, opted_out=True)
    elif kind == "certification":
        a = replace(a, collector_certified=False)
    elif kind == "account_state":
        f = replace(f, days_past_due=params["min_days_past_due"] - 1)
    elif kind == "content":
        role, text = SAYING[params["finding"]]
        a = replace(a, recipient_role=role, purpose="service", content=text)
    elif kind == "fail_closed":
        a = replace(a, recipient_timezone=None)
    return a, f, now


@pytest.mark.parametrize(("pack", "rule_id"), RULES)
def test_the_rule_is_reported_when_broken(pack: str, rule_id: str) -> None:
    rule = _rule(pack, rule_id)
    a, f, now = _broken(pack, rule)
    decision = decide(a, f, now, load_pack(pack))
    assert decision.verdict == "deny"
    assert rule_id in [reason.rule for reason in decision.reasons]
    assert rule.category in decision.categories


@pytest.mark.parametrize(("pack", "rule_id"), RULES)
def test_the_rule_is_silent_when_satisfied(pack: str, rule_id: str) -> None:
    a, f, now = _base(pack, _rule(pack, rule_id))
    decision = decide(a, f, now, load_pack(pack))
    assert rule_id not in [reason.rule for reason in decision.reasons]
    assert decision.allowed, decision.reasons
