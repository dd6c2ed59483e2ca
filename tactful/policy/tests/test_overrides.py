"""Lender overrides may only tighten a pack; anything that loosens it is refused at load."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tactful.policy import PackError, decide, load_pack
from tactful.policy.tests.builders import attempt, calls, facts, local

WINDOW = "cn.gbt45251.quiet_hours"
CONNECTED = "cn.gbt45251.connected_call_cap"
NO_STRANGERS = "cn.cba2026.no_unrelated_third_party"
EC_PURPOSE = "cn.gbt45251.contact_person_purpose"

SMS_CAP: dict[str, Any] = {
    "id": "acme.sms_daily_cap",
    "kind": "frequency_cap",
    "category": "frequency",
    "applies_to": {"channels": ["sms"]},
    "parameters": {"outcomes": ["delivered"], "max": 2, "days": 1, "per_debt": False},
    "citation": "ACME collection policy 2026 §4",
    "confidence": "H",
    "messages": {"en": "At most {max} messages a day.", "zh-Hans": "每天最多 {max} 条短信。"},
}


def _override(*rules: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"pack": "cn", "rules": list(rules), **extra}


def _refusal(override: dict[str, Any]) -> PackError:
    with pytest.raises(PackError) as caught:
        load_pack("cn", override=override)
    return caught.value


class TestTightening:
    def test_a_narrower_window_applies(self) -> None:
        pack = load_pack(
            "cn",
            override=_override({"id": WINDOW, "parameters": {"start": "09:00", "end": "20:00"}}),
        )
        early = decide(attempt(), facts(), local("2026-05-11 08:30"), pack)
        assert early.categories == ("time_window",)
        assert early.next_allowed_at == local("2026-05-11 09:00")
        assert early.reasons[0].message.startswith("Contact is allowed only from 09:00 to 20:00")

    def test_a_lower_cap_applies(self) -> None:
        pack = load_pack("cn", override=_override({"id": CONNECTED, "parameters": {"max": 1}}))
        now = local("2026-05-11 11:00")
        assert (
            decide(attempt(), facts(history=calls(now, 1, "connected")), now, pack).verdict
            == "deny"
        )

    def test_more_denied_roles_and_fewer_purposes_apply(self) -> None:
        pack = load_pack(
            "cn",
            override=_override(
                {"id": NO_STRANGERS, "parameters": {"roles": ["third_party", "guarantor"]}},
                {"id": EC_PURPOSE, "parameters": {"purposes": []}},
            ),
        )
        now = local("2026-05-11 11:00")
        assert decide(attempt(recipient_role="guarantor"), facts(), now, pack).categories == (
            "third_party",
        )

    def test_a_cap_on_another_channel_can_be_added(self) -> None:
        pack = load_pack("cn", override=_override(SMS_CAP))
        now = local("2026-05-11 11:00")
        sent = calls(now, 2, "delivered", channel="sms")
        decision = decide(attempt(channel="sms"), facts(history=sent), now, pack)
        assert [r.rule for r in decision.reasons] == ["acme.sms_daily_cap"]
        assert decision.next_allowed_at == local("2026-05-12 08:00")

    def test_a_required_consent_can_be_added(self) -> None:
        consent = {
            "id": "acme.debtor_contact_consent",
            "kind": "consent_required",
            "category": "consent",
            "applies_to": {"roles": ["debtor"], "channels": ["push"]},
            "parameters": {"consents": ["push_notifications"]},
            "citation": "ACME app terms",
            "confidence": "H",
            "messages": {"en": "No consent to push messages.", "zh-Hans": "未同意推送通知。"},
        }
        pack = load_pack("cn", override=_override(consent))
        now = local("2026-05-11 11:00")
        assert decide(attempt(channel="push"), facts(), now, pack).categories == ("consent",)
        granted = facts(consents=frozenset({"push_notifications"}))
        assert decide(attempt(channel="push"), granted, now, pack).allowed

    def test_a_rule_can_be_applied_more_widely(self) -> None:
        pack = load_pack(
            "cn",
            override=_override(
                {
                    "id": WINDOW,
                    "applies_to": {"channels": ["call", "sms", "push", "visit", "email"]},
                }
            ),
        )
        assert (
            decide(attempt(channel="email"), facts(), local("2026-05-11 23:00"), pack).verdict
            == "deny"
        )

    def test_the_version_names_the_override(self) -> None:
        named = load_pack(
            "cn",
            override=_override({"id": CONNECTED, "parameters": {"max": 2}}, name="acme-2026-05"),
        )
        unnamed = load_pack("cn", override=_override({"id": CONNECTED, "parameters": {"max": 2}}))
        assert named.version == "2026.12.1+acme-2026-05"
        assert unnamed.version.startswith("2026.12.1+override-")
        assert load_pack("cn").version == "2026.12.1"

    def test_the_same_override_compiles_once(self) -> None:
        first = load_pack("cn", override=_override({"id": CONNECTED, "parameters": {"max": 2}}))
        again = load_pack("cn", override=_override({"id": CONNECTED, "parameters": {"max": 2}}))
        assert first is again

    def test_an_override_file_is_read(self, tmp_path: Path) -> None:
        path = tmp_path / "acme.yaml"
        path.write_text(
            "pack: cn\nname: acme\nrules:\n  - id: cn.gbt45251.quiet_hours\n"
            '    parameters: {start: "09:00"}\n',
            encoding="utf-8",
        )
        assert load_pack("cn", override=path).version == "2026.12.1+acme"


LOOSENINGS: list[tuple[dict[str, Any], str | None, str]] = [
    ({"id": WINDOW, "parameters": {"start": "07:00"}}, "parameters.start", "08:00 -> 07:00"),
    ({"id": WINDOW, "parameters": {"end": "23:00"}}, "parameters.end", "22:00 -> 23:00"),
    ({"id": WINDOW, "parameters": {"holidays": []}}, None, ""),  # same as the pack: allowed
    ({"id": CONNECTED, "parameters": {"max": 4}}, "parameters.max", "3 -> 4"),
    ({"id": CONNECTED, "parameters": {"days": 1, "outcomes": ["connected"]}}, None, ""),
    (
        {**SMS_CAP, "parameters": {**SMS_CAP["parameters"], "max": 0}},
        "parameters.max",
        "at least 1",
    ),
    ({"id": NO_STRANGERS, "parameters": {"roles": []}}, "parameters.roles", "third_party -> "),
    (
        {"id": EC_PURPOSE, "parameters": {"purposes": ["locate", "collection"]}},
        "parameters.purposes",
        "locate",
    ),
    (
        {"id": WINDOW, "applies_to": {"channels": ["call"]}},
        "applies_to.channels",
        "push, sms, visit",
    ),
    ({"id": CONNECTED, "remove": True}, "remove", "remove or disable"),
    ({"id": CONNECTED, "enabled": False}, "enabled", "remove or disable"),
    ({"id": CONNECTED, "category": "hold"}, "category", "only parameters and applies_to"),
    (
        {"id": "cn.gbt45251.contact_person_trigger", "parameters": {"unanswered_days": 2}},
        "parameters.unanswered_days",
        "3 -> 2",
    ),
    (
        {"id": "cn.tactful.collect_after_due", "parameters": {"min_days_past_due": 0}},
        "parameters.min_days_past_due",
        "1 -> 0",
    ),
]


@pytest.mark.parametrize(("entry", "field", "text"), LOOSENINGS)
def test_loosening_is_refused_naming_the_rule_and_parameter(
    entry: dict[str, Any], field: str | None, text: str
) -> None:
    if field is None:
        load_pack("cn", override=_override(entry))
        return
    error = _refusal(_override(entry))
    assert error.field == field
    assert error.rule == entry["id"]
    assert text in str(error)


def test_loosening_per_debt_counting_of_the_us_cap_is_refused() -> None:
    tight = {
        "pack": "us",
        "rules": [{"id": "us.regf.call_7in7", "parameters": {"per_debt": False}}],
    }
    loose = {"pack": "us", "rules": [{"id": "us.regf.call_7in7", "parameters": {"days": 6}}]}
    assert load_pack("us", override=tight).version.startswith("2026.12.1+")
    with pytest.raises(PackError, match=r"parameters\.days: loosens the rule: 7 -> 6"):
        load_pack("us", override=loose)


def test_tightening_both_ends_past_each_other_is_refused() -> None:
    error = _refusal(_override({"id": WINDOW, "parameters": {"start": "21:00", "end": "09:00"}}))
    assert error.field == "parameters.end"


@pytest.mark.parametrize(
    ("override", "text"),
    [
        (
            {"pack": "us", "rules": [{"id": CONNECTED, "parameters": {"max": 1}}]},
            "must name the pack",
        ),
        ({"pack": "cn", "rules": []}, "non-empty list"),
        ({"pack": "cn", "rules": [{"id": CONNECTED}, {"id": CONNECTED}]}, "changed twice"),
        ({"pack": "cn", "rules": [SMS_CAP, SMS_CAP]}, "appears twice"),
        ({"pack": "cn", "rules": [{"id": "acme.new"}]}, "kind"),
        ({"pack": "cn", "owner": "acme", "rules": [SMS_CAP]}, "not an override field"),
    ],
)
def test_a_malformed_override_is_refused(override: dict[str, Any], text: str) -> None:
    with pytest.raises(PackError, match=text):
        load_pack("cn", override=override)


def test_an_unreadable_override_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(PackError, match="cannot be read"):
        load_pack("cn", override=tmp_path / "missing.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("pack: [cn", encoding="utf-8")
    with pytest.raises(PackError, match="not valid YAML"):
        load_pack("cn", override=bad)


def test_an_override_may_not_change_what_a_content_rule_answers() -> None:
    error = _refusal(
        _override({"id": "cn.soft_violence2019.no_threats", "parameters": {"finding": "insult"}})
    )
    assert (error.rule, error.field) == ("cn.soft_violence2019.no_threats", "parameters.finding")
    assert "loosens the rule: threat -> insult" in str(error)


def test_an_override_may_not_add_a_second_rule_for_a_finding() -> None:
    second = {
        "id": "acme.no_threats",
        "kind": "content",
        "category": "content",
        "parameters": {"finding": "threat"},
        "citation": "ACME collection policy 2026 §2",
        "confidence": "H",
        "messages": {"en": "No threats.", "zh-Hans": "不得威胁。", "zh-Hant": "不得威脅。"},
    }
    error = _refusal(_override(second))
    assert (error.rule, error.field) == ("acme.no_threats", "parameters.finding")
