"""Fixtures of the staff contacts page tests, shared with the contacts app's tests."""

from tactful.contacts.tests.conftest import (  # noqa: F401
    borrower,
    collector,
    loan,
    recipient,
    voice_calls,
)
