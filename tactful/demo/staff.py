"""The demo's members of staff: one per role, with a public password and public TOTP keys.

Everything here is published on purpose, so that a visitor can sign in to the demo
without an authenticator app (``manage.py demo_totp USERNAME`` prints the code).
That is why these accounts are only ever created, and codes only ever shown, when
``TACTFUL_DEMO`` is on: on a real installation they would be an open door.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from tactful.accounts.roles import Role
from tactful.accounts.selectors import existing_usernames
from tactful.accounts.services import create_staff_user
from tactful.contacts.services import certify_collector
from tactful.errors import Conflict, NotFound

DEMO_PASSWORD = "tactful-demo"
DEMO_ACTOR = "demo-seed"
DEMO_CERTIFICATE = "DEMO-CERT-0001"
# The certified collector's certificate reaches back past the demo's 30 days of activity.
CERTIFIED_DAYS_AGO = 90


@dataclass(frozen=True)
class DemoStaff:
    username: str
    role: Role
    # 20-byte TOTP keys, hex: the ASCII text in the comment next to each one.
    totp_key_hex: str
    superuser: bool = False
    # Collectors only: whether they hold a certificate (the gate's certification rule).
    certified: bool = True


DEMO_STAFF: tuple[DemoStaff, ...] = (
    # "demo-collector-totp!"
    DemoStaff("collector", Role.COLLECTOR, "64656d6f2d636f6c6c6563746f722d746f747021"),
    # "demo-collector2-totp": a new collector without a certificate yet, so every collection
    # contact they ask for is refused by the gate's certification rule.
    DemoStaff(
        "collector2",
        Role.COLLECTOR,
        "64656d6f2d636f6c6c6563746f72322d746f7470",
        certified=False,
    ),
    # "demo-supervisor-totp"
    DemoStaff("supervisor", Role.SUPERVISOR, "64656d6f2d73757065727669736f722d746f7470"),
    # "demo-compliance-totp"
    DemoStaff("compliance", Role.COMPLIANCE, "64656d6f2d636f6d706c69616e63652d746f7470"),
    # "demo-compliance2-key": a second officer, so four-eyes closing can be tried.
    DemoStaff("compliance2", Role.COMPLIANCE, "64656d6f2d636f6d706c69616e6365322d6b6579"),
    # "demo-admin-totp-key!"
    DemoStaff("admin", Role.ADMIN, "64656d6f2d61646d696e2d746f74702d6b657921", superuser=True),
)


def create_demo_staff() -> list[str]:
    """Create the demo staff that do not exist yet; return the usernames created.

    Does nothing unless the demo mode is on (see the module docstring).
    """
    if not settings.DEMO_MODE:
        return []
    existing = existing_usernames(staff.username for staff in DEMO_STAFF)
    created = []
    for staff in DEMO_STAFF:
        if staff.username not in existing:
            _create(staff)
            created.append(staff.username)
    return created


def _create(staff: DemoStaff) -> None:
    # The demo administrator is a superuser: the role groups carry no model permissions,
    # and without them the Django admin would show nothing.
    user = create_staff_user(
        username=staff.username,
        password=DEMO_PASSWORD,
        roles=[staff.role],
        totp_key_hex=staff.totp_key_hex,
        superuser=staff.superuser,
        actor=DEMO_ACTOR,
    )
    if staff.role is Role.COLLECTOR and staff.certified:
        # The demo's collector holds a certificate, so the gate lets them collect.
        now = timezone.now()
        certify_collector(
            collector=user,
            certificate_number=DEMO_CERTIFICATE,
            valid_from=now - timedelta(days=CERTIFIED_DAYS_AGO),
            valid_until=now + timedelta(days=365),
            actor=DEMO_ACTOR,
        )


@dataclass(frozen=True)
class DemoCode:
    code: str
    seconds_left: int


def current_code(username: str, *, now: float | None = None) -> DemoCode:
    """Return the TOTP code a demo user's authenticator would show at `now` (default: now)."""
    if not settings.DEMO_MODE:
        raise Conflict("demo_mode_off", "demo codes are shown only when TACTFUL_DEMO is on")
    if username not in {staff.username for staff in DEMO_STAFF}:
        raise NotFound("not_a_demo_user", f"{username!r} is not one of the demo staff")
    device = TOTPDevice.objects.filter(user__username=username, confirmed=True).first()
    if device is None:
        raise NotFound("no_demo_device", f"{username!r} has no TOTP device: seed the demo first")
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() if now is None else now
    code = str(totp.token()).zfill(device.digits)
    return DemoCode(code=code, seconds_left=device.step - int(totp.time - device.t0) % device.step)
