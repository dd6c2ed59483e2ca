"""One-time codes that confirm a borrower's acceptance of a plan (`tactful.one_time_codes`).

Accepting a plan is confirmed by a code texted to the borrower's primary number (through
the gate, purpose ``service``) and typed back; the code serves this purpose only, so it
can neither sign anyone in nor confirm anything else.
"""

from __future__ import annotations

from tactful.borrowers.models import Borrower, PhoneNumber
from tactful.borrowers.selectors import primary_number
from tactful.contacts.services import recipient_for_number
from tactful.errors import ServiceError
from tactful.one_time_codes import services as codes
from tactful.one_time_codes.models import Purpose


class ConfirmationRefused(ServiceError):
    """The code did not confirm: wrong, expired, used up, or there is no number to send to."""


def send_code(borrower: Borrower) -> None:
    """Text a one-time code to the borrower's primary number."""
    number = _primary_number(borrower)
    codes.send_code(
        purpose=Purpose.PLAN_ACCEPTANCE,
        e164=number.e164,
        recipients=[recipient_for_number(number=number)],
    )


def check_code(borrower: Borrower, code: str) -> None:
    """Return if ``code`` is the borrower's newest code; raise ConfirmationRefused if not."""
    number = _primary_number(borrower)
    try:
        codes.use_code(purpose=Purpose.PLAN_ACCEPTANCE, e164=number.e164, code=code)
    except codes.CodeRefused as refusal:
        raise ConfirmationRefused(refusal.code, refusal.message) from None
    except ServiceError:
        raise ConfirmationRefused("code_incorrect", "the code is not right") from None


def code_hours() -> list[str] | None:
    """Return the local hours codes are sent within, as "HH:MM" texts (None: any hour)."""
    hours = codes.code_hours()
    return [f"{clock:%H:%M}" for clock in hours] if hours else None


def _primary_number(borrower: Borrower) -> PhoneNumber:
    number = primary_number(borrower)
    if number is None:
        raise ConfirmationRefused("no_number", "there is no number to send a code to")
    return number
