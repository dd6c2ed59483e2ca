"""The collector's worklist: rows of tonight's plan, with what a collector needs at a glance.

The page's rows are read in a constant number of queries whatever their count: the plan
rows with their loans and assignees in one, then holds and promises for the whole page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from tactful.borrowers.selectors import primary_zone_column
from tactful.casework.selectors import latest_assignee_column, loans_assigned_to
from tactful.contacts.models import HoldKind
from tactful.contacts.selectors import hold_kinds_of_loans
from tactful.contacts.wording import local_text
from tactful.repayment.selectors import promise_days_of_loans
from tactful.treatments import selectors as plans
from tactful.treatments.models import DailyPlan, PlanEntry, Treatment

# The treatments a collector works; "wait" is left alone and "review" is a supervisor's.
WORKED = (Treatment.CALL, Treatment.REMINDER, Treatment.OFFER)
ROWS_PER_PAGE = 100
WHO_CHOICES = (
    ("mine", _("Mine")),
    ("pool", _("Unassigned")),
    ("all", _("Everyone's")),
)


@dataclass(frozen=True)
class WorkRow:
    entry: PlanEntry
    loan_id: str
    treatment: str
    bucket: str
    days_past_due: int
    amount_due: Decimal | None
    currency: str
    channel: str
    opens: str
    allowed_now: bool | None
    holds: list[str]
    promise_due: date | None
    assignee_id: int | None


@dataclass(frozen=True)
class WorkFilter:
    who: str = "mine"
    treatment: str = ""
    bucket: str = ""


def read_filter(query: dict[str, str], *, may_see_review: bool) -> WorkFilter:
    """Read the filter from the address; unknown values fall back to the defaults."""
    who = query.get("who", "mine")
    treatment = query.get("treatment", "")
    allowed = {t.value for t in WORKED} | ({Treatment.REVIEW.value} if may_see_review else set())
    return WorkFilter(
        who=who if who in dict(WHO_CHOICES) else "mine",
        treatment=treatment if treatment in allowed else "",
        bucket=query.get("bucket", "")[:16],
    )


def worklist_entries(plan: DailyPlan, *, user_id: int, chosen: WorkFilter) -> QuerySet[PlanEntry]:
    """Return the plan rows this filter selects, the most at risk first."""
    treatments = [chosen.treatment] if chosen.treatment else [t.value for t in WORKED]
    entries = (
        plans.plan_entries(plan)
        .filter(treatment__in=treatments)
        .order_by("-risk", "-days_past_due", "pk")
    )
    if chosen.bucket:
        entries = entries.filter(bucket=chosen.bucket)
    if chosen.who == "mine":
        entries = entries.filter(loan_id__in=loans_assigned_to(user_id))
    elif chosen.who == "pool":
        entries = entries.annotate(assignee_id=latest_assignee_column()).filter(
            assignee_id__isnull=True
        )
    return entries


def page_entries(entry_ids: list[int]) -> list[PlanEntry]:
    """Return the plan rows `entry_ids` in that order, with what a row shows.

    A page is chosen on the plan rows alone (read in order from their index), and only
    its rows are joined to loans, borrowers and assignments: a deep page costs no more.
    """
    rows = (
        plans.entries_with_ids(entry_ids)
        .annotate(
            assignee_id=latest_assignee_column(),
            primary_zone=primary_zone_column("loan__borrower"),
        )
        .select_related("loan__borrower")
    )
    by_id = {row.pk: row for row in rows}
    return [by_id[pk] for pk in entry_ids if pk in by_id]


def work_rows(entries: list[PlanEntry], *, now: datetime) -> list[WorkRow]:
    loans = [entry.loan for entry in entries]
    holds = hold_kinds_of_loans(loans, now=now)
    promises = promise_days_of_loans(loan.pk for loan in loans)
    hold_labels = dict(HoldKind.choices)
    return [
        WorkRow(
            entry=entry,
            loan_id=entry.loan.external_id,
            treatment=entry.get_treatment_display(),
            bucket=entry.bucket,
            days_past_due=entry.days_past_due,
            amount_due=entry.amount_due,
            currency=entry.loan.currency,
            channel=entry.channel,
            opens=_opens(entry, now),
            allowed_now=entry.allowed_now,
            holds=[str(hold_labels.get(kind, kind)) for kind in holds.get(entry.loan.pk, [])],
            promise_due=promises.get(entry.loan.pk),
            assignee_id=getattr(entry, "assignee_id", None),
        )
        for entry in entries
    ]


def _opens(entry: PlanEntry, now: datetime) -> str:
    """When the plan's channel opens for this borrower, on their clock ("" if it is open)."""
    later = entry.next_allowed_at
    if later is None or later <= now:
        return ""
    borrower = entry.loan.borrower
    zone = borrower.timezone_override or getattr(entry, "primary_zone", None)
    return local_text(later, zone)
