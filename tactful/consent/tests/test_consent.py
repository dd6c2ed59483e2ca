"""Consent events, the consent in force, and the gate reading them at the next decision."""

from datetime import timedelta

import pytest

from tactful.audit.models import AuditEvent
from tactful.consent import selectors, services
from tactful.consent.models import ConsentEvent
from tactful.contacts.facts import PermitRequest
from tactful.contacts.tests.conftest import NOW
from tactful.errors import InvalidInput
from tactful.testing.api import ApiClient, issue_test_key
from tactful.testing.zones import move_to_daytime

pytestmark = pytest.mark.django_db


def grant(borrower, purpose, **extra):
    return services.grant_consent(
        borrower=borrower,
        purpose=purpose,
        language="zh-hans",
        channel="portal",
        evidence={"method": "sign_in_code"},
        actor="test",
        **extra,
    )


def withdraw(borrower, purpose, **extra):
    return services.withdraw_consent(
        borrower=borrower,
        purpose=purpose,
        language="zh-hans",
        channel="portal",
        evidence={"method": "sign_in_code"},
        actor="test",
        **extra,
    )


class TestEvents:
    def test_a_grant_stores_the_exact_notice_version_and_language(self, borrower):
        event = grant(borrower, "channel_sms", now=NOW)

        assert (event.notice.purpose, event.notice.version, event.language) == (
            "channel_sms",
            1,
            "zh-hans",
        )
        audit = AuditEvent.objects.get(action="consent.granted")
        assert audit.payload["notice_version"] == 1
        assert "13123456789" not in str(audit.payload)

    def test_the_latest_event_decides_and_expiry_ends_a_grant(self, borrower):
        grant(borrower, "auto_debit", now=NOW, expires_at=NOW + timedelta(days=1))
        assert selectors.in_force(borrower, "auto_debit", now=NOW)
        assert not selectors.in_force(borrower, "auto_debit", now=NOW + timedelta(days=2))
        withdraw(borrower, "auto_debit", now=NOW + timedelta(minutes=1))
        assert not selectors.in_force(borrower, "auto_debit", now=NOW + timedelta(minutes=2))

    def test_sharing_with_an_agency_must_name_it(self, borrower):
        with pytest.raises(InvalidInput) as error:
            grant(borrower, "agency_sharing", now=NOW)
        assert "scope" in error.value.fields
        assert ConsentEvent.objects.count() == 0
        grant(borrower, "agency_sharing", scope="示例催收有限公司", now=NOW)
        assert selectors.in_force(borrower, "agency_sharing", now=NOW, scope="示例催收有限公司")

    @pytest.mark.parametrize(
        ("field", "value"),
        [("purpose", "address_book"), ("language", "fr"), ("channel", "fax")],
    )
    def test_nonsense_is_refused_and_nothing_stored(self, borrower, field, value):
        kwargs = {
            "purpose": "channel_sms",
            "language": "zh-hans",
            "channel": "portal",
            field: value,
        }
        with pytest.raises(InvalidInput):
            services.grant_consent(borrower=borrower, evidence={}, actor="t", **kwargs)
        assert ConsentEvent.objects.count() == 0
        assert not AuditEvent.objects.filter(action__startswith="consent.").exists()

    def test_events_are_append_only(self, borrower):
        from tactful.audit.models import AppendOnlyError

        event = grant(borrower, "channel_sms", now=NOW)
        with pytest.raises(AppendOnlyError):
            event.delete()


class TestGateThroughThePermitApi:
    def test_withdrawing_text_messages_denies_the_very_next_text(self, borrower, loan, recipient):
        move_to_daytime(borrower)
        api = ApiClient(issue_test_key("permits:write"))
        body = {
            "loan_external_id": loan.external_id,
            "recipient_id": str(recipient.public_id),
            "channel": "sms",
            "purpose": "reminder",
            "automated": True,
            "content": "请按时还款。",
        }
        assert api.post("/permits", body).json()["decision"] == "allow"

        withdraw(borrower, "channel_sms")
        denied = api.post("/permits", body).json()

        assert denied["decision"] == "deny"
        assert "consent" in denied["categories"]

    def test_withdrawing_own_number_contact_denies_calls(
        self, borrower, loan, recipient, collector
    ):
        move_to_daytime(borrower)
        api = ApiClient(issue_test_key("permits:write"))
        withdraw(borrower, "own_number_contact")
        body = {
            "loan_external_id": loan.external_id,
            "recipient_id": str(recipient.public_id),
            "channel": "call",
            "purpose": "collection",
            "collector": "wang.collector",
        }
        assert "consent" in api.post("/permits", body).json()["categories"]

    def test_consents_in_force_are_facts_of_the_own_number(self, borrower, loan, recipient):
        from tactful.contacts.models import ContactAttempt
        from tactful.contacts.services import request_permit

        grant(borrower, "channel_sms", now=NOW)
        request_permit(
            request=PermitRequest(
                loan=loan,
                recipient=recipient,
                channel="sms",
                purpose="reminder",
                automated=True,
                content="x",
            ),
            actor="t",
            now=NOW,
        )
        assert ContactAttempt.objects.get().facts["consents"] == ["channel_sms"]
