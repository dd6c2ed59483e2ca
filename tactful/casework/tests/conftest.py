"""The cast of casework: a borrower where it is daytime, a certified collector, two officers.

The pages run on the real clock, so the borrower lives in a zone where it is about noon now
(`tactful.testing.zones`), and the gate's quiet hours do not depend on when tests run.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tactful.accounts.roles import Role
from tactful.casework.services import approve_template, write_template
from tactful.contacts.services import certify_collector, recipients_for_borrower
from tactful.contacts.tests.conftest import voice_calls  # noqa: F401
from tactful.testing.personas import FIRST_PHONE, make_borrower, make_overdue_loan, make_staff
from tactful.testing.zones import move_to_daytime

REMINDER = (
    "您好，您的账户 {loan} 目前应还 {amount_due}，已逾期 {days_past_due} 天。"
    "如需分期或暂缓，可在应用内申请。"
)


@pytest.fixture
def borrower(db):
    return move_to_daytime(make_borrower(external_id="b-1", phone=FIRST_PHONE))


@pytest.fixture
def loan(borrower):
    """Overdue about 45 days: a worked stage (M2), not one for a supervisor's review."""
    return make_overdue_loan(borrower, external_id="l-1", days_ago=75)


@pytest.fixture
def recipient(borrower):
    [own_number] = recipients_for_borrower(borrower=borrower)
    return own_number


@pytest.fixture
def collector(db):
    user = make_staff("wang.collector", Role.COLLECTOR)
    now = timezone.now()
    certify_collector(
        collector=user,
        certificate_number="CBA-2026-0001",
        valid_from=now - timedelta(days=30),
        valid_until=now + timedelta(days=365),
        actor="test",
    )
    return user


@pytest.fixture
def uncertified(db):
    return make_staff("zhao.newcomer", Role.COLLECTOR)


@pytest.fixture
def author(db):
    return make_staff("li.compliance", Role.COMPLIANCE)


@pytest.fixture
def approver(db):
    return make_staff("chen.compliance", Role.COMPLIANCE)


@pytest.fixture
def supervisor(db):
    return make_staff("zhou.supervisor", Role.SUPERVISOR)


@pytest.fixture
def template(author, approver):
    written = write_template(
        name="payment_reminder",
        language="zh-hans",
        audience="debtor",
        purpose="collection",
        body=REMINDER,
        author=author,
    )
    approve_template(template=written, approver=approver)
    return written
