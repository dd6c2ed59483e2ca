"""One-time codes that confirm a borrower's decision, by the portal's own code mechanism.

Accepting a plan is confirmed the way signing in is: a code texted to the borrower's
primary number (through the gate, purpose ``service``) and typed back. The portal keeps
only digests, counts wrong guesses and expires codes; this module adds the check that
the number that got the code is the signed-in borrower's.
"""

from __future__ import annotations

from tactful.borrowers.models import Borrower
from tactful.errors import ServiceError
from tactful.portal import services as portal


class ConfirmationRefused(ServiceError):
    """The code did not confirm: wrong, expired, used up, or someone else's."""


def send_code(borrower: Borrower) -> None:
    """Text a one-time code to the borrower's primary number."""
    portal.request_sign_in_code(phone=_primary_number(borrower))


def check_code(borrower: Borrower, code: str) -> None:
    """Return if ``code`` is the borrower's newest code; raise ConfirmationRefused if not."""
    try:
        confirmed = portal.verify_sign_in_code(phone=_primary_number(borrower), code=code)
    except portal.SignInRefused as refusal:
        raise ConfirmationRefused(refusal.code, refusal.message) from None
    except ServiceError:
        raise ConfirmationRefused("code_incorrect", "the code is not right") from None
    if confirmed.pk != borrower.pk:
        raise ConfirmationRefused("code_incorrect", "the code is not right")


def code_hours() -> list[str] | None:
    """Return the local hours codes are sent within, as "HH:MM" texts (None: any hour)."""
    hours = portal.sign_in_code_hours()
    return [f"{clock:%H:%M}" for clock in hours] if hours else None


def _primary_number(borrower: Borrower) -> str:
    number = borrower.phone_numbers.order_by("-is_primary", "pk").first()
    if number is None:
        raise ConfirmationRefused("no_number", "there is no number to send a code to")
    return number.e164
