"""Verification codes: the short code every permit gets and every message carries.

Anyone who receives a message or a call can give the code on the public page to check
that it is genuine. Codes use an alphabet without look-alikes (no 0/O, 1/I/L), so they
survive being read aloud or copied by hand.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
LENGTH = 8


def new_verification_code() -> str:
    """Return a fresh random code of LENGTH characters from ALPHABET."""
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def with_verification_code(body: str, code: str, language: str) -> str:
    """Return `body` with the verification code appended, worded in `language`."""
    with translation.override(language):
        # Translators: appended to every text message Tactful sends; keep %(code)s and
        # %(address)s as they are (the address of the page that checks the code).
        template = gettext("%(message)s Verification code: %(code)s, check it at %(address)s")
    return template % {"message": body, "code": code, "address": verify_address()}


def verify_address() -> str:
    """Return the address of the page where anyone checks a code, as messages print it."""
    return settings.SITE_URL.rstrip("/") + reverse("public:verify")
