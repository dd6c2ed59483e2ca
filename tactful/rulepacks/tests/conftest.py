"""Two compliance officers and a supervisor; the gate's remembered pack forgotten around
each test (an approval rolled back with its test must not outlive it in memory)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tactful.accounts.models import User
from tactful.accounts.roles import Role
from tactful.contacts.tests.conftest import borrower, collector, loan, recipient  # noqa: F401
from tactful.rulepacks.selectors import forget_gate_pack
from tactful.testing.personas import make_staff

TIGHTER = """\
pack: cn
rules:
  - id: cn.gbt45251.quiet_hours
    parameters: {start: "09:00", end: "20:00"}
  - id: cn.gbt45251.connected_call_cap
    parameters: {max: 2}
"""
LOOSER = """\
pack: cn
rules:
  - id: cn.gbt45251.quiet_hours
    parameters: {start: "07:00"}
  - id: cn.cba2026.unanswered_attempt_cap
    parameters: {max: 8}
"""


@pytest.fixture(autouse=True)
def _fresh_gate_pack() -> Iterator[None]:
    forget_gate_pack()
    yield
    forget_gate_pack()


@pytest.fixture
def author(db: None) -> User:
    return make_staff("officer-1", Role.COMPLIANCE)


@pytest.fixture
def approver(db: None) -> User:
    return make_staff("officer-2", Role.COMPLIANCE)


@pytest.fixture
def supervisor(db: None) -> User:
    return make_staff("supervisor-1", Role.SUPERVISOR)
