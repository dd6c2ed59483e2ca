"""The checkout port: a pay link at the lender's payment processor, for paying what is due.

One method: `start` turns a payment request into a page where the borrower pays. The
processor tells Tactful when it is paid (in production its confirmation calls
`services.checkout.settle_payment`); the built-in fake's page is `/demo/checkout/<id>/`,
served in demo mode only, whose button settles at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol
from uuid import UUID

from django.urls import reverse


@dataclass(frozen=True)
class CheckoutRequest:
    """Pay `amount` of `currency` towards the loan; `reference` names the request here."""

    reference: UUID
    amount: Decimal
    currency: str
    description: str


@dataclass(frozen=True)
class Checkout:
    """Where the borrower pays: the processor's page."""

    url: str


class CheckoutPort(Protocol):
    def start(self, request: CheckoutRequest) -> Checkout: ...


class FakeCheckout:
    """The demo's processor: its page is Tactful's own demo page, which settles at once."""

    def __init__(self) -> None:
        self.started: list[CheckoutRequest] = []

    def start(self, request: CheckoutRequest) -> Checkout:
        self.started.append(request)
        return Checkout(url=reverse("public:demo-checkout", args=[request.reference]))


_default_port = FakeCheckout()
_override: CheckoutPort | None = None


def checkout_port() -> CheckoutPort:
    """Return the processor in use: an override (an integration, tests), else the fake."""
    return _override or _default_port


def use_checkout_port(port: CheckoutPort | None) -> None:
    """Send pay links to ``port``; None restores the built-in fake."""
    global _override
    _override = port
