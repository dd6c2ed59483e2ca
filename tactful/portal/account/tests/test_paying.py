"""Paying what is due: a pay link through the checkout port, its effect shown at once."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from tactful.loans.models import LedgerEntry
from tactful.loans.selectors import loan_status
from tactful.repayment import services
from tactful.repayment.models import PaymentRequest
from tactful.testing.personas import FIRST_PHONE, make_borrower, make_overdue_loan, sign_in_borrower
from tactful.testing.zones import move_to_daytime

pytestmark = pytest.mark.django_db


@pytest.fixture
def borrower():
    return move_to_daytime(make_borrower(external_id="b-pay", phone=FIRST_PHONE))


@pytest.fixture
def loan(borrower):
    return make_overdue_loan(borrower, external_id="l-pay", days_ago=45)


@pytest.fixture
def client(borrower):
    client = Client()
    sign_in_borrower(client, borrower)
    return client


def due_now(loan) -> Decimal:
    return loan_status(loan, as_of=timezone.now().date()).due_now


def test_due_now_is_paid_through_the_pay_link_and_shows_at_once(client, loan, settings):
    settings.DEMO_MODE = True
    page = client.get(f"/portal/loans/{loan.reference}/", HTTP_ACCEPT_LANGUAGE="en").content
    owed = due_now(loan)
    assert owed > 0
    assert f'value="{owed}"'.encode() in page
    started = client.post(f"/portal/loans/{loan.reference}/pay/", {"amount": str(owed)})
    request = PaymentRequest.objects.get()
    assert started["Location"] == f"/demo/checkout/{request.reference}/"
    assert client.get(started["Location"]).status_code == 200
    paid = client.post(started["Location"])
    assert paid["Location"] == f"/portal/loans/{loan.reference}/"
    after = client.get(paid["Location"], HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Payment received" in after
    assert due_now(loan) == 0
    client.post(started["Location"])  # the processor confirms twice: paid once
    assert LedgerEntry.objects.filter(loan=loan, kind="payment").count() == 1


@pytest.mark.parametrize("amount", ["", "-1", "0", "abc", "1.001", "NaN", "1e3", "99999999"])
def test_a_malformed_or_excessive_amount_starts_nothing(client, loan, amount):
    response = client.post(f"/portal/loans/{loan.reference}/pay/", {"amount": amount})
    assert response["Location"] == f"/portal/loans/{loan.reference}/"
    assert not PaymentRequest.objects.exists()


def test_the_demo_pay_page_exists_only_in_demo_mode(client, loan, settings):
    settings.DEMO_MODE = False
    started = client.post(f"/portal/loans/{loan.reference}/pay/", {"amount": "10.00"})
    assert client.get(started["Location"]).status_code == 404
    assert client.post(started["Location"]).status_code == 404
    assert not LedgerEntry.objects.filter(loan=loan, kind="payment").exists()


def test_my_loans_shows_the_promise_pause_and_auto_debit_in_place(client, loan):
    today = timezone.now().date()
    services.record_promise(
        loan=loan,
        amount=Decimal("300.00"),
        due_on=today + timedelta(days=5),
        channel="portal",
        actor="test",
        today=today,
    )
    page = client.get("/portal/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    promise = re.search(r'data-arrangement="promise">([^<]+)<', page)
    assert promise is not None
    assert (today + timedelta(days=5)).isoformat() in promise.group(1)
    assert "300.00" in promise.group(1)


def test_money_moved_late_in_the_utc_day_is_valued_on_the_ledgers_today(borrower) -> None:
    """At 20:00 UTC it is already tomorrow in Kiritimati (UTC+14): a payment then is valued
    on the ledger's today, which refuses future value dates, not on the borrower's date."""
    from datetime import UTC, date, datetime

    from tactful.borrowers.models import Borrower
    from tactful.loans.selectors import borrower_today, ledger_day

    Borrower.objects.filter(pk=borrower.pk).update(timezone_override="Pacific/Kiritimati")
    borrower.refresh_from_db()
    evening = datetime(2026, 3, 2, 20, 0, tzinfo=UTC)
    assert borrower_today(borrower, now=evening) == date(2026, 3, 3)
    assert ledger_day(borrower, now=evening) == date(2026, 3, 2)
    morning = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
    assert ledger_day(borrower, now=morning) == date(2026, 3, 2)
