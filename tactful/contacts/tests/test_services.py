import re
from datetime import timedelta

import pytest

from tactful.audit.models import AuditEvent
from tactful.contacts.codes import ALPHABET, verify_address
from tactful.contacts.facts import PermitRequest
from tactful.contacts.models import ContactAttempt, ContactOutcome, Hold, HoldLift, OptOut
from tactful.contacts.services import (
    lift_hold,
    place_call_with_permit,
    place_hold,
    record_opt_out,
    report_outcome,
    request_permit,
    send_sms_with_permit,
)
from tactful.contacts.tests.conftest import NIGHT, NOW
from tactful.errors import Conflict, InvalidInput
from tactful.testing.personas import FIRST_PHONE, SECOND_PHONE, make_borrower

pytestmark = pytest.mark.django_db


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


def call(loan, recipient, collector, *, now=NOW, purpose="collection"):
    return request_permit(
        request=PermitRequest(
            loan=loan, recipient=recipient, channel="call", purpose=purpose, collector=collector
        ),
        actor="test",
        now=now,
    )


class TestRequestPermit:
    def test_a_certified_collector_may_call_an_overdue_debtor_in_the_daytime(
        self, loan, recipient, collector
    ):
        attempt = call(loan, recipient, collector)

        assert attempt.decision == "allow"
        assert (attempt.categories, attempt.reasons, attempt.next_allowed_at) == ([], [], None)
        assert (attempt.pack, attempt.pack_version) == ("cn", "2026.12.1")
        assert attempt.requested_at == NOW
        assert re.fullmatch(f"[{ALPHABET}]{{8}}", attempt.verification_code)

    def test_a_call_at_night_is_denied_recorded_and_next_allowed_at_eight(
        self, loan, recipient, collector
    ):
        attempt = call(loan, recipient, collector, now=NIGHT)

        assert attempt.decision == "deny"
        assert attempt.categories == ["time_window"]
        [reason] = attempt.reasons
        assert reason["rule"] == "cn.gbt45251.quiet_hours"
        assert "22:00" in reason["messages"]["zh-Hans"]
        assert attempt.next_allowed_at.isoformat() == "2026-03-03T00:00:00+00:00"
        assert ContactAttempt.objects.count() == 1

    def test_the_facts_used_are_recorded_without_personal_data(self, loan, recipient, collector):
        call(loan, recipient, collector)
        attempt = call(loan, recipient, collector, now=NOW + timedelta(minutes=5))

        facts = attempt.facts
        assert facts["days_past_due"] > 300
        assert facts["holds"] == []
        assert facts["opted_out"] is False
        assert facts["recipient_timezone"] == "Asia/Shanghai"
        assert facts["history"] == [["2026-03-02T05:30:00Z", "call", "connected"]]
        assert attempt.attempt["recipient"] == str(recipient.public_id)
        stored = str(facts) + str(attempt.attempt)
        for personal in ("2025550123", "李华", "11010519491231002X"):
            assert personal not in stored

    def test_every_decision_is_an_audit_event_without_personal_data(
        self, loan, recipient, collector
    ):
        allowed = call(loan, recipient, collector)
        denied = call(loan, recipient, collector, now=NIGHT)

        events = AuditEvent.objects.filter(object_type="contacts.contactattempt")
        assert [e.action for e in events] == ["contact.permit_issued", "contact.permit_denied"]
        assert events[0].object_id == str(allowed.pk)
        assert events[1].payload["rules"] == ["cn.gbt45251.quiet_hours"]
        assert events[1].payload["permit"] == str(denied.permit_id)
        assert "2025550123" not in str([e.payload for e in events])

    def test_verification_codes_differ(self, loan, recipient, collector):
        codes = {call(loan, recipient, collector).verification_code for _ in range(20)}

        assert len(codes) == 20

    def test_a_loan_of_another_borrower_is_refused_and_nothing_is_stored(self, loan, collector):
        other = make_borrower(external_id="b-2", phone=SECOND_PHONE)
        from tactful.contacts.services import recipients_for_borrower

        [stranger] = recipients_for_borrower(borrower=other)

        with pytest.raises(InvalidInput) as refused:
            call(loan, stranger, collector)

        assert set(refused.value.fields) == {"loan"}
        assert ContactAttempt.objects.count() == 0

    @pytest.mark.parametrize(
        ("channel", "purpose", "field"),
        [("fax", "collection", "channel"), ("call", "gossip", "purpose")],
    )
    def test_an_unknown_channel_or_purpose_is_refused(
        self, loan, recipient, collector, channel, purpose, field
    ):
        with pytest.raises(InvalidInput) as refused:
            request_permit(
                request=PermitRequest(
                    loan=loan,
                    recipient=recipient,
                    channel=channel,
                    purpose=purpose,
                    collector=collector,
                ),
                actor="test",
                now=NOW,
            )

        assert set(refused.value.fields) == {field}
        assert ContactAttempt.objects.count() == 0


