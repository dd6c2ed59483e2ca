"""The supervisor's team page (/staff/team/): each collector's week, the accounts waiting
for a supervisor's review, and the coaching tasks still to hold."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any, cast

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from tactful.accounts.models import User
from tactful.accounts.roles import Role
from tactful.accounts.selectors import staff_with_roles
from tactful.callqa.selectors import confirmed_findings_by_collector
from tactful.casework.selectors import assigned_counts, decisions_since
from tactful.complaints.selectors import coaching_by_pk, open_coaching
from tactful.complaints.services import complete_coaching
from tactful.contacts.selectors import holds_valid_certification, permit_counts_by_collector
from tactful.errors import ServiceError
from tactful.repayment.selectors import promise_counts_by_actor
from tactful.treatments import selectors as plans
from tactful.treatments.models import Treatment
from tactful.web.access import staff_required

SUPERVISORS = (Role.SUPERVISOR, Role.ADMIN)
WEEK = timedelta(days=7)
REVIEW_ROWS = 100


@dataclass(frozen=True)
class CollectorRow:
    name: str
    certified: bool
    assigned: int
    allowed: int
    denied: int
    promises: int
    kept: int
    findings: int
    coaching: int


@require_safe
@staff_required(*SUPERVISORS)
def team(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    collectors = list(staff_with_roles([Role.COLLECTOR]))
    permits = permit_counts_by_collector(since=now - WEEK)
    promises = promise_counts_by_actor(c.audit_actor for c in collectors)
    findings = confirmed_findings_by_collector()
    assigned = assigned_counts()
    coaching = list(open_coaching())
    open_by_collector: dict[int, int] = {}
    for task in coaching:
        open_by_collector[task.collector_id] = open_by_collector.get(task.collector_id, 0) + 1
    rows = [
        CollectorRow(
            name=c.get_username(),
            certified=holds_valid_certification(c, now=now),
            assigned=assigned.get(c.pk, 0),
            allowed=permits.get(c.pk, (0, 0))[0],
            denied=permits.get(c.pk, (0, 0))[1],
            promises=promises.get(c.audit_actor, (0, 0))[0],
            kept=promises.get(c.audit_actor, (0, 0))[1],
            findings=findings.get(c.pk, 0),
            coaching=open_by_collector.get(c.pk, 0),
        )
        for c in collectors
    ]
    plan = plans.latest_plan()
    review = (
        list(
            plans.plan_entries(plan, treatment=Treatment.REVIEW).select_related("loan")[
                :REVIEW_ROWS
            ]
        )
        if plan
        else []
    )
    decided = (
        decisions_since((entry.loan for entry in review), since=plan.planned_at) if plan else {}
    )
    context: dict[str, Any] = {
        "rows": rows,
        "review": [{"entry": entry, "decision": decided.get(entry.loan_id)} for entry in review],
        "coaching": coaching,
    }
    return render(request, "staff/team/team.html", context)


@require_POST
@staff_required(*SUPERVISORS)
def coaching_done(request: HttpRequest, pk: int) -> HttpResponse:
    task = coaching_by_pk(pk)
    if task is None:
        raise Http404("no such open coaching task")
    try:
        complete_coaching(task=task, actor=cast(User, request.user))
    except ServiceError:
        messages.error(request, _("This coaching task is done already."))
    else:
        messages.success(request, _("Coaching recorded as held. The re-quiz still stands."))
    return redirect("staff:team")
