"""The records behind a bar of /staff/oversight/: the chart's filters, read through the
selectors of the app that owns the records, as a table of at most RECORD_ROWS rows."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tactful.callqa import selectors as callqa
from tactful.callqa.wording import category_name, signal_name
from tactful.complaints import selectors as complaints
from tactful.consent import selectors as consent
from tactful.contacts import selectors as contacts
from tactful.contacts.vocabulary import (
    CATEGORY_LABELS,
    CHANNEL_LABELS,
    RECIPIENT_ROLE_LABELS,
    VERDICT_LABELS,
)
from tactful.oversight.services import window
from tactful.repayment import selectors as repayment
from tactful.staff.oversight.dashboard import PROMISE_STATES, REVIEW_LABELS, SLA_LABELS
from tactful.staff.oversight.forms import Period
from tactful.treatments import selectors as treatments

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

RECORD_ROWS = 200
# The narrowing a records page accepts, each a short name (anything else is ignored).
FILTERS = (
    "decision",
    "channel",
    "category",
    "role",
    "standing",
    "collector",
    "kind",
    "within",
    "purpose",
    "state",
    "outcome",
    "treatment",
    "paid",
)


@dataclass(frozen=True)
class Cell:
    text: str
    href: str = ""


@dataclass(frozen=True)
class Records:
    title: StrOrPromise
    columns: tuple[StrOrPromise, ...]
    rows: list[list[Cell]]
    total: int

    @property
    def lines(self) -> list[list[tuple[StrOrPromise, Cell]]]:
        """Each row's cells with their column's name (a phone shows it beside the value)."""
        return [list(zip(self.columns, row, strict=True)) for row in self.rows]


@dataclass(frozen=True)
class Narrowing:
    period: Period
    pack: str
    today: date
    filters: Mapping[str, str]

    @property
    def start(self) -> datetime:
        return window(self.period.first, self.period.last).start

    @property
    def end(self) -> datetime:
        return window(self.period.first, self.period.last).end

    def get(self, name: str) -> str:
        return self.filters.get(name, "")


def _when(moment: datetime | None) -> Cell:
    if moment is None:
        return Cell("—")
    return Cell(timezone.localtime(moment).strftime("%Y-%m-%d %H:%M"))


def _label(labels: Mapping[Any, StrOrPromise], key: str) -> Cell:
    return Cell(str(labels.get(key, key)))


def _table(
    title: StrOrPromise,
    columns: tuple[StrOrPromise, ...],
    records: QuerySet[Any],
    row: Callable[[Any], list[Cell]],
) -> Records:
    return Records(title, columns, [row(r) for r in records[:RECORD_ROWS]], records.count())


def permits(narrowing: Narrowing, *, roles: tuple[str, ...] = ()) -> Records:
    attempts = contacts.attempts_between(
        start=narrowing.start,
        end=narrowing.end,
        pack=narrowing.pack,
        decision=narrowing.get("decision"),
        channel=narrowing.get("channel"),
        category=narrowing.get("category"),
        roles=roles,
    )
    return _table(
        _("Permits"),
        (_("Asked at"), _("Code"), _("Decision"), _("Channel"), _("Recipient"), _("Why not")),
        attempts,
        lambda attempt: [
            _when(attempt.requested_at),
            Cell(attempt.verification_code),
            _label(VERDICT_LABELS, attempt.decision),
            _label(CHANNEL_LABELS, attempt.channel),
            _label(RECIPIENT_ROLE_LABELS, attempt.recipient.role),
            Cell(", ".join(str(CATEGORY_LABELS.get(c, c)) for c in attempt.categories)),
        ],
    )


def third_party(narrowing: Narrowing) -> Records:
    role = narrowing.get("role")
    roles = (role,) if role else ("guarantor", "emergency_contact", "third_party")
    return permits(narrowing, roles=roles)


def complaints_received(narrowing: Narrowing) -> Records:
    received = complaints.complaints_received(
        start=narrowing.start,
        end=narrowing.end,
        today=narrowing.today,
        pack=narrowing.pack,
        category=narrowing.get("category"),
        standing=narrowing.get("standing"),
    )
    return _table(
        _("Complaints"),
        (_("Number"), _("Received at"), _("Category"), _("State"), _("Due on"), _("Deadline")),
        received,
        lambda complaint: [
            Cell(
                complaint.number,
                reverse("staff:complaint", kwargs={"reference": complaint.reference}),
            ),
            _when(complaint.received_at),
            Cell(complaint.get_category_display()),
            Cell(complaint.get_status_display()),
            Cell(complaint.due_on.isoformat()),
            _label(SLA_LABELS, complaint.sla_standing),
        ],
    )


def findings(narrowing: Narrowing) -> Records:
    found = callqa.findings_between(
        start=narrowing.start,
        end=narrowing.end,
        pack=narrowing.pack,
        category=narrowing.get("category"),
        collector=narrowing.get("collector"),
    )
    return _table(
        _("Call findings"),
        (_("Call"), _("Category"), _("Collector"), _("Found at")),
        found,
        lambda finding: [
            _recording(finding.recording),
            Cell(str(category_name(finding.category))),
            Cell(_collector(finding.recording.attempt.collector)),
            _when(finding.found_at),
        ],
    )


def signals(narrowing: Narrowing) -> Records:
    heard = callqa.signals_between(
        start=narrowing.start, end=narrowing.end, pack=narrowing.pack, kind=narrowing.get("kind")
    )
    return _table(
        _("Hardship and distress signals"),
        (_("Call"), _("Signal"), _("Heard at"), _("Reviewed at")),
        heard,
        lambda signal: [
            _recording(signal.recording),
            Cell(str(signal_name(signal.kind))),
            _when(signal.heard_at),
            _when(_alert_acknowledged(signal)),
        ],
    )


def alert_reviews(narrowing: Narrowing) -> Records:
    alerts = callqa.alerts_acknowledged_between(
        start=narrowing.start,
        end=narrowing.end,
        pack=narrowing.pack,
        within=narrowing.get("within"),
    )
    return _table(
        _("Distress alerts reviewed"),
        (_("Call"), _("Alert raised"), _("Reviewed at"), _("Waited")),
        alerts,
        lambda alert: [
            _recording(alert.signal.recording),
            _when(alert.raised_at),
            _when(alert.acknowledged_at),
            _label(REVIEW_LABELS, alert.within),
        ],
    )


def withdrawals(narrowing: Narrowing) -> Records:
    events = consent.withdrawals_between(
        start=narrowing.start, end=narrowing.end, purpose=narrowing.get("purpose")
    )
    return _table(
        _("Consents withdrawn"),
        (_("Recorded at"), _("Borrower"), _("Consent for"), _("Channel")),
        events,
        lambda event: [
            _when(event.recorded_at),
            Cell(event.borrower.external_id),
            Cell(event.get_purpose_display()),
            Cell(event.get_channel_display()),
        ],
    )


def opt_outs(narrowing: Narrowing) -> Records:
    recorded = contacts.opt_outs_between(
        start=narrowing.start, end=narrowing.end, role=narrowing.get("role")
    )
    return _table(
        _("Requests to stop contact"),
        (_("Recorded at"), _("Recipient"), pgettext_lazy("opt-out", "Source")),
        recorded,
        lambda opt_out: [
            _when(opt_out.recorded_at),
            _label(RECIPIENT_ROLE_LABELS, opt_out.recipient.role),
            Cell(opt_out.source),
        ],
    )


def promises(narrowing: Narrowing) -> Records:
    outcomes = repayment.promise_outcomes_between(
        first=narrowing.period.first, last=narrowing.period.last, state=narrowing.get("state")
    )
    return _table(
        _("Promises to pay"),
        (_("Loan"), _("Promised for"), _("Amount"), _("Paid"), _("Outcome")),
        outcomes,
        lambda outcome: [
            Cell(outcome.promise.loan.external_id),
            Cell(outcome.promise.due_on.isoformat()),
            Cell(str(outcome.promise.amount)),
            Cell(str(outcome.paid)),
            _label(PROMISE_STATES, outcome.state),
        ],
    )


def auto_debits(narrowing: Narrowing) -> Records:
    results = repayment.debit_results_between(
        start=narrowing.start, end=narrowing.end, outcome=narrowing.get("outcome")
    )
    return _table(
        _("Auto-debits"),
        (_("Loan"), _("Recorded at"), _("Amount"), _("Outcome"), _("Reason")),
        results,
        lambda result: [
            Cell(result.attempt.loan.external_id),
            _when(result.recorded_at),
            Cell(str(result.attempt.amount)),
            Cell(result.get_outcome_display()),
            Cell(result.failure_code or "—"),
        ],
    )


def plan_entries(narrowing: Narrowing) -> Records:
    entries = treatments.plan_entries_between(
        first=narrowing.period.first,
        last=narrowing.period.last,
        pack=narrowing.pack,
        treatment=narrowing.get("treatment"),
        paid=narrowing.get("paid") == "1",
    )
    return _table(
        _("Accounts in the nightly plans"),
        (_("Plan of"), _("Loan"), _("Treatment"), _("Days past due"), _("Bucket")),
        entries,
        lambda entry: [
            Cell(entry.plan.plan_date.isoformat()),
            Cell(entry.loan.external_id),
            Cell(entry.get_treatment_display()),
            Cell(str(entry.days_past_due)),
            Cell(entry.bucket),
        ],
    )


def _recording(recording: Any) -> Cell:
    return Cell(
        _when(recording.uploaded_at).text,
        reverse("staff:recording", kwargs={"reference": recording.reference}),
    )


def _collector(user: Any) -> str:
    return user.get_username() if user is not None else str(_("No collector"))


def _alert_acknowledged(signal: Any) -> datetime | None:
    alert = getattr(signal, "alert", None)
    return alert.acknowledged_at if alert is not None else None


READERS: dict[str, Callable[[Narrowing], Records]] = {
    "permits": permits,
    "third-party": third_party,
    "complaints": complaints_received,
    "findings": findings,
    "signals": signals,
    "alert-reviews": alert_reviews,
    "withdrawals": withdrawals,
    "opt-outs": opt_outs,
    "promises": promises,
    "auto-debits": auto_debits,
    "plan": plan_entries,
}
