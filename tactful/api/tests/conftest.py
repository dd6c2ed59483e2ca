from __future__ import annotations

import pytest

from tactful.testing.api import ApiClient, issue_test_key


@pytest.fixture
def client(db) -> ApiClient:
    """An integrator whose key has every scope."""
    return ApiClient(issue_test_key())
