"""Staff roles. Each role is a Django group of the same name."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    COLLECTOR = "collector"
    SUPERVISOR = "supervisor"
    COMPLIANCE = "compliance"
    ADMIN = "admin"


STAFF_ROLES: tuple[Role, ...] = tuple(Role)
