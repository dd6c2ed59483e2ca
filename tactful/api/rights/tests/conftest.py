"""The fixtures of the tests of the rights API, shared with the tests of the consent app."""

from tactful.consent.tests.conftest import _send_at_once  # noqa: F401
from tactful.contacts.tests.conftest import borrower, collector, loan, recipient  # noqa: F401
