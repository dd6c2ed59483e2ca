"""Demo doors: staff accounts whose password or TOTP key this repository publishes.

In demo mode they are the point (anyone may try the staff pages). Anywhere else they
are an open door to every borrower's data: while one exists outside demo mode,
``check --deploy`` fails and the web server refuses to start (`refuse_to_serve`, called
by tactful.wsgi), and ``manage.py remove_demo_staff`` closes them.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError

from tactful.accounts.selectors import active_staff, staff_holding_published_credentials
from tactful.accounts.services import close_account
from tactful.demo.staff import DEMO_PASSWORD, DEMO_STAFF

REMOVAL_COMMAND = "python manage.py remove_demo_staff"
DOOR_CHECK_ID = "tactful.E001"


def open_demo_doors() -> list[str]:
    """Return the active staff who can sign in with the published demo credentials."""
    return staff_holding_published_credentials(
        usernames=[staff.username for staff in DEMO_STAFF],
        password=DEMO_PASSWORD,
        totp_keys_hex=[staff.totp_key_hex for staff in DEMO_STAFF],
    )


def close_demo_doors(*, actor: str) -> list[str]:
    """Close every account that `open_demo_doors` finds; return their usernames."""
    closed = []
    for username in open_demo_doors():
        user = active_staff(username)
        if user is not None:
            close_account(user=user, actor=actor, reason="published demo credentials")
            closed.append(username)
    return closed


def doors_left_open() -> list[str]:
    """Outside demo mode, the accounts `open_demo_doors` finds; in demo mode, none."""
    if settings.DEMO_MODE:
        return []
    try:
        return open_demo_doors()
    except DatabaseError:
        # No tables yet (before the first migrate): then there are no accounts either.
        return []


def check_no_demo_doors(**kwargs: Any) -> list[checks.CheckMessage]:
    """A deploy check: outside demo mode, no account may hold published credentials."""
    doors = doors_left_open()
    if not doors:
        return []
    return [checks.Error(_problem(doors), hint=_HINT, id=DOOR_CHECK_ID)]


def refuse_to_serve() -> None:
    """Stop the web server from starting while a demo door is open outside demo mode."""
    doors = doors_left_open()
    if doors:
        raise ImproperlyConfigured(f"{DOOR_CHECK_ID}: {_problem(doors)} {_HINT}")


_HINT = (
    f"Run `{REMOVAL_COMMAND}` to close them (docs/security.md), "
    "or set TACTFUL_DEMO=true if this really is a demo."
)


def _problem(doors: list[str]) -> str:
    return (
        "TACTFUL_DEMO is off, but these staff accounts sign in with the demo's published "
        f"password or TOTP key: {', '.join(doors)}."
    )
