"""Fixtures of the help-to-repay API tests, shared with the repayment app's tests."""

from tactful.repayment.tests.conftest import (  # noqa: F401
    borrower,
    loan,
    processor,
    today,
)
