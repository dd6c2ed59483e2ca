import re
from datetime import time, timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from tactful.audit.models import AuditEvent
from tactful.contacts.models import ContactAttempt
from tactful.errors import InvalidInput
from tactful.one_time_codes.models import OneTimeCode
from tactful.one_time_codes.services import (
    CODES_PER_NUMBER_PER_HOUR,
    CodeRefused,
    TooManyCodes,
    code_hours,
    request_sign_in_code,
    verify_sign_in_code,
)
from tactful.one_time_codes.tests.people import make_borrower
from tactful.testing import personas
from tactful.testing.personas import CN_PHONE, FIRST_PHONE, SECOND_PHONE, make_overdue_loan
from tactful.testing.zones import move_to_night

pytestmark = pytest.mark.django_db


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Run on-commit callbacks (the SMS) as soon as the block ends, as a real commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def code_in(body: str) -> str:
    match = re.search(r"\b(\d{6})\b", body)
    assert match
    return match.group(1)


def sent_code(sms_outbox) -> str:
    return code_in(sms_outbox.sent[-1].body)


def test_a_borrower_gets_one_text_with_a_six_digit_code(sms_outbox, commit):
    make_borrower(external_id="b-1", phone=FIRST_PHONE)

    with commit():
        e164 = request_sign_in_code(phone=FIRST_PHONE)

    assert e164 == FIRST_PHONE
    [message] = sms_outbox.sent
    assert (message.to, message.purpose) == (FIRST_PHONE, "sign_in_code")
    assert re.fullmatch(r"\d{6}", sent_code(sms_outbox))


@pytest.mark.parametrize(
    ("language", "phrase"),
    [("zh-hans", "登录验证码"), ("zh-hant", "登入驗證碼"), ("en", "sign-in code")],
)
def test_the_text_is_in_the_borrowers_language(sms_outbox, commit, language, phrase):
    make_borrower(external_id="b-1", phone=FIRST_PHONE, language=language)

    with commit():
        request_sign_in_code(phone=FIRST_PHONE)

    assert phrase in sms_outbox.sent[0].body


def test_a_national_number_is_read_in_the_chosen_region(sms_outbox, commit):
    make_borrower(external_id="b-1", phone=CN_PHONE)

    with commit():
        e164 = request_sign_in_code(phone="131 2345 6789", default_region="CN")

    assert e164 == CN_PHONE
    assert sms_outbox.sent[0].to == CN_PHONE


def test_only_keyed_digests_of_the_number_and_the_code_are_stored(sms_outbox, commit):
    make_borrower(external_id="b-1", phone=FIRST_PHONE)

    with commit():
        request_sign_in_code(phone=FIRST_PHONE)

    row = OneTimeCode.objects.get()
    code = sent_code(sms_outbox)
    stored = f"{row.phone_digest} {row.code_digest}"
    assert re.fullmatch(r"[0-9a-f]{64} [0-9a-f]{64}", stored)
    assert code not in stored
    assert "2025550123" not in stored
    assert row.expires_at - row.created_at == timedelta(minutes=settings.ONE_TIME_CODE_MINUTES)


def test_an_unknown_number_gets_the_same_answer_and_no_text(sms_outbox, commit):
    with commit():
        e164 = request_sign_in_code(phone=SECOND_PHONE)

    assert e164 == SECOND_PHONE
    assert sms_outbox.sent == []


@pytest.mark.parametrize("raw", ["", "12345", "not a number", "+1 202 555"])
def test_a_malformed_number_is_refused_and_nothing_is_stored(sms_outbox, commit, raw):
    make_borrower(external_id="b-1", phone=FIRST_PHONE)

    with commit(), pytest.raises(InvalidInput) as refused:
        request_sign_in_code(phone=raw, default_region="CN")

    assert refused.value.code == "invalid_phone"
    assert set(refused.value.fields) == {"phone"}
    assert OneTimeCode.objects.count() == 0
    assert sms_outbox.sent == []