class TestCaps:
    def test_pending_permits_count_as_connected_so_the_fourth_call_is_denied(
        self, loan, recipient, collector
    ):
        decisions = [
            call(loan, recipient, collector, now=NOW + timedelta(minutes=i)).decision
            for i in range(4)
        ]

        assert decisions == ["allow", "allow", "allow", "deny"]
        fourth = ContactAttempt.objects.order_by("pk").last()
        assert fourth.categories == ["frequency"]
        assert fourth.next_allowed_at.isoformat() == "2026-03-03T00:00:00+00:00"

    def test_unanswered_calls_free_the_connected_cap_up_to_six(self, loan, recipient, collector):
        for minute in range(6):
            permit = call(loan, recipient, collector, now=NOW + timedelta(minutes=minute))
            assert permit.decision == "allow"
            report_outcome(attempt=permit, outcome="no_answer", actor="dialer")

        seventh = call(loan, recipient, collector, now=NOW + timedelta(minutes=10))

        assert seventh.decision == "deny"
        assert seventh.reasons[0]["rule"] == "cn.cba2026.unanswered_attempt_cap"

    def test_caps_count_every_own_number_of_the_person(self, both_numbers, loan, collector):
        first, second = both_numbers
        for minute in range(3):
            call(loan, first, collector, now=NOW + timedelta(minutes=minute))

        assert call(loan, second, collector, now=NOW + timedelta(minutes=5)).decision == "deny"

    def test_texts_are_not_capped_and_do_not_count_against_calls(self, loan, recipient, collector):
        for minute in range(5):
            sms = request_permit(
                request=PermitRequest(
                    loan=loan,
                    recipient=recipient,
                    channel="sms",
                    purpose="reminder",
                    automated=True,
                    content="请记得还款。",
                ),
                actor="test",
                now=NOW + timedelta(minutes=minute),
            )
            assert sms.decision == "allow"

        assert call(loan, recipient, collector, now=NOW + timedelta(minutes=9)).allowed


class TestOutcomes:
    def test_an_outcome_is_recorded_once(self, loan, recipient, collector):
        permit = call(loan, recipient, collector)
        report_outcome(attempt=permit, outcome="connected", actor="dialer")

        with pytest.raises(Conflict) as refused:
            report_outcome(attempt=permit, outcome="no_answer", actor="dialer")

        assert refused.value.code == "outcome_already_reported"
        assert ContactOutcome.objects.get().outcome == "connected"

    def test_a_denied_permit_takes_no_outcome(self, loan, recipient, collector):
        denied = call(loan, recipient, collector, now=NIGHT)

        with pytest.raises(Conflict) as refused:
            report_outcome(attempt=denied, outcome="connected", actor="dialer")

        assert refused.value.code == "permit_denied"
        assert ContactOutcome.objects.count() == 0

    @pytest.mark.parametrize(
        ("outcome", "permanent", "field"),
        [("hung_up", False, "outcome"), ("connected", True, "permanent_failure")],
    )
    def test_a_malformed_outcome_is_refused(
        self, loan, recipient, collector, outcome, permanent, field
    ):
        permit = call(loan, recipient, collector)

        with pytest.raises(InvalidInput) as refused:
            report_outcome(
                attempt=permit, outcome=outcome, permanent_failure=permanent, actor="dialer"
            )

        assert set(refused.value.fields) == {field}
        assert ContactOutcome.objects.count() == 0


