"""The fixtures of the tests of the rights API, shared with the tests of the consent app."""

from tactful.consent.tests.conftest import (  # noqa: F401
    _send_at_once,
    borrower,
    collector,
    loan,
    recipient,
)
