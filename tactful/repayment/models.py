"""Help to repay: restructuring offers and plans, hardship pauses, promises to pay,
auto-debit mandates and their attempts, and reward points.

Every table is append-only (a regulator may ask about any of these rows): a withdrawn
mandate, an early resumption or a broken promise is a new row, and the current state
is derived in `tactful.repayment.selectors`. No row holds an account number, a phone
number or a name: accounts are known by the payment port's token and last four digits.
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _

from tactful.audit.models import AppendOnlyModel
from tactful.borrowers.models import Borrower
from tactful.loans.models import LedgerEntry, Loan


class RestructuringOffer(AppendOnlyModel):
    """A priced plan for what a loan owed on `priced_on`, valid until `expires_on`.

    `last_entry_id` is the newest ledger entry the price saw: any later entry makes the
    offer stale, because the balance it re-lends may have changed.
    """

    reference = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    loan = models.ForeignKey(Loan, on_delete=models.PROTECT, related_name="restructuring_offers")
    priced_on = models.DateField()
    expires_on = models.DateField()
    last_entry_id = models.BigIntegerField(default=0)
    balance_principal = models.DecimalField(max_digits=18, decimal_places=2)
    balance_interest = models.DecimalField(max_digits=18, decimal_places=2)
    balance_fees = models.DecimalField(max_digits=18, decimal_places=2)
    months = models.PositiveSmallIntegerField()
    annual_rate = models.DecimalField(max_digits=8, decimal_places=6)
    fee = models.DecimalField(max_digits=18, decimal_places=2)
    apr = models.DecimalField(max_digits=8, decimal_places=4)
    effective_annual_rate = models.DecimalField(max_digits=10, decimal_places=4)
    total_interest = models.DecimalField(max_digits=18, decimal_places=2)
    total_repaid = models.DecimalField(max_digits=18, decimal_places=2)
    first_payment = models.DecimalField(max_digits=18, decimal_places=2)
    regular_payment = models.DecimalField(max_digits=18, decimal_places=2)
    schedule = models.JSONField()
    affordable_installment = models.DecimalField(
        max_digits=18, decimal_places=2, null=True, blank=True
    )
    pack = models.CharField(max_length=32)
    pack_version = models.CharField(max_length=32)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.CharField(max_length=80)

    class Meta:
        verbose_name = _("restructuring offer")
        verbose_name_plural = _("restructuring offers")
        ordering: ClassVar[list[str]] = ["loan", "months", "id"]

    def __str__(self) -> str:
        return f"{self.months}-month offer {self.reference}"

    @property
    def total_cost(self) -> Decimal:
        """Return what the plan costs beyond the carried balance: its interest and fee."""
        return self.total_interest + self.fee

    @property
    def balance(self) -> Decimal:
        """Return the carried balance the offer re-lends."""
        return self.balance_principal + self.balance_interest + self.balance_fees


class Acceptance(AppendOnlyModel):
    """A borrower's acceptance of an offer: the old schedule closed, the plan opened.

    The plan is a loan of its own (`plan_loan`), lent on `accepted_on` for the carried
    balance. The old loan is closed by `closing_entry`, a payment-kind entry of its whole
    outstanding balance that moves it into the plan; `future_interest_dropped` is the
    part of that balance (interest of installments not yet due) the plan does not carry.
    """

    offer = models.OneToOneField(
        RestructuringOffer, on_delete=models.PROTECT, related_name="acceptance"
    )
    old_loan = models.OneToOneField(Loan, on_delete=models.PROTECT, related_name="restructuring")
    plan_loan = models.OneToOneField(
        Loan, on_delete=models.PROTECT, related_name="restructured_from"
    )
    closing_entry = models.OneToOneField(
        LedgerEntry, on_delete=models.PROTECT, related_name="restructuring_closure"
    )
    closing_amount = models.DecimalField(max_digits=18, decimal_places=2)
    future_interest_dropped = models.DecimalField(max_digits=18, decimal_places=2)
    carried_days_past_due = models.PositiveIntegerField()
    reage_mode = models.CharField(max_length=20)
    watch_installments = models.PositiveSmallIntegerField()
    accepted_on = models.DateField()
    accepted_at = models.DateTimeField()
    accepted_by = models.CharField(max_length=80)
    confirmed_via = models.CharField(max_length=20)
    confirmation_reference = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("acceptance")
        verbose_name_plural = _("acceptances")

    def __str__(self) -> str:
        return f"acceptance of {self.offer_id}"


class HardshipReason(models.TextChoices):
    JOB_LOSS = "job_loss", _("Lost my job or income")
    ILLNESS = "illness", _("Illness or injury")
    BEREAVEMENT = "bereavement", _("A death in the family")
    DISASTER = "disaster", _("Disaster or emergency")
    OTHER = "other", _("Something else")


class RequestChannel(models.TextChoices):
    PORTAL = "portal", _("Portal")
    API = "api", _("Lender's system")
    STAFF = "staff", _("Staff")


class HardshipPause(AppendOnlyModel):
    """Ageing of days past due stops from `starts_on` until `ends_on` (it resumes that day).

    `starts_on` may lie in the past (a hardship reported late). `hold_reference` is the
    `hardship` hold placed in the gate with it, when the gate is wired in.
    """

    reference = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    loan = models.ForeignKey(Loan, on_delete=models.PROTECT, related_name="hardship_pauses")
    starts_on = models.DateField()
    ends_on = models.DateField()
    reason = models.CharField(max_length=20, choices=HardshipReason.choices)
    requested_via = models.CharField(max_length=10, choices=RequestChannel.choices)
    hold_reference = models.UUIDField(null=True, blank=True)
    recorded_at = models.DateTimeField()
    recorded_by = models.CharField(max_length=80)

    class Meta:
        verbose_name = _("hardship pause")
        verbose_name_plural = _("hardship pauses")
        ordering: ClassVar[list[str]] = ["loan", "starts_on"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gt=models.F("starts_on")),
                name="pause_ends_after_it_starts",
            ),
        ]

    def __str__(self) -> str:
        return f"pause {self.starts_on}..{self.ends_on}"


class PauseResumption(AppendOnlyModel):
    """The explicit, early end of a pause: ageing resumes on `resumes_on`."""

    pause = models.OneToOneField(HardshipPause, on_delete=models.PROTECT, related_name="resumption")
    resumes_on = models.DateField()
    recorded_at = models.DateTimeField()
    recorded_by = models.CharField(max_length=80)

    class Meta:
        verbose_name = _("pause resumption")
        verbose_name_plural = _("pause resumptions")

    def __str__(self) -> str:
        return f"resumption of {self.pause_id} on {self.resumes_on}"


class PromiseChannel(models.TextChoices):
    PORTAL = "portal", _("Portal")
    CALL = "call", _("Phone call")
    SMS = "sms", _("Text message")
    LENDER_APP = "lender_app", _("Lender's app")
    IN_PERSON = "in_person", _("In person")


class PromiseToPay(AppendOnlyModel):
    """`amount` promised on `made_on` to be paid by `due_on`."""

    reference = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    loan = models.ForeignKey(Loan, on_delete=models.PROTECT, related_name="promises_to_pay")
    amount = models.DecimalField(max_digits=18, decimal_places=2)
    made_on = models.DateField()
    due_on = models.DateField()
    channel = models.CharField(max_length=12, choices=PromiseChannel.choices)
    recorded_at = models.DateTimeField()
    recorded_by = models.CharField(max_length=80)

    class Meta:
        verbose_name = _("promise to pay")
        verbose_name_plural = _("promises to pay")
        ordering: ClassVar[list[str]] = ["loan", "-made_on", "-id"]

    def __str__(self) -> str:
        return f"promise {self.reference}"


class PromiseOutcome(AppendOnlyModel):
    """Whether a promise was kept or broken, recorded the day after its date."""

    promise = models.OneToOneField(PromiseToPay, on_delete=models.PROTECT, related_name="outcome")
    state = models.CharField(max_length=10)
    paid = models.DecimalField(max_digits=18, decimal_places=2)
    decided_on = models.DateField()
    recorded_at = models.DateTimeField()

    class Meta:
        verbose_name = _("promise outcome")
        verbose_name_plural = _("promise outcomes")

    def __str__(self) -> str:
        return f"{self.state} {self.promise_id}"


class MandateConsent(AppendOnlyModel):
    """INTERIM auto-debit consent record, kept by this app until the consent app exists.

    What the borrower agreed to: the exact wording's version and digest, in which
    language, when and through which channel. Withdrawal is a `MandateCancellation`.
    """

    reference = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    borrower = models.ForeignKey(
        Borrower, on_delete=models.PROTECT, related_name="mandate_consents"
    )
    loan = models.ForeignKey(Loan, on_delete=models.PROTECT, related_name="mandate_consents")
    wording_version = models.CharField(max_length=32)
    wording_digest = models.CharField(max_length=64)
    language = models.CharField(max_length=8)
    given_at = models.DateTimeField()
    given_via = models.CharField(max_length=10, choices=RequestChannel.choices)

    class Meta:
        verbose_name = _("mandate consent")
        verbose_name_plural = _("mandate consents")

    def __str__(self) -> str:
        return f"mandate consent {self.reference}"


class DebitMandate(AppendOnlyModel):
    """Collect what a loan owes from an account on `debit_day`, at most `max_amount` a day."""

    reference = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    loan = models.ForeignKey(Loan, on_delete=models.PROTECT, related_name="debit_mandates")
    consent = models.OneToOneField(MandateConsent, on_delete=models.PROTECT, related_name="mandate")
    account_token = models.CharField(max_length=128)
    account_hint = models.CharField(max_length=4)
    max_amount = models.DecimalField(max_digits=18, decimal_places=2)
    debit_day = models.PositiveSmallIntegerField()
    created_at = models.DateTimeField()
    created_by = models.CharField(max_length=80)

    class Meta:
        verbose_name = _("debit mandate")
        verbose_name_plural = _("debit mandates")
        indexes: ClassVar[list[models.Index]] = [models.Index(fields=["debit_day"])]

    def __str__(self) -> str:
        return f"mandate {self.reference}"


class CancellationReason(models.TextChoices):
    BORROWER = "borrower", _("Cancelled by the borrower")
    LENDER = "lender", _("Cancelled by the lender")
    ACCOUNT_UNUSABLE = "account_unusable", _("The account can no longer be debited")
    LOAN_CLOSED = "loan_closed", _("The loan is closed")


class MandateCancellation(AppendOnlyModel):
    """The end of a mandate (and of its consent): nothing is collected from then on."""

    mandate = models.OneToOneField(
        DebitMandate, on_delete=models.PROTECT, related_name="cancellation"
    )
    reason = models.CharField(max_length=20, choices=CancellationReason.choices)
    cancelled_at = models.DateTimeField()
    cancelled_by = models.CharField(max_length=80)

    class Meta:
        verbose_name = _("mandate cancellation")
        verbose_name_plural = _("mandate cancellations")

    def __str__(self) -> str:
        return f"cancellation of {self.mandate_id}"


class DebitAttempt(AppendOnlyModel):
    """Attempt `attempt_no` to collect installment `installment_n`, claimed before charging.

    The row is committed before the processor is called, with the `idempotency_key` the
    processor deduplicates on: a run that dies after charging leaves the attempt without
    a result, and the next run asks again with the same key instead of charging twice.
    """

    mandate = models.ForeignKey(DebitMandate, on_delete=models.PROTECT, related_name="attempts")
    loan = models.ForeignKey(Loan, on_delete=models.PROTECT, related_name="debit_attempts")
    installment_n = models.PositiveSmallIntegerField()
    attempt_no = models.PositiveSmallIntegerField()
    amount = models.DecimalField(max_digits=18, decimal_places=2)
    scheduled_on = models.DateField()
    idempotency_key = models.CharField(max_length=64, unique=True)
    run_id = models.UUIDField()
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("debit attempt")
        verbose_name_plural = _("debit attempts")
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["mandate", "installment_n", "attempt_no"], name="one_attempt_per_number"
            ),
        ]
        indexes: ClassVar[list[models.Index]] = [models.Index(fields=["scheduled_on"])]

    def __str__(self) -> str:
        return self.idempotency_key


class DebitOutcome(models.TextChoices):
    SUCCEEDED = "succeeded", _("Collected")
    FAILED = "failed", _("Not collected")


class DebitResult(AppendOnlyModel):
    """What the processor answered for an attempt, and the ledger entry it became."""

    attempt = models.OneToOneField(DebitAttempt, on_delete=models.PROTECT, related_name="result")
    outcome = models.CharField(max_length=10, choices=DebitOutcome.choices)
    failure_code = models.CharField(max_length=40, blank=True)
    permanent = models.BooleanField(default=False)
    processor_reference = models.CharField(max_length=64, blank=True)
    ledger_entry = models.OneToOneField(
        LedgerEntry,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="debit_result",
    )
    retry_on = models.DateField(null=True, blank=True)
    recorded_at = models.DateTimeField()

    class Meta:
        verbose_name = _("debit result")
        verbose_name_plural = _("debit results")
        indexes: ClassVar[list[models.Index]] = [models.Index(fields=["retry_on"])]

    def __str__(self) -> str:
        return f"{self.outcome} {self.attempt_id}"


class NoticeKind(models.TextChoices):
    UPCOMING = "upcoming", _("Collection coming")
    COLLECTED = "collected", _("Collected")
    FAILED = "failed", _("Not collected")


class DebitNotice(AppendOnlyModel):
    """A notice about a collection, once per `key`, and what the gate decided about it."""

    mandate = models.ForeignKey(DebitMandate, on_delete=models.PROTECT, related_name="notices")
    kind = models.CharField(max_length=10, choices=NoticeKind.choices)
    key = models.CharField(max_length=100, unique=True)
    permit_id = models.UUIDField(null=True, blank=True)
    sent = models.BooleanField()
    detail = models.CharField(max_length=80, blank=True)
    recorded_at = models.DateTimeField()

    class Meta:
        verbose_name = _("debit notice")
        verbose_name_plural = _("debit notices")

    def __str__(self) -> str:
        return self.key


class PointsKind(models.TextChoices):
    EARN = "earn", _("Paid on time")
    BONUS = "bonus", _("Plan completed")
    REDEEM = "redeem", _("Used")
    EXPIRE = "expire", _("Expired")


class PointsEntry(AppendOnlyModel):
    """One row of a borrower's points ledger; `source` makes each earning happen once."""

    borrower = models.ForeignKey(Borrower, on_delete=models.PROTECT, related_name="points")
    kind = models.CharField(max_length=10, choices=PointsKind.choices)
    points = models.PositiveIntegerField()
    on = models.DateField()
    source = models.CharField(max_length=100)
    loan = models.ForeignKey(
        Loan, on_delete=models.PROTECT, null=True, blank=True, related_name="points_entries"
    )
    ledger_entry = models.OneToOneField(
        LedgerEntry,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="points_redemption",
    )
    recorded_at = models.DateTimeField()
    recorded_by = models.CharField(max_length=80)

    class Meta:
        verbose_name = _("points entry")
        verbose_name_plural = _("points entries")
        ordering: ClassVar[list[str]] = ["borrower", "on", "id"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["borrower", "kind", "source"], name="one_points_entry_per_source"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.points} on {self.on}"


class PaymentRequest(AppendOnlyModel):
    """A borrower asked to pay `amount` now through the checkout port.

    Settled when the ledger holds a payment with the external reference
    ``checkout:<reference>`` (one at most): the request itself is never changed.
    """

    reference = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    loan = models.ForeignKey(Loan, on_delete=models.PROTECT, related_name="payment_requests")
    amount = models.DecimalField(max_digits=18, decimal_places=2)
    requested_at = models.DateTimeField()
    requested_by = models.CharField(max_length=80)

    class Meta:
        verbose_name = _("payment request")
        verbose_name_plural = _("payment requests")

    def __str__(self) -> str:
        return f"payment request {self.reference}"
