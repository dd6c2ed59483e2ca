"""The fixtures of the tests of the help pages, shared with the tests of the repayment app."""

from tactful.repayment.tests.conftest import (  # noqa: F401
    borrower,
    loan,
    processor,
    today,
)
