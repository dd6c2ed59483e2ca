from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from tactful.demo.seed import seed_demo

DAY = date(2025, 6, 30)
# 02:00 UTC is 10:00 in Shanghai, where the demo borrowers live: channels are open.
MORNING = datetime(2025, 6, 30, 2, 0, tzinfo=UTC)


@pytest.fixture
def portfolio(db):
    """A small demo portfolio as of DAY (fictional people, fictional numbers)."""
    return seed_demo(borrowers=24, seed=7, today=DAY)
