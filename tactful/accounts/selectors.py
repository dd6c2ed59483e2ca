"""Read paths for staff accounts: one member of staff by name or id, staff by role."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet

from tactful.accounts.models import User
from tactful.accounts.roles import Role


def active_staff(username: str) -> User | None:
    """Return the active member of staff with this username, if there is one."""
    return User.objects.filter(username=username, is_active=True).first()


def staff_by_username(username: str) -> User | None:
    return User.objects.filter(username=username).first()


def staff_by_id(pk: int | str) -> User | None:
    return User.objects.filter(pk=pk).first()


def staff_with_roles(roles: Iterable[Role]) -> QuerySet[User]:
    """Return the staff holding any of `roles` (through their groups), each once."""
    return User.objects.filter(groups__name__in=[role.value for role in roles]).distinct()


def existing_usernames(usernames: Iterable[str]) -> set[str]:
    """Return which of `usernames` already have an account."""
    return set(User.objects.filter(username__in=list(usernames)).values_list("username", flat=True))
