from tactful.casework.tests.conftest import (  # noqa: F401
    borrower,
    collector,
    loan,
    recipient,
    supervisor,
)
