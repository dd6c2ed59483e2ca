from __future__ import annotations

import pytest

from tactful.audit.models import AuditEvent
from tactful.audit.services import record_event

CHAIN_LENGTH = 6


@pytest.fixture
def chain(db) -> list[AuditEvent]:
    """Six events appended the normal way, sequences 1..6."""
    return [
        record_event(
            actor="staff:1", action="test.touched", target=("test.thing", str(n)), payload={"n": n}
        )
        for n in range(1, CHAIN_LENGTH + 1)
    ]
