"""The fixtures of the tests of the verification pages, shared with the tests of the consent app."""

from tactful.consent.tests.conftest import (  # noqa: F401
    _send_at_once,
    _static_root_exists,
    borrower,
    collector,
    loan,
    recipient,
)
