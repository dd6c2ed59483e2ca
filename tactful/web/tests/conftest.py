from __future__ import annotations

import pytest
from axes.utils import reset


@pytest.fixture(autouse=True)
def _fresh_lockouts(db):
    """Start every test with no recorded failed sign-ins."""
    reset()
    yield
    reset()
