"""The write path of help-to-repay, one module per flow; every change goes through here."""

from __future__ import annotations

from tactful.repayment.services.debits import DebitRunReport, open_debit_day, run_auto_debits
from tactful.repayment.services.mandates import MandateRequest, cancel_mandate, set_up_mandate
from tactful.repayment.services.notices import send_result_notices, send_upcoming_notices
from tactful.repayment.services.offers import (
    CONFIRMATIONS,
    INTEGRATOR,
    PORTAL_CODE,
    OfferRequest,
    accept_offer,
    price_offers,
)
from tactful.repayment.services.pauses import PauseRecorded, request_pause, resume_pause
from tactful.repayment.services.points import award_points, record_expiries, redeem_points
from tactful.repayment.services.promises import record_promise, settle_promises

__all__ = [
    "CONFIRMATIONS",
    "INTEGRATOR",
    "PORTAL_CODE",
    "DebitRunReport",
    "MandateRequest",
    "OfferRequest",
    "PauseRecorded",
    "accept_offer",
    "award_points",
    "cancel_mandate",
    "price_offers",
    "record_expiries",
    "record_promise",
    "redeem_points",
    "request_pause",
    "resume_pause",
    "open_debit_day",
    "run_auto_debits",
    "send_result_notices",
    "send_upcoming_notices",
    "set_up_mandate",
    "settle_promises",
]
