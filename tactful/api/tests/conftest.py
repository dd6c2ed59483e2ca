from __future__ import annotations

import pytest

from tactful.api.testing import ApiClient, issue_test_key


@pytest.fixture
def client(db) -> ApiClient:
    """An integrator whose key has every scope."""
    return ApiClient(issue_test_key())
