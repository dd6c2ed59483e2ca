"""The strategy tables in force and the plans they produced, one row per overdue loan a day.

All these tables are append-only: a strategy changes by a new version, a plan by the
next day's plan. Each plan row says why (model scores, band, bucket, reason codes) and
what the gate's planner answered, so anyone can later see what was planned and on what.
"""

from __future__ import annotations

import uuid
from typing import ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _

from tactful.audit.models import AppendOnlyModel
from tactful.loans.models import Loan


class Treatment(models.TextChoices):
    WAIT = "wait", _("Wait: no contact")
    REMINDER = "reminder", _("Reminder")
    OFFER = "offer", _("Repayment offer")
    CALL = "call", _("Call")
    REVIEW = "review", _("Supervisor review")


class StrategyVersion(AppendOnlyModel):
    """A strategy table exactly as it was used: its YAML and the hash of it."""

    name = models.CharField(max_length=32)
    version = models.CharField(max_length=32)
    pack = models.CharField(max_length=32)
    sha256 = models.CharField(max_length=64)
    text = models.TextField()
    recorded_at = models.DateTimeField()
    recorded_by = models.CharField(max_length=80)

    class Meta:
        verbose_name = _("strategy version")
        verbose_name_plural = _("strategy versions")
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["name", "version"], name="one_strategy_per_version"),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.version}"


class DailyPlan(AppendOnlyModel):
    """The plan of one day under one pack: which treatment each overdue loan gets."""

    reference = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    plan_date = models.DateField()
    pack = models.CharField(max_length=32)
    strategy = models.ForeignKey(StrategyVersion, on_delete=models.PROTECT, related_name="plans")
    model_id = models.CharField(max_length=32)
    # The instant the gate's planner was asked about each channel.
    planned_at = models.DateTimeField()
    created_at = models.DateTimeField()
    created_by = models.CharField(max_length=80)

    class Meta:
        verbose_name = _("daily plan")
        verbose_name_plural = _("daily plans")
        ordering: ClassVar[list[str]] = ["-plan_date", "pack"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["plan_date", "pack"], name="one_plan_per_day_and_pack"),
        ]

    def __str__(self) -> str:
        return f"plan {self.pack} {self.plan_date}"

    @property
    def summary(self) -> dict[str, int]:
        """Counts per treatment, contacts avoided, blocked by the gate; empty until complete."""
        completion = getattr(self, "completion", None)
        return dict(completion.summary) if completion is not None else {}

    @property
    def complete(self) -> bool:
        return getattr(self, "completion", None) is not None


class PlanCompletion(AppendOnlyModel):
    """A plan built in full: its rows are all written (a plan is built in chunks, by
    several workers, and only a complete plan is shown or worked from)."""

    plan = models.OneToOneField(DailyPlan, on_delete=models.PROTECT, related_name="completion")
    summary = models.JSONField(default=dict)
    completed_at = models.DateTimeField()

    class Meta:
        verbose_name = _("plan completion")
        verbose_name_plural = _("plan completions")

    def __str__(self) -> str:
        return f"{self.plan} complete"


class PlanEntry(AppendOnlyModel):
    """One overdue loan in a day's plan. Scores are probabilities from 0 to 1."""

    # No index of its own: the unique (plan, loan) and the other indexes begin with the plan,
    # and a million rows a night pay for every index they are written into.
    plan = models.ForeignKey(
        DailyPlan, on_delete=models.PROTECT, related_name="entries", db_index=False
    )
    loan = models.ForeignKey(Loan, on_delete=models.PROTECT, related_name="plan_entries")
    days_past_due = models.PositiveIntegerField()
    bucket = models.CharField(max_length=16)
    risk = models.FloatField()
    self_cure = models.FloatField()
    band = models.CharField(max_length=32)
    treatment = models.CharField(max_length=10, choices=Treatment.choices)
    channel = models.CharField(max_length=10, blank=True)
    allowed_now = models.BooleanField(null=True)
    next_allowed_at = models.DateTimeField(null=True, blank=True)
    blocked_by = models.CharField(max_length=120, blank=True)
    reasons = models.CharField(max_length=120, blank=True)
    # What was due on the loan when the plan was made (in the loan's currency).
    amount_due = models.DecimalField(max_digits=18, decimal_places=2, null=True, blank=True)

    class Meta:
        verbose_name = _("plan entry")
        verbose_name_plural = _("plan entries")
        ordering: ClassVar[list[str]] = ["plan", "-days_past_due", "pk"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["plan", "loan"], name="one_entry_per_plan_and_loan"),
        ]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["plan", "treatment"]),
            # The worklist's order: a page is read from this index, not sorted from the plan.
            models.Index(
                fields=["plan", "-risk", "-days_past_due", "id"], name="plan_entry_worklist_order"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan_id}: loan {self.loan_id} -> {self.treatment}"
