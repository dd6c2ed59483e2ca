"""The gate reads consent through a registered port, and fails closed without one."""

import pytest

from tactful.consent.facts import ConsentRecords
from tactful.contacts.facts import PermitRequest
from tactful.contacts.ports import ConsentFacts, consent_source, use_consent_source
from tactful.contacts.services import request_permit
from tactful.contacts.tests.conftest import NOW

pytestmark = pytest.mark.django_db


@pytest.fixture
def restore_source():
    registered = consent_source()
    yield
    use_consent_source(registered)


def test_the_consent_app_registers_its_records_when_django_starts():
    assert isinstance(consent_source(), ConsentRecords)


def permit(loan, recipient, collector):
    return request_permit(
        request=PermitRequest(
            loan=loan, recipient=recipient, channel="sms", purpose="reminder", collector=collector
        ),
        actor="test",
        now=NOW,
    )


def test_the_same_contact_is_allowed_with_the_consent_records(loan, recipient, collector):
    assert permit(loan, recipient, collector).decision == "allow"


def test_without_a_consent_source_every_contact_is_a_data_gap(
    restore_source, loan, recipient, collector
):
    use_consent_source(None)

    attempt = permit(loan, recipient, collector)

    assert (attempt.decision, attempt.categories) == ("deny", ["data_gap"])


def test_a_withdrawal_from_the_source_stops_the_next_contact(
    restore_source, loan, recipient, collector
):
    class Withdrawn:
        def consent_facts(self, recipient, *, channel, now):
            return ConsentFacts(consents=frozenset(), stops_contact=True)

    use_consent_source(Withdrawn())

    attempt = permit(loan, recipient, collector)

    assert attempt.decision == "deny"
    assert attempt.facts["opted_out"] is True