@pytest.mark.parametrize("registered", [True, False])
def test_no_more_than_five_codes_an_hour_for_any_number(sms_outbox, commit, registered):
    if registered:
        make_borrower(external_id="b-1", phone=FIRST_PHONE)
    start = timezone.now()
    for minute in range(CODES_PER_NUMBER_PER_HOUR):
        request_sign_in_code(phone=FIRST_PHONE, now=start + timedelta(minutes=minute))

    with commit(), pytest.raises(TooManyCodes) as refused:
        request_sign_in_code(phone=FIRST_PHONE, now=start + timedelta(minutes=30))

    assert refused.value.code == "too_many_codes"
    assert OneTimeCode.objects.count() == CODES_PER_NUMBER_PER_HOUR
    assert sms_outbox.sent == []
    request_sign_in_code(phone=FIRST_PHONE, now=start + timedelta(minutes=61))
    assert OneTimeCode.objects.count() == CODES_PER_NUMBER_PER_HOUR + 1


def test_the_right_code_signs_the_borrower_in_once(sms_outbox, commit):
    borrower = make_borrower(external_id="b-1", phone=FIRST_PHONE)
    with commit():
        request_sign_in_code(phone=FIRST_PHONE)
    code = sent_code(sms_outbox)

    assert verify_sign_in_code(phone=FIRST_PHONE, code=code) == borrower

    event = AuditEvent.objects.get(action="portal.signed_in")
    assert event.actor == f"borrower:{borrower.pk}"
    assert event.payload == {}
    with pytest.raises(CodeRefused) as refused:
        verify_sign_in_code(phone=FIRST_PHONE, code=code)
    assert refused.value.code == "no_active_code"


def test_an_expired_code_is_refused(sms_outbox, commit):
    make_borrower(external_id="b-1", phone=FIRST_PHONE)
    start = timezone.now()
    with commit():
        request_sign_in_code(phone=FIRST_PHONE, now=start)
    later = start + timedelta(minutes=settings.ONE_TIME_CODE_MINUTES)

    with pytest.raises(CodeRefused) as refused:
        verify_sign_in_code(phone=FIRST_PHONE, code=sent_code(sms_outbox), now=later)

    assert refused.value.code == "code_expired"
    assert not AuditEvent.objects.filter(action="portal.signed_in").exists()


def test_wrong_guesses_are_counted_and_then_the_code_is_dead(sms_outbox, commit):
    make_borrower(external_id="b-1", phone=FIRST_PHONE)
    with commit():
        request_sign_in_code(phone=FIRST_PHONE)
    code = sent_code(sms_outbox)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    codes = []
    for _ in range(settings.ONE_TIME_CODE_ATTEMPTS):
        with pytest.raises(CodeRefused) as refused:
            verify_sign_in_code(phone=FIRST_PHONE, code=wrong)
        codes.append(refused.value.code)

    with pytest.raises(CodeRefused) as refused:
        verify_sign_in_code(phone=FIRST_PHONE, code=code)

    assert codes == ["code_incorrect"] * (settings.ONE_TIME_CODE_ATTEMPTS - 1) + [
        "code_attempts_exhausted"
    ]
    assert refused.value.code == "code_attempts_exhausted"
    assert OneTimeCode.objects.get().failed_attempts == settings.ONE_TIME_CODE_ATTEMPTS


def test_a_new_code_retires_the_previous_one(sms_outbox, commit):
    borrower = make_borrower(external_id="b-1", phone=FIRST_PHONE)
    start = timezone.now()
    with commit():
        request_sign_in_code(phone=FIRST_PHONE, now=start - timedelta(minutes=1))
    first = sent_code(sms_outbox)
    with commit():
        request_sign_in_code(phone=FIRST_PHONE, now=start)
    second = sent_code(sms_outbox)

    assert verify_sign_in_code(phone=FIRST_PHONE, code=second) == borrower
    with pytest.raises(CodeRefused) as refused:
        verify_sign_in_code(phone=FIRST_PHONE, code=first)
    assert refused.value.code == "no_active_code"


def test_a_code_for_one_number_does_not_open_another(sms_outbox, commit):
    make_borrower(external_id="b-1", phone=FIRST_PHONE)
    make_borrower(external_id="b-2", phone=SECOND_PHONE)
    with commit():
        request_sign_in_code(phone=FIRST_PHONE)
        request_sign_in_code(phone=SECOND_PHONE)
    first, second = (code_in(message.body) for message in sms_outbox.sent)

    if first != second:  # one chance in a million that both numbers got the same code
        with pytest.raises(CodeRefused):
            verify_sign_in_code(phone=SECOND_PHONE, code=first)


