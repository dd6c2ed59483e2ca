"""Write path for staff accounts: create, enrol, change a password or roles, deactivate.

Each change an administrator makes to someone's access is audited with the reason they
typed. An administrator cannot take away their own access: someone must always be
left who can give it back.
"""

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
from tactful.input_text import PROBLEM, has_control_characters

# At least 80 bits, as RFC 4226 asks of an HOTP/TOTP shared secret.
_MINIMUM_KEY_BYTES = 10
_ENROLMENT_DEVICE_NAME = "default"
# A reason is read in the audit trail, next to the change it explains: a sentence.
MAX_REASON_LENGTH = 500


def create_staff_user(
    *,
    username: str,
    password: str,
    roles: Iterable[Role | str],
    totp_key_hex: str | None = None,
    superuser: bool = False,
    must_change_password: bool = False,
    actor: str = "system",
) -> User:
    """Create a member of staff in the groups of `roles`.

    With `totp_key_hex` the user also gets a confirmed TOTP device holding that key,
    so they can sign in with a code at once; without it they enrol at first sign-in.
    `superuser` also grants every permission in the Django admin (for the first administrator).
    `must_change_password`: the password was chosen for them; they replace it at first sign-in.
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
            must_change_password=must_change_password,
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
                "must_change_password": must_change_password,
            },
        )
    return user


def change_own_password(*, user: User, current: object, new: object) -> None:
    """Replace `user`'s password with `new` after checking `current`; audited, never logged.

    Refused (InvalidInput, nothing changed) when `current` is wrong, `new` fails the
    password validators, equals the current one, or either is not a string.
    """
    if not isinstance(current, str) or not isinstance(new, str):
        raise InvalidInput({"password": "give the current and the new password as text"})
    with transaction.atomic():
        locked = _locked(user)
        if not locked.has_usable_password() or not locked.check_password(current):
            raise InvalidInput({"current": "is not the password of this account"})
        if new == current:
            raise InvalidInput({"new": "must differ from the current password"})
        try:
            validate_password(new, locked)
        except ValidationError as error:
            raise InvalidInput({"new": " ".join(str(m) for m in error.messages)}) from None
        locked.set_password(new)
        locked.must_change_password = False
        locked.save(update_fields=["password", "must_change_password"])
        record_event(actor=locked.audit_actor, action="staff.password_changed", target=locked)
    user.password = locked.password
    user.must_change_password = False


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


def change_roles(*, user: User, roles: Iterable[Role | str], actor: str, reason: str) -> User:
    """Give `user` exactly `roles`, recording the roles before and after and `reason`.

    `actor` cannot take the administrator's role from themselves, and a closed account
    gets no roles back (it is closed for good; create a new one).
    """
    wanted_roles = _valid_roles(roles)
    clean_reason = checked_reason(reason)
    with transaction.atomic():
        locked = _locked(user)
        before = locked.roles()
        _refuse_role_change(locked, before, wanted_roles, actor)
        locked.groups.set(_groups_for(wanted_roles))
        locked.is_staff = locked.is_superuser or Role.ADMIN in wanted_roles
        locked.save(update_fields=["is_staff"])
        record_event(
            actor=actor,
            action="staff.roles_changed",
            target=locked,
            payload={
                "before": sorted(before),
                "after": sorted(wanted_roles),
                "reason": clean_reason,
            },
        )
    return locked


def deactivate_staff(*, user: User, actor: str, reason: str) -> User:
    """Close `user`'s account for good (`close_account`), unless `actor` is `user`.

    An administrator who could close their own account could leave no one able to
    manage staff; one who means to leave asks another administrator.
    """
    clean_reason = checked_reason(reason)
    with transaction.atomic():
        locked = _locked(user)
        if actor == locked.audit_actor:
            raise Conflict("cannot_deactivate_self", "you cannot deactivate your own account")
        if not locked.is_active:
            raise Conflict("account_closed", "this account is already deactivated")
        close_account(user=locked, actor=actor, reason=clean_reason)
    return locked


def checked_reason(reason: str) -> str:
    """Return `reason` stripped, or raise InvalidInput: empty, too long or unprintable.

    A reason stands in the audit trail for good, on one line.
    """
    clean = reason.strip()
    if not clean:
        problem = "give a reason"
    elif len(clean) > MAX_REASON_LENGTH:
        problem = f"must be at most {MAX_REASON_LENGTH} characters"
    elif has_control_characters(clean, multiline=False):
        problem = PROBLEM
    else:
        return clean
    raise InvalidInput({"reason": problem})


def _locked(user: User) -> User:
    """Return `user` read again under a row lock, so two administrators' changes queue."""
    return User.objects.select_for_update().get(pk=user.pk)


def _refuse_role_change(user: User, before: set[Role], after: set[Role], actor: str) -> None:
    if not user.is_active:
        raise Conflict("account_closed", "a deactivated account cannot be given roles")
    if actor == user.audit_actor and Role.ADMIN not in after:
        raise Conflict("cannot_demote_self", "you cannot take the administrator role from yourself")
    if before == after:
        raise InvalidInput({"roles": "these are the roles the account has now"}, "roles_unchanged")


def _valid_roles(roles: Iterable[Role | str]) -> set[Role]:
    names = list(roles)
    unknown = [str(name) for name in names if str(name) not in set(Role)]
    if unknown or not names:
        allowed = ", ".join(Role)
        raise InvalidInput({"roles": f"give one or more of {allowed}; unknown: {unknown}"})
    return {Role(str(name)) for name in names}


def _validate(*, username: str, password: str, totp_key_hex: str | None) -> None:
    problems: dict[str, str] = {}
    username_problem = _username_problem(username)
    if username_problem:
        problems["username"] = username_problem
    try:
        validate_password(password, User(username=username))
    except ValidationError as error:
        problems["password"] = " ".join(str(message) for message in error.messages)
    if totp_key_hex is not None and not _is_usable_key(totp_key_hex):
        problems["totp_key_hex"] = f"must be at least {_MINIMUM_KEY_BYTES} bytes written as hex"
    if problems:
        raise InvalidInput(problems)


def _username_problem(username: str) -> str | None:
    if not username.strip():
        return "must not be empty"
    try:
        User.username_validator(username)
    except ValidationError:
        return "use letters, digits and @ . + - _ only"
    max_length = User._meta.get_field("username").max_length or 150
    return f"must be at most {max_length} characters" if len(username) > max_length else None


def _is_usable_key(key_hex: str) -> bool:
    try:
        key = bytes.fromhex(key_hex)
    except ValueError:
        return False
    return len(key) >= _MINIMUM_KEY_BYTES and len(key_hex) <= 80


def _groups_for(roles: set[Role]) -> list[Group]:
    # The groups come with a migration; get_or_create keeps a fresh test database working too.
    return [Group.objects.get_or_create(name=role.value)[0] for role in sorted(roles)]
