"""Attempts partitioned by month (PostgreSQL, ADR 0019): a permit lands in the partition of
the month it was asked in, its id, permit id and code stay unique across every month, the
records that point at permits still must point at one, and a one-month query reads one
partition."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import IntegrityError, connection, transaction

from tactful.audit.models import AppendOnlyError
from tactful.audit.partitions import prepare_months
from tactful.contacts.facts import PermitRequest
from tactful.contacts.models import AttemptKey, ContactAttempt, ContactOutcome
from tactful.contacts.services import report_outcome, request_permit
from tactful.contacts.tests.conftest import NOW
from tactful.testing.partitions import partition_holding, partitions_read

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="monthly partitions are PostgreSQL's: CI's PostgreSQL pass runs this",
    ),
]

MARCH = date(2026, 3, 1)
MARCH_STARTS = datetime(2026, 3, 1, tzinfo=UTC)
APRIL_STARTS = datetime(2026, 4, 1, tzinfo=UTC)


@pytest.fixture
def permit(loan, recipient, collector):
    """An allowed call permit asked for at NOW, 2 March 2026."""
    return request_permit(
        request=PermitRequest(
            loan=loan,
            recipient=recipient,
            channel="call",
            purpose="collection",
            collector=collector,
        ),
        actor="test",
        now=NOW,
    )


def _copy(attempt: ContactAttempt, **changes: object) -> ContactAttempt:
    """Return an unsaved attempt like `attempt`, with a new id and `changes`."""
    copy = ContactAttempt.objects.get(pk=attempt.pk)
    copy.pk = None
    copy._state.adding = True
    copy.permit_id = uuid.uuid4()
    copy.verification_code = "ZZ" + attempt.verification_code[2:]
    for name, value in changes.items():
        setattr(copy, name, value)
    return copy


def _refused(row: ContactAttempt) -> IntegrityError:
    with pytest.raises(IntegrityError) as refused, transaction.atomic():
        row.save(force_insert=True)
    return refused.value


def test_a_permit_of_a_month_without_a_partition_lands_in_the_default_one(permit):
    assert partition_holding(permit) == "contacts_contactattempt_default"


def test_preparing_its_month_moves_it_to_that_month_with_its_keys(permit):
    prepare_months(today=MARCH, ahead=1)

    assert partition_holding(permit) == "contacts_contactattempt_y2026m03"
    key = AttemptKey.objects.get(attempt_id=permit.pk)
    assert (key.permit_id, key.verification_code) == (permit.permit_id, permit.verification_code)
    assert AttemptKey.objects.count() == ContactAttempt.objects.count() == 1


def test_a_permit_asked_in_a_prepared_month_lands_in_it(loan, recipient, collector):
    prepare_months(today=MARCH, ahead=1)

    permit = request_permit(
        request=PermitRequest(loan=loan, recipient=recipient, channel="sms", purpose="reminder"),
        actor="test",
        now=NOW + timedelta(days=31),
    )

    assert partition_holding(permit) == "contacts_contactattempt_y2026m04"


def test_a_verification_code_used_in_another_month_is_refused(permit):
    prepare_months(today=MARCH, ahead=1)
    again = _copy(permit, verification_code=permit.verification_code)
    again.requested_at = permit.requested_at + timedelta(days=31)

    refused = _refused(again)

    assert "contacts_attemptkey_verification_code" in str(refused)
    assert ContactAttempt.objects.count() == 1


def test_a_permit_id_used_in_another_month_is_refused(permit):
    again = _copy(permit, permit_id=permit.permit_id, requested_at=NOW + timedelta(days=40))

    refused = _refused(again)

    assert "contacts_attemptkey_permit_id" in str(refused)


def test_an_id_used_in_another_month_is_refused(permit):
    again = _copy(permit, requested_at=NOW + timedelta(days=40))
    again.pk = permit.pk

    refused = _refused(again)

    assert "contacts_attemptkey_pkey" in str(refused)


def test_a_code_changed_behind_the_services_back_to_one_in_use_is_refused(permit, loan, recipient):
    other = request_permit(
        request=PermitRequest(loan=loan, recipient=recipient, channel="sms", purpose="reminder"),
        actor="test",
        now=NOW + timedelta(days=40),
    )

    with pytest.raises(IntegrityError), transaction.atomic():
        ContactAttempt.objects.filter(pk=other.pk).update(
            verification_code=permit.verification_code
        )


def test_a_permit_is_still_append_only(permit):
    permit.decision = "deny"

    with pytest.raises(AppendOnlyError):
        permit.save()
    with pytest.raises(AppendOnlyError):
        permit.delete()


def test_an_outcome_must_still_be_of_a_permit_there_is(permit):
    orphan = ContactOutcome(
        attempt_id=permit.pk + 1000, outcome="connected", reported_at=NOW, reported_by="test"
    )

    with pytest.raises(IntegrityError, match="contacts_attemptkey"):
        _insert(orphan)


def test_a_permit_with_an_outcome_cannot_be_deleted_behind_the_services_back(permit):
    report_outcome(attempt=permit, outcome="connected", actor="test", now=NOW)

    with pytest.raises(IntegrityError, match="contacts_attemptkey"):
        _delete_with_sql(permit)


def test_a_query_for_one_month_reads_only_that_months_partition(permit):
    prepare_months(today=MARCH, ahead=2)

    march = ContactAttempt.objects.filter(
        requested_at__gte=MARCH_STARTS, requested_at__lt=APRIL_STARTS
    )

    assert list(march) == [permit]
    assert partitions_read(march) == {"contacts_contactattempt_y2026m03"}
    assert "contacts_contactattempt_default" in partitions_read(ContactAttempt.objects.all())


def _insert(outcome: ContactOutcome) -> None:
    with transaction.atomic():
        outcome.save(force_insert=True)
        _check_foreign_keys_now()


def _delete_with_sql(attempt: ContactAttempt) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM contacts_contactattempt WHERE id = %s", [attempt.pk])
        _check_foreign_keys_now()


def _check_foreign_keys_now() -> None:
    # Django's foreign keys are checked at commit; a test's transaction never commits.
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
