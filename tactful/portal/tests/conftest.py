from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings


@pytest.fixture(autouse=True, scope="session")
def _static_root_exists():
    """WhiteNoise warns (an error under filterwarnings) when STATIC_ROOT is missing."""
    Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)
