"""How other packages read casework: templates in use, who works an account, notes, calls."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from uuid import UUID

from django.db.models import Max, OuterRef, QuerySet, Subquery

from tactful.accounts.models import User
from tactful.casework.models import (
    Assignment,
    CallLog,
    CaseNote,
    MessageTemplate,
    ReviewDecision,
    TemplatedMessage,
)
from tactful.loans.models import Loan


def last_version(*, pack: str, name: str, language: str) -> int:
    found = MessageTemplate.objects.filter(pack=pack, name=name, language=language)
    return found.aggregate(last=Max("version"))["last"] or 0


def templates_in_use(*, pack: str, audience: str | None = None) -> list[MessageTemplate]:
    """Return the newest approved version of each template of `pack` (and `audience`)."""
    approved = MessageTemplate.objects.filter(pack=pack, approval__isnull=False)
    if audience is not None:
        approved = approved.filter(audience=audience)
    newest: dict[tuple[str, str], MessageTemplate] = {}
    for template in approved.order_by("name", "language", "-version"):
        newest.setdefault((template.name, template.language), template)
    return list(newest.values())


def is_usable(template: MessageTemplate) -> bool:
    """Tell whether `template` is the newest approved version of its name and language."""
    return any(found.pk == template.pk for found in templates_in_use(pack=template.pack))


def all_templates(*, pack: str) -> QuerySet[MessageTemplate]:
    return MessageTemplate.objects.filter(pack=pack).select_related(
        "approval__approved_by", "written_by"
    )


def template_by_reference(reference: UUID | str) -> MessageTemplate | None:
    try:
        return MessageTemplate.objects.filter(reference=reference).first()
    except (ValueError, TypeError):
        return None


def assignee_of(loan: Loan) -> User | None:
    latest = Assignment.objects.filter(loan=loan).select_related("collector").order_by("-pk")
    found = latest.first()
    return found.collector if found is not None else None


def latest_assignee_column() -> Subquery:
    """A subquery for a queryset of loans or rows with a `loan` column: its collector's id."""
    latest = Assignment.objects.filter(loan=OuterRef("loan")).order_by("-pk")
    return Subquery(latest.values("collector")[:1])


def loans_assigned_to(collector_id: int) -> QuerySet[Assignment, int]:
    """The ids of the loans whose latest assignment gives them to `collector_id`, as a subquery.

    Read from that collector's own assignments outward, so a worklist of "mine" does not
    work out every plan row's assignee first.
    """
    theirs = Assignment.objects.filter(collector_id=collector_id).values("loan_id")
    latest = (
        Assignment.objects.filter(loan_id__in=theirs)
        .values("loan_id")
        .annotate(last=Max("pk"))
        .values("last")
    )
    mine = Assignment.objects.filter(pk__in=latest, collector_id=collector_id)
    return mine.values_list("loan_id", flat=True)


def review_decisions_of(loan: Loan) -> QuerySet[ReviewDecision]:
    """Return the supervisors' decisions on `loan`'s reviews, newest first."""
    return ReviewDecision.objects.filter(loan=loan).select_related("decided_by")


def decisions_since(loans: Iterable[Loan], *, since: datetime) -> dict[int, ReviewDecision]:
    """Return, per loan id, the latest review decision made at or after `since`."""
    rows = ReviewDecision.objects.filter(loan__in=list(loans), decided_at__gte=since).order_by(
        "decided_at", "pk"
    )
    return {row.loan_id: row for row in rows}


def notes_of(loan: Loan) -> QuerySet[CaseNote]:
    return CaseNote.objects.filter(loan=loan).select_related("written_by")


def call_logs_for(attempt_ids: Iterable[int]) -> dict[int, CallLog]:
    logs = CallLog.objects.filter(attempt_id__in=list(attempt_ids))
    return {log.attempt_id: log for log in logs}


def templates_for(attempt_ids: Iterable[int]) -> dict[int, MessageTemplate]:
    uses = TemplatedMessage.objects.filter(attempt_id__in=list(attempt_ids))
    return {use.attempt_id: use.template for use in uses.select_related("template")}


def assigned_counts() -> dict[int, int]:
    """Return, per collector id, how many loans are theirs now (their latest assignment)."""
    latest: dict[int, int | None] = {}
    rows = Assignment.objects.order_by("pk").values_list("loan_id", "collector_id")
    for loan_id, collector_id in rows:
        latest[loan_id] = collector_id
    counts: dict[int, int] = {}
    for holder in latest.values():
        if holder is not None:
            counts[holder] = counts.get(holder, 0) + 1
    return counts
