"""The cast of the complaints tests: a borrower in Shanghai with an overdue loan, staff.

Service tests pass `NOW` (Monday 13:30 in Shanghai); page and API tests run on the real
clock and move the borrower to a zone where it is daytime.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from tactful.accounts.roles import Role
from tactful.contacts.facts import PermitRequest
from tactful.contacts.services import certify_collector, recipients_for_borrower, request_permit
from tactful.testing.api import create_loan
from tactful.testing.personas import FIRST_PHONE, make_borrower, make_staff

NOW = datetime(2026, 3, 2, 5, 30, tzinfo=UTC)  # Monday 13:30 in Asia/Shanghai


@pytest.fixture(autouse=True)
def _private_files(settings, tmp_path):
    settings.VAR_DIR = tmp_path


@pytest.fixture
def borrower(db):
    return make_borrower(external_id="b-1", phone=FIRST_PHONE, name="张伟")


@pytest.fixture
def loan(borrower):
    return create_loan("l-1", borrower)


@pytest.fixture
def recipient(borrower):
    [own_number] = recipients_for_borrower(borrower=borrower)
    return own_number


@pytest.fixture
def collector(db):
    user = make_staff("wang.collector", Role.COLLECTOR)
    certify_collector(
        collector=user,
        certificate_number="CBA-2026-0001",
        valid_from=min(NOW, timezone.now()) - timedelta(days=30),
        valid_until=max(NOW, timezone.now()) + timedelta(days=365),
        actor="test",
    )
    return user


@pytest.fixture
def officer(db):
    return make_staff("li.compliance", Role.COMPLIANCE)


@pytest.fixture
def second_officer(db):
    return make_staff("zhao.compliance", Role.COMPLIANCE)


@pytest.fixture
def call(loan, recipient, collector):
    """A permitted collection call, whose verification code the complainant quotes."""
    return request_permit(
        request=PermitRequest(
            loan=loan,
            recipient=recipient,
            channel="call",
            purpose="collection",
            collector=collector,
        ),
        actor="test",
        now=NOW - timedelta(hours=1),
    )
