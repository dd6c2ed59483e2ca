"""Write path for staff accounts."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from tactful.accounts.models import User
from tactful.accounts.roles import Role
from tactful.audit.services import record_event
from tactful.errors import Conflict, InvalidInput

# At least 80 bits, as RFC 4226 asks of an HOTP/TOTP shared secret.
_MINIMUM_KEY_BYTES = 10
_ENROLMENT_DEVICE_NAME = "default"


def create_staff_user(
    *,
    username: str,
    password: str,
    roles: Iterable[Role | str],
    totp_key_hex: str | None = None,
    superuser: bool = False,
    actor: str = "system",
) -> User:
    """Create a member of staff in the groups of `roles`.

    With `totp_key_hex` the user also gets a confirmed TOTP device holding that key,
    so they can sign in with a code at once; without it they enrol at first sign-in.
    `superuser` also grants every permission in the Django admin (for the first administrator).
    Everything is validated first: a bad argument stores nothing.
    """
    wanted_roles = _valid_roles(roles)
    _validate(username=username, password=password, totp_key_hex=totp_key_hex)
    with transaction.atomic():
        if User.objects.filter(username=username).exists():
            raise Conflict("username_taken", "a member of staff with this username exists")
        user = User.objects.create_user(
            username=username,
            password=password,
            is_staff=superuser or Role.ADMIN in wanted_roles,
            is_superuser=superuser,
        )
        user.groups.set(_groups_for(wanted_roles))
        if totp_key_hex is not None:
            TOTPDevice.objects.create(
                user=user, name=_ENROLMENT_DEVICE_NAME, key=totp_key_hex, confirmed=True
            )
        record_event(
            actor=actor,
            action="staff.created",
            target=user,
            payload={
                "roles": sorted(wanted_roles),
                "totp": totp_key_hex is not None,
                "superuser": superuser,
            },
        )
    return user


def start_totp_enrolment(*, user: User) -> TOTPDevice:
    """Return the user's unconfirmed TOTP device, creating one with a fresh key if needed."""
    device, _ = TOTPDevice.objects.get_or_create(
        user=user, confirmed=False, defaults={"name": _ENROLMENT_DEVICE_NAME}
    )
    return device


def confirm_totp_enrolment(*, user: User, token: str) -> TOTPDevice | None:
    """Confirm the pending device when `token` matches it; return it, or None for a wrong code."""
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).first()
        if device is None or not device.verify_token(token):
            return None
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        record_event(actor=f"staff:{user.pk}", action="staff.totp_enrolled", target=user)
    return device


def close_account(*, user: User, actor: str, reason: str) -> None:
    """Make `user` unable to sign in, keeping the row: the audit trail names them.

    The password becomes unusable, every TOTP device goes, and the account is inactive
    with no roles; its history stays as it was.
    """
    with transaction.atomic():
        user.set_unusable_password()
        user.is_active = False
        user.is_staff = False
        user.is_superuser = False
        user.save(update_fields=["password", "is_active", "is_staff", "is_superuser"])
        user.groups.clear()
        TOTPDevice.objects.filter(user=user).delete()
        record_event(actor=actor, action="staff.closed", target=user, payload={"reason": reason})


def _valid_roles(roles: Iterable[Role | str]) -> set[Role]:
    names = list(roles)
    unknown = [str(name) for name in names if str(name) not in set(Role)]
    if unknown or not names:
        allowed = ", ".join(Role)
        raise InvalidInput({"roles": f"give one or more of {allowed}; unknown: {unknown}"})
    return {Role(str(name)) for name in names}


def _validate(*, username: str, password: str, totp_key_hex: str | None) -> None:
    problems: dict[str, str] = {}
    if not username.strip():
        problems["username"] = "must not be empty"
    try:
        validate_password(password, User(username=username))
    except ValidationError as error:
        problems["password"] = " ".join(str(message) for message in error.messages)
    if totp_key_hex is not None and not _is_usable_key(totp_key_hex):
        problems["totp_key_hex"] = f"must be at least {_MINIMUM_KEY_BYTES} bytes written as hex"
    if problems:
        raise InvalidInput(problems)


def _is_usable_key(key_hex: str) -> bool:
    try:
        key = bytes.fromhex(key_hex)
    except ValueError:
        return False
    return len(key) >= _MINIMUM_KEY_BYTES and len(key_hex) <= 80


def _groups_for(roles: set[Role]) -> list[Group]:
    # The groups come with a migration; get_or_create keeps a fresh test database working too.
    return [Group.objects.get_or_create(name=role.value)[0] for role in sorted(roles)]
