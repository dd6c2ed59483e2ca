"""The checker answers the contact gate's content rule."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from tactful.inspection import InspectionContentChecker
from tactful.policy import decide, load_pack
from tactful.policy.content import ContentChecker
from tactful.policy.types import Attempt, Facts

# The interim checker's own table (tactful/policy/tests/test_content.py): the new one is
# at least as strict about naming the debt to people outside it.
MENTIONS = [
    "您的朋友欠款未还，请转告他尽快处理",
    "请提醒他还款",
    "他的贷款已经逾期三天",
    "這筆債務已經逾期",
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
    "ｌｏａｎ",
]
NEUTRAL = [
    "请王先生回电 400-000-0000",
    "Please ask Ms Li to call us back",
    "我们想确认李女士的联系方式",
    "元旦快乐",
    "Call us at 555-0100",
    "knowledge is power",
]


def test_it_implements_the_gate_protocol():
    checker: ContentChecker = InspectionContentChecker()

    assert checker.check("老赖", "debtor") == ("insult",)


@pytest.mark.parametrize("text", MENTIONS)
@pytest.mark.parametrize("role", ["emergency_contact", "third_party"])
def test_the_debt_is_never_named_to_people_outside_it(text, role):
    assert "third_party_disclosure" in InspectionContentChecker().check(text, role)


@pytest.mark.parametrize("text", NEUTRAL)
def test_neutral_messages_to_third_parties_pass(text):
    assert InspectionContentChecker().check(text, "third_party") == ()


def test_the_gate_denies_a_threatening_message_as_content():
    attempt = Attempt(
        channel="sms",
        recipient="r1",
        recipient_role="debtor",
        recipient_timezone="Asia/Shanghai",
        debt="d1",
        purpose="collection",
        collector_certified=True,
        content="再不还钱我就把你欠钱的事发给你通讯录里所有人。",
    )
    now = datetime(2026, 5, 11, 3, 0, tzinfo=UTC)
    facts = Facts(days_past_due=12)
    pack = load_pack("cn")

    denied = decide(attempt, facts, now, pack, content_checker=InspectionContentChecker())
    polite = replace(attempt, content="您的账单已逾期，请尽快还款。")
    allowed = decide(polite, facts, now, pack, content_checker=InspectionContentChecker())

    assert denied.categories == ("content",)
    assert allowed.allowed
