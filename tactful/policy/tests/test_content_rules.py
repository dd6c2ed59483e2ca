"""One content rule per finding: a denial for content says what was found, in every pack."""

from __future__ import annotations

import opencc
import pytest

from tactful.policy import Decision, decide, load_pack, pack_names
from tactful.policy.rules import CompiledRule
from tactful.policy.tests.builders import ZONE_OF_PACK, attempt, decide_in, facts, local
from tactful.policy.types import CONTENT_FINDINGS, MESSAGE_LANGUAGES

PACKS = pack_names()
THREAT = "我知道你女儿在哪个学校上学。"
INSULT = "你就是个老赖"
DISCLOSURE = "请转告他尽快还款"
POLITE = "您好，您的本期账单将于5月15日到期，如有困难可申请分期。"


def _content_rule(pack: str, finding: str) -> CompiledRule:
    [rule] = [
        rule
        for rule in load_pack(pack).rules
        if rule.kind == "content" and rule.spec.parameters["finding"] == finding
    ]
    return rule


def _to_debtor(pack: str, text: str) -> Decision:
    a = attempt(channel="sms", recipient_timezone=ZONE_OF_PACK[pack], content=text)
    return decide_in(pack, local("2026-05-11 11:00", ZONE_OF_PACK[pack]), a)


def _content_reasons(decision: Decision) -> list[tuple[str, str]]:
    return [(r.rule, r.message) for r in decision.reasons if r.category == "content"]


@pytest.mark.parametrize("pack", PACKS)
def test_a_threat_to_the_debtor_is_reported_as_a_threat(pack: str) -> None:
    threat = _content_rule(pack, "threat")
    decision = _to_debtor(pack, THREAT)
    assert decision.categories == ("content",)
    assert _content_reasons(decision) == [(threat.id, threat.reasons["en"].message)]
    assert "reveals the debt" not in decision.reasons[0].message


@pytest.mark.parametrize("pack", PACKS)
def test_an_insult_to_the_debtor_is_reported_as_an_insult(pack: str) -> None:
    insult = _content_rule(pack, "insult")
    decision = _to_debtor(pack, INSULT)
    assert decision.categories == ("content",)
    assert _content_reasons(decision) == [(insult.id, insult.reasons["en"].message)]


@pytest.mark.parametrize("pack", PACKS)
def test_naming_the_debt_to_an_emergency_contact_is_reported_as_disclosure(pack: str) -> None:
    disclosure = _content_rule(pack, "third_party_disclosure")
    a = attempt(
        channel="sms",
        recipient="ec-1",
        recipient_role="emergency_contact",
        purpose="locate",
        recipient_timezone=ZONE_OF_PACK[pack],
        content=DISCLOSURE,
    )
    f = facts(debtor_unreachable=True, consents=frozenset({"emergency_contact"}))
    decision = decide_in(pack, local("2026-05-11 11:00", ZONE_OF_PACK[pack]), a, f)
    # Some packs never let an emergency contact be reached at all (third_party too).
    assert "content" in decision.categories
    assert _content_reasons(decision) == [(disclosure.id, disclosure.reasons["en"].message)]


@pytest.mark.parametrize("pack", PACKS)
def test_the_same_words_to_the_debtor_are_no_disclosure(pack: str) -> None:
    assert _to_debtor(pack, DISCLOSURE).allowed


@pytest.mark.parametrize("pack", PACKS)
def test_a_polite_reminder_is_allowed(pack: str) -> None:
    assert _to_debtor(pack, POLITE).allowed


def test_the_findings_are_the_checkers_categories() -> None:
    from tactful.inspection.types import CATEGORIES

    assert CONTENT_FINDINGS == CATEGORIES


@pytest.mark.parametrize("pack", PACKS)
def test_every_finding_has_exactly_one_rule_in_every_pack(pack: str) -> None:
    findings = [
        rule.spec.parameters["finding"] for rule in load_pack(pack).rules if rule.kind == "content"
    ]
    assert sorted(findings) == sorted(CONTENT_FINDINGS)


@pytest.mark.parametrize("pack", PACKS)
def test_every_content_rule_speaks_three_languages_and_traditional_is_traditional(
    pack: str,
) -> None:
    to_traditional = opencc.OpenCC("s2t")
    rules = [rule for rule in load_pack(pack).rules if rule.kind == "content"]
    for rule in rules:
        messages = rule.reasons["en"].messages
        assert tuple(messages) == MESSAGE_LANGUAGES
        assert all(text.strip() for text in messages.values())
        assert messages["zh-Hant"] != messages["zh-Hans"]
        assert to_traditional.convert(messages["zh-Hant"]) == messages["zh-Hant"], rule.id
    assert len({rule.reasons["en"].message for rule in rules}) == len(rules)
    assert len({rule.spec.citation for rule in rules}) == len(rules)


@pytest.mark.parametrize("pack", PACKS)
def test_a_decision_in_chinese_carries_the_traditional_words_too(pack: str) -> None:
    a = attempt(recipient_timezone=ZONE_OF_PACK[pack], content="你就是個老賴")
    now = local("2026-05-11 11:00", ZONE_OF_PACK[pack])
    [reason] = decide(a, facts(), now, load_pack(pack), language="zh-Hans").reasons
    insult = _content_rule(pack, "insult").spec.messages
    assert reason.message == insult["zh-Hans"]
    assert reason.messages["zh-Hant"] == insult["zh-Hant"]


@pytest.mark.parametrize(
    ("text", "findings"),
    [
        ("我们是公安局的，请配合调查。", ["impersonation"]),
        ("再不还就等着坐牢", ["false_legal_claim"]),
        ("再不还钱我就把你欠钱的事发给你通讯录里所有人。", ["exposure_threat"]),
        ("Yоu will rеgrеt this", ["unreadable"]),  # Cyrillic о and е
        ("你就是个老赖，我知道你女儿在哪个学校上学。", ["threat", "insult"]),
    ],
)
def test_each_finding_names_its_own_rule_in_pack_order(text: str, findings: list[str]) -> None:
    decision = _to_debtor("cn", text)
    assert [reason.rule for reason in decision.reasons] == [
        _content_rule("cn", finding).id for finding in findings
    ]


class Counting:
    """A replacement checker that counts its calls and returns fixed labels."""

    def __init__(self, *labels: str) -> None:
        self.labels = labels
        self.calls = 0

    def check(self, text: str, recipient_role: str) -> tuple[str, ...]:
        self.calls += 1
        return self.labels


def test_the_checker_is_asked_once_however_many_content_rules_there_are() -> None:
    checker = Counting("threat", "insult")
    a = attempt(content="anything")
    decision = decide(
        a, facts(), local("2026-05-11 11:00"), load_pack("cn"), content_checker=checker
    )
    assert checker.calls == 1
    assert len(decision.reasons) == 2


def test_a_label_no_rule_names_is_still_refused_by_the_unreadable_rule() -> None:
    checker = Counting("something_new")
    a = attempt(content="anything")
    decision = decide(
        a, facts(), local("2026-05-11 11:00"), load_pack("cn"), content_checker=checker
    )
    assert decision.categories == ("content",)
    assert [reason.rule for reason in decision.reasons] == [_content_rule("cn", "unreadable").id]


def test_no_text_asks_no_checker() -> None:
    checker = Counting("threat")
    decision = decide(
        attempt(), facts(), local("2026-05-11 11:00"), load_pack("cn"), content_checker=checker
    )
    assert decision.allowed
    assert checker.calls == 0
