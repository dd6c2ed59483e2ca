from __future__ import annotations

import uuid
from typing import ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _

from tactful.audit.models import AppendOnlyModel
from tactful.borrowers.models import Borrower


class Loan(models.Model):
    """The contract: what was lent, on what terms. Terms never change after creation."""

    reference = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    external_id = models.CharField(max_length=64, unique=True)
    borrower = models.ForeignKey(Borrower, on_delete=models.PROTECT, related_name="loans")
    product = models.CharField(max_length=80)
    principal = models.DecimalField(max_digits=18, decimal_places=2)
    annual_rate = models.DecimalField(max_digits=8, decimal_places=6)
    term_months = models.PositiveSmallIntegerField()
    method = models.CharField(max_length=20)
    disbursed_on = models.DateField()
    currency = models.CharField(max_length=3)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("loan")
        verbose_name_plural = _("loans")

    def __str__(self) -> str:
        return f"Loan {self.external_id}"


class Installment(models.Model):
    """One row of the contractual schedule; `paid_off_on` is derived from the ledger."""

    loan = models.ForeignKey(Loan, on_delete=models.CASCADE, related_name="installments")
    n = models.PositiveSmallIntegerField()
    due_date = models.DateField()
    principal = models.DecimalField(max_digits=18, decimal_places=2)
    interest = models.DecimalField(max_digits=18, decimal_places=2)
    # Projection, recomputed by replaying the ledger after every entry.
    paid_off_on = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name = _("installment")
        verbose_name_plural = _("installments")
        ordering: ClassVar[list[str]] = ["loan", "n"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["loan", "n"], name="one_installment_per_number"),
        ]

    def __str__(self) -> str:
        return f"{self.loan_id} #{self.n}"


class EntryKind(models.TextChoices):
    PAYMENT = "payment", "Payment"
    REVERSAL = "reversal", "Reversal"
    FEE = "fee", "Fee"
    WAIVER = "waiver", "Fee waiver"


class LedgerEntry(AppendOnlyModel):
    """A money fact about a loan. Never edited: a mistake is undone by a reversal entry."""

    reference = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    loan = models.ForeignKey(Loan, on_delete=models.PROTECT, related_name="entries")
    kind = models.CharField(max_length=10, choices=EntryKind.choices)
    value_date = models.DateField()
    amount = models.DecimalField(max_digits=18, decimal_places=2)
    installment_n = models.PositiveSmallIntegerField(null=True, blank=True)
    reverses = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversed_by"
    )
    external_reference = models.CharField(max_length=64, blank=True)
    posted_at = models.DateTimeField(auto_now_add=True)
    posted_by = models.CharField(max_length=80)

    class Meta:
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        ordering: ClassVar[list[str]] = ["loan", "id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.amount} on {self.value_date}"


class EntryKey(models.Model):
    """The keys of a ledger entry that are unique across every month: its id, its
    reference, and the entry it reverses (an entry is reversed at most once).

    On PostgreSQL entries are partitioned by the month of their value date (ADR 0019), and
    a partitioned table's unique constraints must include the month; so these are kept
    here, written by a trigger in the same statement as the entry, and the foreign keys to
    entries point here. On SQLite the entries' own constraints hold and this stays empty.
    """

    entry = models.OneToOneField(
        LedgerEntry,
        primary_key=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    reference = models.UUIDField(unique=True)
    reverses = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("ledger entry key")
        verbose_name_plural = _("ledger entry keys")

    def __str__(self) -> str:
        return f"keys of entry {self.reference}"


class DelinquencySnapshot(AppendOnlyModel):
    """Days past due and bucket of a loan as recorded at the close of a day."""

    loan = models.ForeignKey(Loan, on_delete=models.PROTECT, related_name="delinquency_snapshots")
    as_of = models.DateField()
    days_past_due = models.PositiveIntegerField()
    bucket = models.CharField(max_length=16)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("delinquency snapshot")
        verbose_name_plural = _("delinquency snapshots")
        ordering: ClassVar[list[str]] = ["loan", "as_of"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["loan", "as_of"], name="one_snapshot_per_loan_day"),
        ]

    def __str__(self) -> str:
        return f"{self.loan_id} {self.as_of} {self.bucket}"
