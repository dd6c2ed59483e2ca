"""The interim content rule: never mention the debt to anyone but the debtor or a guarantor."""

from __future__ import annotations

import pytest

from tactful.policy import ContentChecker, InterimDebtMentionChecker, decide, load_pack
from tactful.policy.content import mentions_debt
from tactful.policy.tests.builders import attempt, decide_in, facts, local

MENTIONS = [
    "您的朋友欠款未还，请转告他尽快处理",  # simplified
    "请提醒他还款",
    "他的贷款已经逾期三天",
    "這筆債務已經逾期",  # traditional
    "請轉告他盡快還款",
    "他的貸款尚未清償",
    "欠錢不還",
    "Your friend owes us money",
    "Please tell him his LOAN is overdue",
    "the debt must be repaid",
    "This is a collection call",
    "payment is past due",
    "the account is in arrears",
    "he must pay ¥3,000 today",
    "请他准备三千元",
    "需要还5000块",
    "USD 250 is outstanding",
    "a balance of 12,000 pesos",
    "ｌｏａｎ",  # full-width letters fold to plain ones
]
CLEAN = [
    "请王先生回电 400-000-0000",
    "Please ask Ms Li to call us back",
    "我们想确认李女士的联系方式",
    "元旦快乐",  # 元 without an amount
    "Call us at 555-0100",
    "knowledge is power",  # 'owe' only as a whole word
]


@pytest.mark.parametrize("text", MENTIONS)
def test_debt_mentions_are_found(text: str) -> None:
    assert mentions_debt(text)


@pytest.mark.parametrize("text", CLEAN)
def test_neutral_messages_are_not_flagged(text: str) -> None:
    assert not mentions_debt(text)


@pytest.mark.parametrize("role", ["debtor", "guarantor"])
def test_the_debt_may_be_named_to_the_parties_of_the_debt(role: str) -> None:
    assert InterimDebtMentionChecker().check("您的贷款已逾期", role) == ()


@pytest.mark.parametrize("role", ["emergency_contact", "third_party"])
def test_the_debt_may_not_be_named_to_anyone_else(role: str) -> None:
    assert InterimDebtMentionChecker().check("他的贷款已逾期", role) == ("third_party_disclosure",)


def test_a_debt_mention_to_an_emergency_contact_is_denied_as_content() -> None:
    a = attempt(
        recipient="ec-1",
        recipient_role="emergency_contact",
        purpose="locate",
        content="请转告他尽快还款",
    )
    allowed_otherwise = facts(debtor_unreachable=True, consents=frozenset({"emergency_contact"}))
    decision = decide_in("cn", local("2026-05-11 11:00"), a, allowed_otherwise)
    assert decision.categories == ("content",)
    assert decision.reasons[0].rule == "cn.gbt45251.contact_person_disclosure"
    assert decision.next_allowed_at is None


@pytest.mark.parametrize("pack", ["cn", "us", "in", "ph", "id", "ke", "uk"])
def test_service_to_a_third_party_may_not_disclose_the_debt(pack: str) -> None:
    from tactful.policy.tests.builders import ZONE_OF_PACK

    zone = ZONE_OF_PACK[pack]
    a = attempt(
        recipient="tp-1",
        recipient_role="third_party",
        purpose="service",
        recipient_timezone=zone,
        content="Regarding the overdue loan of your colleague",
    )
    assert decide_in(pack, local("2026-05-11 11:00", zone), a).categories == ("content",)


def test_the_debtor_may_be_told_about_the_debt() -> None:
    a = attempt(content="您的借款已逾期12天，应还金额3000元")
    assert decide_in("cn", local("2026-05-11 11:00"), a).allowed


def test_another_checker_can_replace_the_interim_one() -> None:
    class Strict:
        def check(self, text: str, recipient_role: str) -> tuple[str, ...]:
            return ("threat",) if "!" in text else ()

    checker: ContentChecker = Strict()
    now = local("2026-05-11 11:00")
    loud = decide(
        attempt(content="pay now!"), facts(), now, load_pack("cn"), content_checker=checker
    )
    calm = decide(
        attempt(content="pay now"), facts(), now, load_pack("cn"), content_checker=checker
    )
    assert loud.categories == ("content",)
    assert calm.allowed
