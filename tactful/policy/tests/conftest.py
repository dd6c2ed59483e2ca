"""The policy tests are pure: they run without Django (``pytest -p no:django``).

The project's root conftest has two autouse fixtures that need Django (``settings`` from
pytest-django, and the SMS outbox). Nothing here touches either, so they are replaced by
inert ones for this directory.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest


@pytest.fixture
def settings() -> SimpleNamespace:
    """Stand in for pytest-django's fixture: the root conftest only sets attributes on it."""
    return SimpleNamespace()


@pytest.fixture
def sms_outbox() -> None:
    """No SMS can be sent from pure code; nothing to capture."""
    return
