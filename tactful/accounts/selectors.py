"""Read paths for staff accounts: one member of staff by name or id, staff by role, the
list administrators manage, and what was changed about an account."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django_otp.plugins.otp_totp.models import TOTPDevice

from tactful.accounts.models import User
from tactful.accounts.roles import Role
from tactful.audit.models import AuditEvent
from tactful.audit.selectors import events_about

# The audit events that change who may do what, as `services` records them.
ACCESS_ACTIONS = ("staff.created", "staff.roles_changed", "staff.closed", "staff.totp_enrolled")


@dataclass(frozen=True)
class StaffRow:
    """A member of staff as the administrators' list shows them."""

    user: User
    roles: tuple[Role, ...]
    has_authenticator: bool


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


def actor_names(actors: Iterable[str]) -> dict[str, str]:
    """Map audit actors of staff ("user:42") to their usernames; others are left out."""
    pks = {int(actor[5:]) for actor in actors if actor.startswith("user:") and actor[5:].isdigit()}
    found = User.objects.filter(pk__in=pks).values_list("pk", "username")
    return {f"user:{pk}": username for pk, username in found}


def existing_usernames(usernames: Iterable[str]) -> set[str]:
    """Return which of `usernames` already have an account."""
    return set(User.objects.filter(username__in=list(usernames)).values_list("username", flat=True))


def staff_holding_published_credentials(
    *, usernames: Iterable[str], password: str, totp_keys_hex: Iterable[str]
) -> list[str]:
    """Return the active staff who can sign in with credentials anyone may read.

    That is whoever holds one of `totp_keys_hex` on a device, or is one of `usernames`
    and still has `password`. Sorted, each once.
    """
    # Hex is hex in either case: "AB12" is the same key as "ab12".
    same_key = Q(pk__in=[])
    for key in totp_keys_hex:
        same_key |= Q(key__iexact=key)
    holders = set(
        TOTPDevice.objects.filter(same_key, user__is_active=True).values_list(
            "user__username", flat=True
        )
    )
    named = User.objects.filter(Q(username__in=list(usernames)) & Q(is_active=True))
    holders.update(user.username for user in named if user.check_password(password))
    return sorted(holders)


def staff_overview() -> list[StaffRow]:
    """Return every member of staff, open accounts first, in three queries whatever their number."""
    users = User.objects.order_by("-is_active", "username").prefetch_related("groups")
    enrolled = set(
        TOTPDevice.objects.filter(confirmed=True).values_list("user_id", flat=True).distinct()
    )
    return [_row(user, user.pk in enrolled) for user in users]


def staff_row(pk: int) -> StaffRow | None:
    """Return one member of staff as `staff_overview` shows them, or None."""
    user = User.objects.filter(pk=pk).prefetch_related("groups").first()
    if user is None:
        return None
    enrolled = TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    return _row(user, enrolled)


def access_changes(user: User) -> list[AuditEvent]:
    """Return the audit events that changed `user`'s access, oldest first."""
    events = events_about(user._meta.label_lower, [str(user.pk)], actions=ACCESS_ACTIONS)
    return list(events.order_by("sequence"))


def _row(user: User, has_authenticator: bool) -> StaffRow:
    # From the prefetched groups: `User.roles()` would ask the database once per person.
    names = {group.name for group in user.groups.all()}
    roles = tuple(role for role in Role if role.value in names)
    return StaffRow(user=user, roles=roles, has_authenticator=has_authenticator)
