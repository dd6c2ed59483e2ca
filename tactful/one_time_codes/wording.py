"""The words of one-time codes: the text that carries a code, and why a code was refused.

Every flow's text says the same four things in the same order (whose code, what for,
how long it lives, never share it); every page shows a refusal in the same words.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from tactful.one_time_codes.models import Purpose

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# How each flow's texts are named to the SMS gateway.
MESSAGE_PURPOSES: dict[str, str] = {
    Purpose.SIGN_IN: "sign_in_code",
    Purpose.PLAN_ACCEPTANCE: "plan_acceptance_code",
    Purpose.THIRD_PARTY_RIGHTS: "third_party_rights_code",
    Purpose.COMPLAINT_IDENTITY: "complaint_identity_code",
}

# Why a code did not work, as every page says it.
REFUSALS: dict[str, StrOrPromise] = {
    "no_active_code": _("There is no code waiting for this number. Please ask for a new code."),
    "code_expired": _("This code has expired. Please ask for a new code."),
    "code_incorrect": _("This code is not right. Please check the text message and try again."),
    "code_attempts_exhausted": _(
        "This code was entered wrongly too many times, so it no longer works. "
        "Please ask for a new code."
    ),
    "invalid_code": _("Enter the 6 digits of the code."),
}
TOO_MANY_CODES = _(
    "A code was asked for this number several times in the last hour. "
    "Please use the newest code you received, or try again in an hour."
)


def refusal_text(code: str) -> StrOrPromise:
    """Return the words for a refused code (`CodeRefused.code` or ``invalid_code``)."""
    return REFUSALS.get(code, REFUSALS["code_incorrect"])


def code_text(purpose: str, code: str, language: str) -> str:
    """Return the text that carries `code` for `purpose`, in `language`."""
    minutes = settings.ONE_TIME_CODE_MINUTES
    with translation.override(language):
        text = _TEXTS[purpose](minutes)
    return text % {"code": code, "minutes": minutes}


def _sign_in(minutes: int) -> str:
    return ngettext(
        "Your Tactful sign-in code is %(code)s. It is valid for %(minutes)d minute. "
        "Never share it with anyone.",
        "Your Tactful sign-in code is %(code)s. It is valid for %(minutes)d minutes. "
        "Never share it with anyone.",
        minutes,
    )


def _plan_acceptance(minutes: int) -> str:
    return ngettext(
        "Your Tactful code to accept your new repayment plan is %(code)s. It is valid for "
        "%(minutes)d minute. Never share it with anyone.",
        "Your Tactful code to accept your new repayment plan is %(code)s. It is valid for "
        "%(minutes)d minutes. Never share it with anyone.",
        minutes,
    )


def _third_party_rights(minutes: int) -> str:
    return ngettext(
        "Your Tactful code to see your data is %(code)s. It is valid for %(minutes)d "
        "minute. Never share it with anyone.",
        "Your Tactful code to see your data is %(code)s. It is valid for %(minutes)d "
        "minutes. Never share it with anyone.",
        minutes,
    )


def _complaint_identity(minutes: int) -> str:
    return ngettext(
        "Your Tactful code to identify yourself in a complaint is %(code)s. It is valid for "
        "%(minutes)d minute. Never share it with anyone.",
        "Your Tactful code to identify yourself in a complaint is %(code)s. It is valid for "
        "%(minutes)d minutes. Never share it with anyone.",
        minutes,
    )


_TEXTS: dict[str, Callable[[int], str]] = {
    Purpose.SIGN_IN: _sign_in,
    Purpose.PLAN_ACCEPTANCE: _plan_acceptance,
    Purpose.THIRD_PARTY_RIGHTS: _third_party_rights,
    Purpose.COMPLAINT_IDENTITY: _complaint_identity,
}
