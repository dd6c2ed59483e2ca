"""The fixtures of the tests of the loan API, shared with the tests of the loans app."""

from tactful.loans.tests.conftest import (  # noqa: F401
    borrower,
    loan,
)