class TestHoldsAndOptOuts:
    def test_a_hold_denies_from_the_next_decision_and_a_lift_allows_again(
        self, loan, recipient, collector
    ):
        hold = place_hold(kind="complaint", loan=loan, source="portal", actor="test", now=NOW)
        held = call(loan, recipient, collector, now=NOW + timedelta(seconds=1))
        lift_hold(hold=hold, reason="resolved", actor="test", now=NOW + timedelta(minutes=1))
        after = call(loan, recipient, collector, now=NOW + timedelta(minutes=2))

        assert (held.decision, held.categories) == ("deny", ["hold"])
        assert held.facts["holds"] == ["complaint"]
        assert held.next_allowed_at is None
        assert after.decision == "allow"
        assert Hold.objects.count() == 1

    def test_an_unknown_hold_kind_blocks_too(self, loan, recipient, collector):
        place_hold(kind="regulator_inquiry", recipient=recipient, source="x", actor="t", now=NOW)

        assert call(loan, recipient, collector, now=NOW).categories == ["hold"]

    def test_a_hold_that_ended_or_has_not_started_does_not_block(self, loan, recipient, collector):
        place_hold(
            kind="hardship",
            loan=loan,
            source="staff",
            actor="t",
            starts_at=NOW - timedelta(days=30),
            ends_at=NOW - timedelta(days=1),
        )
        later = NOW + timedelta(days=1)
        place_hold(kind="dispute", loan=loan, source="staff", actor="t", starts_at=later)

        assert call(loan, recipient, collector).allowed

    def test_a_service_contact_passes_a_hold(self, loan, recipient):
        place_hold(kind="complaint", loan=loan, source="portal", actor="test", now=NOW)

        answer = request_permit(
            request=PermitRequest(
                loan=loan, recipient=recipient, channel="sms", purpose="service", automated=True
            ),
            actor="test",
            now=NOW,
        )

        assert answer.allowed

    def test_a_hold_is_lifted_once_with_a_reason(self, loan):
        hold = place_hold(kind="dispute", loan=loan, source="staff", actor="t", now=NOW)
        with pytest.raises(InvalidInput):
            lift_hold(hold=hold, reason=" ", actor="t")
        lift_hold(hold=hold, reason="documents checked", actor="t")

        with pytest.raises(Conflict) as refused:
            lift_hold(hold=hold, reason="again", actor="t")

        assert refused.value.code == "hold_already_lifted"
        assert HoldLift.objects.count() == 1

    @pytest.mark.parametrize(
        ("arguments", "field"),
        [
            ({"kind": " "}, "kind"),
            ({"kind": "x" * 41}, "kind"),
            ({"source": ""}, "source"),
            ({"with_recipient": True}, "scope"),
            ({"without_loan": True}, "scope"),
            ({"ends_at": NOW - timedelta(1)}, "ends_at"),
        ],
    )
    def test_a_malformed_hold_is_refused_and_nothing_is_stored(
        self, loan, recipient, arguments, field
    ):
        values = {"kind": "dispute", "source": "staff", "loan": loan, "now": NOW, **arguments}
        if values.pop("with_recipient", False):
            values["recipient"] = recipient
        if values.pop("without_loan", False):
            values["loan"] = None

        with pytest.raises(InvalidInput) as refused:
            place_hold(actor="t", **values)

        assert field in refused.value.fields
        assert Hold.objects.count() == 0

    def test_an_opt_out_denies_the_next_decision(self, loan, recipient, collector):
        record_opt_out(recipient=recipient, source="verification page", actor="t", now=NOW)

        denied = call(loan, recipient, collector, now=NOW)

        assert denied.categories == ["consent"]
        assert OptOut.objects.count() == 1


