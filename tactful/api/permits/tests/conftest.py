"""The fixtures of the tests of the permit API, shared with the tests of the contacts app."""

from tactful.contacts.tests.conftest import (  # noqa: F401
    borrower,
    collector,
    loan,
    recipient,
    voice_calls,
)
