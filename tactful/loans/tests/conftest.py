from datetime import date
from decimal import Decimal

import pytest

from tactful.borrowers.services import BorrowerDetails, upsert_borrower
from tactful.loans.services import LoanTerms, open_loan


@pytest.fixture
def borrower(db):
    borrower, _ = upsert_borrower(
        details=BorrowerDetails(
            external_id="b-1",
            name="李华",
            id_country="cn",
            national_id="11010519491231002X",
            phones=["+12025550123"],
            timezone_override="Asia/Shanghai",
        ),
        actor="test",
    )
    return borrower


def terms(**overrides):
    values = {
        "external_id": "l-1",
        "product": "消费分期",
        "principal": Decimal("12000.00"),
        "annual_rate": Decimal("0.18"),
        "term_months": 12,
        "method": "equal_installment",
        "disbursed_on": date(2026, 1, 15),
        "currency": "CNY",
    }
    values.update(overrides)
    return LoanTerms(**values)


@pytest.fixture
def loan(borrower):
    loan, _ = open_loan(borrower=borrower, terms=terms(), actor="test")
    return loan
