from __future__ import annotations

import pytest

from tactful.contacts.tests.conftest import borrower, collector, loan, recipient  # noqa: F401


@pytest.fixture(autouse=True)
def _send_at_once(monkeypatch):
    """Run on-commit sends at once: these tests run inside a transaction that never commits."""
    from types import SimpleNamespace

    monkeypatch.setattr(
        "tactful.messaging.services.transaction", SimpleNamespace(on_commit=lambda send: send())
    )
