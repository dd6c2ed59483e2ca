"""Notices before and after a collection, sent only through a ``reminder`` permit.

Each notice has a key (``<mandate>:<day>:upcoming``, ``<attempt key>:result``) and is
recorded once with the gate's answer: a notice the gate refused is not retried, so a
borrower is never told the same thing twice. A denied notice sends nothing.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from tactful.money.debits import debit_lines, next_debit_day
from tactful.repayment import contact_holds, ledgers, selectors, wording
from tactful.repayment.models import (
    DebitAttempt,
    DebitMandate,
    DebitNotice,
    DebitOutcome,
    NoticeKind,
)
from tactful.repayment.rules import configured_rules

ACTOR = "repayment:notices"


def send_upcoming_notices(*, today: date) -> int:
    """Tell each borrower whose collection is due in the pack's notice days what it will be."""
    rules = configured_rules()
    collection_day = today + timedelta(days=rules.notice_days_before)
    candidates = DebitMandate.objects.filter(
        cancellation__isnull=True, debit_day=collection_day.day
    ).select_related("loan__borrower")
    skipped = selectors.uncollectable_loans([m.loan_id for m in candidates], on=collection_day)
    mandates = [mandate for mandate in candidates if mandate.loan_id not in skipped]
    states = ledgers.installment_states([m.loan_id for m in mandates], collection_day)
    sent = 0
    for mandate in mandates:
        lines = debit_lines(
            states[mandate.loan_id],
            until=next_debit_day(mandate.debit_day, collection_day),
            maximum=mandate.max_amount,
        )
        amount = sum((line.amount for line in lines), start=Decimal(0))
        if amount <= 0:
            continue
        body = wording.upcoming_text(
            language=mandate.loan.borrower.preferred_language,
            amount=amount,
            currency=mandate.loan.currency,
            on=collection_day,
            hint=mandate.account_hint,
        )
        key = f"{mandate.reference.hex}:{collection_day.isoformat()}:upcoming"
        sent += _send(mandate, NoticeKind.UPCOMING, key, body)
    return sent


def send_result_notices(*, attempt_ids: list[int]) -> int:
    """Tell each borrower what came of the given attempts: one text per mandate, day and outcome.

    Return how many texts were sent.
    """
    attempts = DebitAttempt.objects.filter(pk__in=attempt_ids, result__isnull=False).select_related(
        "result", "mandate", "loan__borrower"
    )
    groups: dict[tuple[int, date, str], list[DebitAttempt]] = defaultdict(list)
    for attempt in attempts.order_by("pk"):
        groups[(attempt.mandate_id, attempt.scheduled_on, attempt.result.outcome)].append(attempt)
    return sum(_send_result(group) for group in groups.values())


def _send_result(attempts: list[DebitAttempt]) -> int:
    first = attempts[0]
    mandate, day, outcome = first.mandate, first.scheduled_on, first.result.outcome
    language = first.loan.borrower.preferred_language
    amount = sum((attempt.amount for attempt in attempts), start=Decimal(0))
    if outcome == DebitOutcome.SUCCEEDED:
        kind = NoticeKind.COLLECTED
        body = wording.collected_text(
            language=language, amount=amount, currency=first.loan.currency, on=day
        )
    else:
        kind = NoticeKind.FAILED
        retries = [a.result.retry_on for a in attempts if a.result.retry_on is not None]
        body = wording.failed_text(
            language=language,
            amount=amount,
            currency=first.loan.currency,
            on=day,
            retry_on=min(retries, default=None),
        )
    return _send(mandate, kind, f"{mandate.reference.hex}:{day.isoformat()}:{kind}", body)


def _send(mandate: DebitMandate, kind: str, key: str, body: str) -> int:
    with transaction.atomic():
        if DebitNotice.objects.filter(key=key).exists():
            return 0
        now = timezone.now()
        reminder = contact_holds.send_reminder(
            loan=mandate.loan,
            body=body,
            message_purpose=f"auto_debit_{kind}",
            actor=ACTOR,
            now=now,
        )
        DebitNotice.objects.create(
            mandate=mandate,
            kind=kind,
            key=key,
            permit_id=reminder.permit_id,
            sent=reminder.sent,
            detail=reminder.detail,
            recorded_at=now,
        )
    return 1 if reminder.sent else 0
