"""The cast of the help-to-repay tests: a borrower where it is daytime now, an overdue loan,
and a scriptable payment processor."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from tactful.borrowers.models import Borrower
from tactful.loans.models import Loan
from tactful.repayment.payments import FakeProcessor, use_payment_port
from tactful.testing.personas import FIRST_PHONE, make_borrower, make_overdue_loan
from tactful.testing.zones import move_to_daytime


@pytest.fixture
def today() -> date:
    return timezone.now().date()


@pytest.fixture
def borrower(db) -> Borrower:
    """张伟, whose zone is one where it is about noon now, so the gate lets reminders out."""
    return move_to_daytime(make_borrower(external_id="b-help", phone=FIRST_PHONE, name="张伟"))


@pytest.fixture
def loan(borrower: Borrower) -> Loan:
    """A 12-month CNY 12,000 loan at 18% disbursed 100 days ago: about 70 days past due."""
    return make_overdue_loan(borrower, external_id="l-help", days_ago=100)


@pytest.fixture
def processor() -> Iterator[FakeProcessor]:
    fake = FakeProcessor()
    use_payment_port(fake)
    yield fake
    use_payment_port(None)


def days_ago(n: int) -> date:
    return timezone.now().date() - timedelta(days=n)


D = Decimal
