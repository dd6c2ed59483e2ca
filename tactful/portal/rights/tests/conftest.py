"""The fixtures of the data-export PDF tests, shared with the consent app's tests."""

from tactful.consent.tests.conftest import _send_at_once  # noqa: F401
from tactful.contacts.tests.conftest import borrower, collector, loan, recipient  # noqa: F401
