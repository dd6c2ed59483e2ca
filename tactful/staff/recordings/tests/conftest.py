"""The fixtures of the tests of the recordings pages, shared with the tests of call QA."""

from tactful.callqa.tests.conftest import (  # noqa: F401
    _recordings_in_tmp,
    borrower,
    collector,
    compliance,
    engine,
    loan,
    other_collector,
    permit,
    recipient,
    supervisor,
)