class TestCertification:
    def test_an_uncertified_collector_is_denied(self, loan, recipient):
        from tactful.accounts.roles import Role
        from tactful.testing.personas import make_staff

        novice = make_staff("li.novice", Role.COLLECTOR)

        assert call(loan, recipient, novice).categories == ["certification"]

    def test_an_expired_certificate_does_not_count(self, loan, recipient, collector):
        expired = collector.certifications.get().valid_until
        later = NOW.replace(year=expired.year + 1)  # 13:30 in Shanghai, after the expiry

        assert call(loan, recipient, collector, now=later).categories == ["certification"]

    def test_no_collector_on_a_collection_call_is_a_data_gap(self, loan, recipient):
        denied = call(loan, recipient, None)

        assert denied.categories == ["data_gap"]
        assert "collector_certified" in denied.reasons[0]["message"]

    @pytest.mark.parametrize(
        "changes",
        [
            {"purpose": "collection", "automated": True},  # a collection text is never requested
            {"purpose": "service", "automated": False},  # nor is a person's own call
            {"purpose": "service", "automated": True, "requested_by_recipient": "yes"},
        ],
    )
    def test_only_tactfuls_own_service_texts_can_answer_a_request(self, loan, recipient, changes):
        fields = {"requested_by_recipient": True, **changes}
        with pytest.raises(InvalidInput) as refused:
            PermitRequest(loan=loan, recipient=recipient, channel="sms", **fields)
        assert "requested_by_recipient" in refused.value.fields
        assert not ContactAttempt.objects.exists()

    def test_an_automated_contact_needs_no_collector(self, loan, recipient):
        permit = request_permit(
            request=PermitRequest(
                loan=loan, recipient=recipient, channel="sms", purpose="reminder", automated=True
            ),
            actor="test",
            now=NOW,
        )

        assert permit.allowed


class TestTactfulsOwnMessages:
    def test_an_allowed_text_is_sent_after_commit_with_its_verification_code(
        self, loan, recipient, sms_outbox, commit
    ):
        with commit():
            permit = send_sms_with_permit(
                loan=loan,
                recipient=recipient,
                purpose="reminder",
                body="李华您好，本期账单已出。",
                language="zh-hans",
                message_purpose="reminder",
                actor="test",
                now=NOW,
            )
            assert sms_outbox.sent == []

        [message] = sms_outbox.sent
        assert message.to == FIRST_PHONE
        assert message.body == (
            f"李华您好，本期账单已出。【核验码 {permit.verification_code}，"
            f"可在 {verify_address()} 核验】"
        )
        assert permit.content == "李华您好，本期账单已出。"

    @pytest.mark.parametrize(
        ("language", "suffix"),
        [("en", " Verification code: "), ("zh-hant", "【核驗碼 ")],
    )
    def test_the_code_is_worded_in_the_recipients_language(
        self, loan, recipient, sms_outbox, commit, language, suffix
    ):
        with commit():
            send_sms_with_permit(
                loan=loan,
                recipient=recipient,
                purpose="reminder",
                body="Hello.",
                language=language,
                message_purpose="reminder",
                actor="test",
                now=NOW,
            )

        assert suffix in sms_outbox.sent[0].body

    def test_a_denied_text_sends_nothing(self, loan, recipient, sms_outbox, commit):
        with commit():
            permit = send_sms_with_permit(
                loan=loan,
                recipient=recipient,
                purpose="reminder",
                body="Hello.",
                language="en",
                message_purpose="reminder",
                actor="test",
                now=NIGHT,
            )

        assert permit.decision == "deny"
        assert sms_outbox.sent == []
        assert ContactAttempt.objects.count() == 1

    def test_a_call_is_placed_only_with_a_permit(
        self, loan, recipient, collector, voice_calls, commit
    ):
        with commit():
            allowed = place_call_with_permit(
                loan=loan,
                recipient=recipient,
                purpose="collection",
                collector=collector,
                language="zh-hans",
                actor="test",
                now=NOW,
            )
            place_call_with_permit(
                loan=loan,
                recipient=recipient,
                purpose="collection",
                collector=collector,
                language="zh-hans",
                actor="test",
                now=NIGHT,
            )

        [placed] = voice_calls.placed
        assert (placed.to, placed.verification_code) == (FIRST_PHONE, allowed.verification_code)
        assert ContactAttempt.objects.count() == 2
