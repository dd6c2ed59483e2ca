from __future__ import annotations

from pathlib import Path

import pytest
from axes.utils import reset
from django.conf import settings


@pytest.fixture(autouse=True, scope="session")
def _static_root_exists():
    """WhiteNoise warns (an error under filterwarnings) when STATIC_ROOT is missing."""
    Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)


@pytest.fixture(autouse=True)
def _fresh_lockouts(db):
    """Start every test with no recorded failed sign-ins."""
    reset()
    yield
    reset()
