"""The cast of the contacts tests: a borrower in Shanghai with an overdue loan, a collector.

Times are passed in explicitly (`NOW` is a Monday, 13:30 in Shanghai), so no test depends
on the hour at which it runs.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from tactful.accounts.roles import Role
from tactful.borrowers.services import BorrowerDetails, upsert_borrower
from tactful.contacts.channels.voice import InMemoryVoiceDialer, use_voice_dialer
from tactful.contacts.services import certify_collector, recipients_for_borrower
from tactful.testing.api import create_loan
from tactful.testing.personas import FIRST_PHONE, SECOND_PHONE, make_borrower, make_staff

NOW = datetime(2026, 3, 2, 5, 30, tzinfo=UTC)  # Monday 13:30 in Asia/Shanghai
NIGHT = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)  # Monday 23:00 in Asia/Shanghai


@pytest.fixture
def borrower(db):
    return make_borrower(external_id="b-1", phone=FIRST_PHONE)


@pytest.fixture
def loan(borrower):
    """A 12-month loan disbursed 2025-01-15, nothing repaid: long overdue at NOW."""
    return create_loan("l-1", borrower)


@pytest.fixture
def recipient(borrower):
    [own_number] = recipients_for_borrower(borrower=borrower)
    return own_number


@pytest.fixture
def both_numbers(borrower):
    """The borrower given a second number of their own: one person, two recipients."""
    upsert_borrower(
        details=BorrowerDetails(
            external_id="b-1",
            name="李华",
            id_country="cn",
            national_id="11010519491231002X",
            phones=[FIRST_PHONE, SECOND_PHONE],
            timezone_override="Asia/Shanghai",
        ),
        actor="test",
    )
    return recipients_for_borrower(borrower=borrower)


@pytest.fixture
def collector(db):
    """A collector certified from before NOW until a year after the real clock's now."""
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
def voice_calls() -> Iterator[InMemoryVoiceDialer]:
    """Every call a test causes lands here."""
    dialer = InMemoryVoiceDialer()
    use_voice_dialer(dialer)
    yield dialer
    use_voice_dialer(None)