def test_an_unknown_number_never_signs_in(sms_outbox):
    request_sign_in_code(phone=SECOND_PHONE)

    with pytest.raises(CodeRefused) as refused:
        verify_sign_in_code(phone=SECOND_PHONE, code="123456")

    assert refused.value.code == "code_incorrect"
    assert not AuditEvent.objects.filter(action="portal.signed_in").exists()


@pytest.mark.parametrize("code", ["", "12345", "1234567", "abcdef"])
def test_a_malformed_code_is_refused_without_using_an_attempt(sms_outbox, commit, code):
    make_borrower(external_id="b-1", phone=FIRST_PHONE)
    with commit():
        request_sign_in_code(phone=FIRST_PHONE)

    with pytest.raises(InvalidInput) as refused:
        verify_sign_in_code(phone=FIRST_PHONE, code=code)

    assert refused.value.code == "invalid_code"
    assert OneTimeCode.objects.get().failed_attempts == 0


class TestThroughTheGate:
    def test_the_text_carries_the_verification_code_of_its_permit(self, sms_outbox, commit):
        make_borrower(external_id="b-1", phone=FIRST_PHONE)

        with commit():
            request_sign_in_code(phone=FIRST_PHONE)

        permit = ContactAttempt.objects.get()
        assert (permit.channel, permit.purpose, permit.decision) == ("sms", "service", "allow")
        assert permit.loan is None
        assert permit.verification_code in sms_outbox.sent[0].body

    def test_the_permit_is_about_the_borrowers_latest_loan(self, sms_outbox, commit):
        borrower = make_borrower(external_id="b-1", phone=FIRST_PHONE)
        make_overdue_loan(borrower, external_id="l-old", days_ago=200)
        make_overdue_loan(borrower, external_id="l-new", days_ago=20)

        with commit():
            request_sign_in_code(phone=FIRST_PHONE)

        assert ContactAttempt.objects.get().loan.external_id == "l-new"

    def test_at_night_the_borrower_still_gets_the_code_they_asked_for(self, sms_outbox, commit):
        """A code the person pressed for is not a collection contact: no quiet hours lock
        them out of their own account. It is still gated, recorded and rate-limited."""
        move_to_night(personas.make_borrower(external_id="b-1", phone=FIRST_PHONE))

        with commit():
            e164 = request_sign_in_code(phone=FIRST_PHONE)

        assert e164 == FIRST_PHONE
        assert [message.to for message in sms_outbox.sent] == [FIRST_PHONE]
        assert OneTimeCode.objects.count() == 1
        attempt = ContactAttempt.objects.get()
        assert (attempt.decision, attempt.purpose) == ("allow", "service")
        assert attempt.requested_by_recipient is True
        assert attempt.attempt["requested_by_recipient"] is True

    def test_at_night_a_pack_that_holds_requested_texts_sends_nothing(
        self, sms_outbox, commit, settings, tmp_path
    ):
        override = tmp_path / "strict.yaml"
        override.write_text(
            "pack: cn\nrules:\n  - id: cn.gbt45251.quiet_hours\n"
            "    parameters: {requested_exempt: false}\n",
            encoding="utf-8",
        )
        settings.GATE_PACK_OVERRIDE = str(override)
        move_to_night(personas.make_borrower(external_id="b-1", phone=FIRST_PHONE))
        with commit():
            request_sign_in_code(phone=FIRST_PHONE)
        assert sms_outbox.sent == []
        assert ContactAttempt.objects.get().categories == ["time_window"]
        assert code_hours() == (time(8), time(22))

    def test_an_unknown_number_asks_the_gate_nothing(self, sms_outbox, commit):
        with commit():
            request_sign_in_code(phone=SECOND_PHONE)

        assert ContactAttempt.objects.count() == 0
        assert sms_outbox.sent == []

    def test_no_hours_are_named_when_the_pack_exempts_requested_codes(self):
        assert code_hours() is None
