"""The gate's content rule is the collection-language checker, with the interim rule beside it."""

from tactful.policy import Facts, decide, load_pack
from tactful.policy.tests.builders import attempt, local

NOON = local("2026-05-11 12:00")


def decide_sms(text: str, role: str = "debtor", purpose: str = "collection"):
    return decide(
        attempt(channel="sms", content=text, recipient_role=role, purpose=purpose),
        Facts(days_past_due=10, consents=frozenset({"emergency_contact"}), debtor_unreachable=True),
        NOON,
        load_pack("cn"),
    )


def test_a_veiled_threat_to_the_debtor_is_blocked():
    decision = decide_sms("我知道你女儿在哪个学校上学。")
    assert decision.verdict == "deny"
    assert decision.categories == ("content",)


def test_a_claim_to_be_the_police_is_blocked_even_when_answering_the_person():
    decision = decide_sms("我们是公安局的，请配合调查。", purpose="service")
    assert "content" in decision.categories


def test_a_polite_reminder_passes():
    decision = decide_sms("您好，您的本期账单将于5月15日到期，如有困难可申请分期。")
    assert decision.verdict == "allow"


def test_naming_the_debt_to_an_emergency_contact_is_blocked():
    decision = decide_sms("请转告李先生尽快还款。", role="emergency_contact", purpose="locate")
    assert "content" in decision.categories
