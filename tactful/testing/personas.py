"""The cast of the web and portal tests: borrowers with loans, and staff in every role.

Everyone here is invented; phone numbers are NANP fictional numbers (555-01xx) or the
CN example number.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.test import Client
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from tactful.accounts.models import User
from tactful.accounts.roles import Role
from tactful.accounts.services import create_staff_user
from tactful.borrowers.models import Borrower
from tactful.borrowers.services import BorrowerDetails, upsert_borrower
from tactful.loans.models import Loan
from tactful.loans.services import LoanTerms, open_loan, post_payment, reverse_entry
from tactful.portal.middleware import SESSION_KEY

VALID_CN_ID = "11010519491231002X"
FIRST_PHONE = "+12025550123"
SECOND_PHONE = "+12025550145"
CN_PHONE = "+8613123456789"
STAFF_PASSWORD = "a-long-and-unusual-passphrase-42"
TOTP_KEY_HEX = "3132333435363738393031323334353637383930"


def make_borrower(
    *, external_id: str, phone: str, name: str = "李华", language: str = "zh-hans"
) -> Borrower:
    borrower, _ = upsert_borrower(
        details=BorrowerDetails(
            external_id=external_id,
            name=name,
            id_country="cn",
            national_id=VALID_CN_ID,
            phones=[phone],
            preferred_language=language,
            timezone_override="Asia/Shanghai",
        ),
        actor="test",
    )
    return borrower


def make_overdue_loan(
    borrower: Borrower,
    *,
    external_id: str,
    product: str = "消费分期",
    principal: str = "12000.00",
    days_ago: int = 100,
) -> Loan:
    """Open a 12-month loan disbursed `days_ago` days ago; nothing repaid yet."""
    terms = LoanTerms(
        external_id=external_id,
        product=product,
        principal=Decimal(principal),
        annual_rate=Decimal("0.18"),
        term_months=12,
        method="equal_installment",
        disbursed_on=timezone.now().date() - timedelta(days=days_ago),
        currency="CNY",
    )
    loan, _ = open_loan(borrower=borrower, terms=terms, actor="test")
    return loan


def pay_and_reverse(loan: Loan, *, amount: str, on: date) -> None:
    """Post a payment and a correction that cancels it, both on `on`."""
    entry = post_payment(loan=loan, amount=Decimal(amount), value_date=on, actor="test")
    reverse_entry(loan=loan, entry_reference=str(entry.reference), value_date=on, actor="test")


def sign_in_borrower(client: Client, borrower: Borrower) -> None:
    session = client.session
    session[SESSION_KEY] = borrower.pk
    session.save()


def make_staff(username: str, *roles: Role, with_device: bool = True) -> User:
    return create_staff_user(
        username=username,
        password=STAFF_PASSWORD,
        roles=roles,
        totp_key_hex=TOTP_KEY_HEX if with_device else None,
    )


def sign_in_staff(client: Client, user: User, *, verified: bool = True) -> None:
    """Sign `user` in; with `verified` also as if they had entered their TOTP code."""
    client.force_login(user)
    if verified:
        device = TOTPDevice.objects.get(user=user, confirmed=True)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()


def current_token(user: User) -> str:
    device = TOTPDevice.objects.filter(user=user).order_by("-confirmed", "-id").first()
    assert device is not None
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"
