"""The collector's pages: the worklist (/staff/work/) and the account page (/staff/work/<loan>/).

Every action button on the account page comes from a live gate check for the member of
staff looking at it: a disabled one says why, and when it opens. The action itself asks the
gate again (a permit), so a page left open does not outlive the rules.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, cast
from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from tactful.accounts.models import User
from tactful.accounts.roles import Role
from tactful.accounts.selectors import staff_by_id, staff_with_roles
from tactful.callqa.models import Finding
from tactful.callqa.selectors import confirmed_findings_of_calls
from tactful.callqa.support import support_resources
from tactful.casework import selectors as casework
from tactful.casework import services as work
from tactful.casework.models import MessageTemplate, ReviewOutcome
from tactful.complaints.selectors import complaints_of_borrower
from tactful.consent import selectors as consent
from tactful.consent.services import reveal_contact_number
from tactful.contacts import selectors as contacts
from tactful.contacts import services as contact_services
from tactful.contacts.decisions import preview_channels
from tactful.contacts.facts import PermitRequest
from tactful.contacts.models import ContactAttempt, Recipient
from tactful.contacts.packs import configured_pack, text_for_reader
from tactful.contacts.wording import local_text
from tactful.errors import Conflict, InvalidInput, ServiceError
from tactful.inspection.content_checker import shared_checker
from tactful.loans import selectors as loans
from tactful.loans.models import Loan
from tactful.policy import Decision
from tactful.policy.types import Channel, Purpose
from tactful.repayment import selectors as repayment
from tactful.staff.contacts.forms import recipient_label
from tactful.staff.contacts.rows import hold_row, permit_row
from tactful.staff.work import queue
from tactful.staff.work.forms import (
    AssignForm,
    CallForm,
    CallLogForm,
    NoteForm,
    PromiseForm,
    RevealForm,
    ReviewForm,
    SmsForm,
)
from tactful.staff.work.refusals import refusal_words
from tactful.staff.work.scripts import script_for
from tactful.treatments import selectors as plans
from tactful.treatments.models import Treatment
from tactful.web.access import staff_required

WORKERS = (Role.COLLECTOR, Role.SUPERVISOR, Role.ADMIN)
ASSIGNERS = (Role.SUPERVISOR, Role.ADMIN)
REASON_LANGUAGES = {"zh-hans": "zh-Hans", "zh-hant": "zh-Hant"}
PURPOSE_FOR_ROLE: dict[str, Purpose] = {"debtor": "collection", "emergency_contact": "locate"}
PAGE_CHANNELS: tuple[Channel, ...] = ("call", "sms")
# The contact history is read a page at a time, the newest first.
HISTORY_ROWS = 50
MAX_HISTORY_PAGE = 10_000


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


# --- the worklist ---------------------------------------------------------------------------


@require_safe
@staff_required(*WORKERS)
def worklist(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    plan = plans.latest_plan()
    chosen = queue.read_filter(request.GET.dict(), may_see_review=user.has_role(*ASSIGNERS))
    context: dict[str, Any] = {"plan": plan, "chosen": chosen, "who_choices": queue.WHO_CHOICES}
    if plan is not None:
        entries = queue.worklist_entries(plan, user_id=user.pk, chosen=chosen)
        ids = entries.values_list("pk", flat=True)
        page = Paginator(ids, queue.ROWS_PER_PAGE).get_page(request.GET.get("page"))
        now = timezone.now()
        context.update(
            page=page,
            rows=queue.work_rows(queue.page_entries(list(page.object_list)), now=now),
            treatments=[*queue.WORKED, *([Treatment.REVIEW] if user.has_role(*ASSIGNERS) else [])],
            buckets=plans.plan_buckets(plan),
            query=urlencode({k: v for k, v in vars(chosen).items() if v}),
        )
    # A filter or a page changed in place (htmx) needs only the rows; a restore from the
    # browser's history asks for the whole page.
    partial = request.headers.get("HX-Request") and not request.headers.get(
        "HX-History-Restore-Request"
    )
    template = "staff/work/_rows.html" if partial and plan else "staff/work/worklist.html"
    return render(request, template, context)


# --- the account page -----------------------------------------------------------------------


@dataclass
class ChannelState:
    """What the gate answers now for one channel to one recipient."""

    allowed: bool
    why: list[str] = field(default_factory=list)
    opens: str = ""


@dataclass
class RecipientActions:
    recipient: Recipient
    label: str
    role: str
    sms: ChannelState
    call: ChannelState
    templates: list[dict[str, Any]]
    script: list[str]


def _loan(external_id: str) -> Loan:
    loan = loans.loan_with_external_id(external_id)
    if loan is None:
        raise Http404("no such loan")
    return loan


@require_safe
@staff_required(*WORKERS)
def account(request: HttpRequest, loan_id: str) -> HttpResponse:
    return _account_page(request, _loan(loan_id))


def _account_page(
    request: HttpRequest,
    loan: Loan,
    *,
    forms: dict[str, Any] | None = None,
    status: int = 200,
    revealed: dict[str, str] | None = None,
) -> HttpResponse:
    user = _user(request)
    borrower = loan.borrower
    now = timezone.now()
    today = loans.borrower_today(borrower, now=now)
    status_now = repayment.account_status(loan, as_of=today)
    language = REASON_LANGUAGES.get((get_language() or "").lower(), "en")
    entry = plans.latest_entry_for_loan(loan)
    history_page = _history_page(request)
    attempts = list(
        contacts.attempts_about_loan(
            loan, limit=HISTORY_ROWS + 1, offset=(history_page - 1) * HISTORY_ROWS
        )
    )
    older = len(attempts) > HISTORY_ROWS
    attempts = attempts[:HISTORY_ROWS]
    calls = casework.call_logs_for(a.pk for a in attempts)
    used = casework.templates_for(a.pk for a in attempts)
    findings = confirmed_findings_of_calls(a.pk for a in attempts if a.channel == "call")
    assignee = casework.assignee_of(loan)
    context: dict[str, Any] = {
        "loan": loan,
        "masked_name": f"{borrower.name[:1]}**",
        "zone": borrower.time_zone,
        "status": status_now,
        "due_now": status_now.status.due_now,
        "outstanding": status_now.status.outstanding,
        "entry": entry,
        "reasons": plans.reasons_in(entry, language) if entry else [],
        "assignee": assignee,
        "installments": status_now.status.state.installments,
        "payments": list(loans.live_payments(loan, as_of=today)),
        "promises": repayment.promises_of(loan, as_of=today),
        "pauses": list(repayment.pauses_of(loan)),
        "offers": list(repayment.offers_of(loan)),
        "complaints": list(complaints_of_borrower(borrower)),
        "consents": consent.borrower_consents(borrower, now=now),
        "emergency_contacts": _emergency_contacts(borrower, now, revealed or {}),
        "holds": [hold_row(hold) for hold in contacts.holds_of_borrower(borrower, now=now)],
        "history": _history(attempts, calls, used, findings),
        "history_page": history_page,
        "older_history": older,
        "open_calls": [
            a
            for a in attempts
            if a.channel == "call"
            and a.allowed
            and a.collector_id == user.pk
            and a.pk not in calls
            and getattr(a, "outcome", None) is None
        ],
        "actions": _actions(loan, user, today, now, status_now.status.days_past_due),
        "notes": list(casework.notes_of(loan)),
        "promise_form": PromiseForm(initial={"amount": status_now.status.due_now}),
        "note_form": NoteForm(),
        "call_log_form": CallLogForm(),
        "can_assign": user.has_role(*ASSIGNERS),
        "can_take": assignee is None and user.has_role(Role.COLLECTOR, Role.SUPERVISOR),
    }
    if context["can_assign"]:
        context.update(
            assign_form=AssignForm(collectors=_collectors()),
            review_form=ReviewForm(),
            decisions=list(casework.review_decisions_of(loan)),
            support=support_resources(borrower.preferred_language or "zh-hans"),
            under_review=entry is not None and entry.treatment == Treatment.REVIEW,
        )
    context.update(forms or {})
    return render(request, "staff/work/account.html", context, status=status)


def _history_page(request: HttpRequest) -> int:
    """The page of the contact history asked for (1, the newest, unless a valid number)."""
    asked = request.GET.get("history", "1")
    return int(asked) if asked.isdigit() and 1 <= int(asked) <= MAX_HISTORY_PAGE else 1


def _collectors() -> list[tuple[str, str]]:
    return [(str(u.pk), u.get_username()) for u in staff_with_roles([Role.COLLECTOR])]


CONTACT_STATUS = {
    "invited": gettext_lazy("Invited; has not answered"),
    "accepted": gettext_lazy("Agreed to be an emergency contact"),
    "refused": gettext_lazy("Refused: never contacted"),
    "removed": gettext_lazy("Removed by the borrower"),
}


def _emergency_contacts(borrower: Any, now: Any, revealed: dict[str, str]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for contact in consent.emergency_contacts_of(borrower):
        status = consent.emergency_contact_status(contact, now=now)
        reference = str(contact.reference)
        rows.append(
            {
                "reference": reference,
                "relationship": contact.get_relationship_display(),
                "number": revealed.get(reference, contact.phone_masked),
                "revealed": reference in revealed,
                "status": CONTACT_STATUS[status],
                "may_reveal": status in ("invited", "accepted"),
                "form": RevealForm(auto_id=f"id_reveal_{len(rows)}_%s"),
            }
        )
    return rows


def _recipients(loan: Loan) -> list[Recipient]:
    borrower = loan.borrower
    own = contact_services.recipients_for_borrower(borrower=borrower)
    designated = [
        contact_services.recipient_for_emergency_contact(
            borrower=borrower, designation_id=contact.pk
        )
        for contact in consent.active_emergency_contacts(borrower)
    ]
    return own + designated


def _actions(
    loan: Loan, user: User, today: date, now: Any, days_past_due: int
) -> list[RecipientActions]:
    pack = configured_pack().name
    templates = casework.templates_in_use(pack=pack)
    checker = shared_checker()
    actions = []
    for recipient in _recipients(loan):
        purpose = PURPOSE_FOR_ROLE.get(recipient.role, "collection")
        fitting = [t for t in templates if t.audience == recipient.role]
        states = _gate_states(loan, recipient, purpose, user, now)
        actions.append(
            RecipientActions(
                recipient=recipient,
                label=_label(recipient),
                role=recipient.get_role_display(),
                sms=states["sms"],
                call=states["call"],
                templates=[_filled(t, loan, today, recipient.role, checker) for t in fitting],
                script=[str(line) for line in script_for(recipient.role, days_past_due)],
            )
        )
    return actions


def _label(recipient: Recipient) -> str:
    if recipient.phone_number is not None:
        return recipient_label(recipient)
    contact = recipient.emergency_contact
    number = contact.phone_masked if contact is not None else "—"
    return f"{recipient.get_role_display()} · {number}"


def _filled(
    template: MessageTemplate, loan: Loan, today: date, role: str, checker: Any
) -> dict[str, Any]:
    text = work.filled_template(template, loan=loan, today=today)
    return {
        "template": template,
        "text": text,
        "findings": list(checker.check(text, role)),
    }


def _gate_states(
    loan: Loan, recipient: Recipient, purpose: Purpose, user: User, now: Any
) -> dict[Channel, ChannelState]:
    """The gate's answer now, with the viewer as the collector, on each channel of the page."""
    request = PermitRequest(
        loan=loan, recipient=recipient, channel="call", purpose=purpose, collector=user
    )
    decided = preview_channels(request, PAGE_CHANNELS, now=now)
    return {channel: _state(decided[channel].decision, recipient) for channel in PAGE_CHANNELS}


def _state(decision: Decision, recipient: Recipient) -> ChannelState:
    if decision.allowed:
        return ChannelState(allowed=True)
    later = decision.next_allowed_at
    return ChannelState(
        allowed=False,
        why=[text_for_reader(reason.messages, reason.message) for reason in decision.reasons],
        opens=local_text(later, recipient.time_zone) if later else "",
    )


def _history(
    attempts: list[ContactAttempt],
    calls: dict[int, Any],
    used: dict[int, MessageTemplate],
    findings: dict[int, list[Finding]],
) -> list[dict[str, Any]]:
    labels: dict[int, str] = {}
    for attempt in attempts:
        if attempt.recipient_id not in labels:
            labels[attempt.recipient_id] = _label(attempt.recipient)
    return [
        _history_row(a, calls, used, labels[a.recipient_id]) | {"findings": findings.get(a.pk, [])}
        for a in attempts
    ]


def _history_row(
    attempt: ContactAttempt, calls: dict[int, Any], used: dict[int, MessageTemplate], label: str
) -> dict[str, Any]:
    log = calls.get(attempt.pk)
    template = used.get(attempt.pk)
    return {
        "permit": permit_row(attempt, recipient_text=label),
        "call_result": log.get_result_display() if log else "",
        "template": f"{template.name} v{template.version}" if template else "",
    }


# --- actions --------------------------------------------------------------------------------


@require_POST
@staff_required(*WORKERS)
def act(request: HttpRequest, loan_id: str) -> HttpResponse:
    """Carry out one action of the account page; say in the collector's words what happened."""
    loan = _loan(loan_id)
    user = _user(request)
    action = ACTIONS.get(request.POST.get("action", ""))
    if action is None:
        messages.error(request, _("Unknown action."))
        return redirect("staff:work-account", loan_id=loan.external_id)
    try:
        done = action(request, loan, user)
    except ServiceError as refusal:
        messages.error(request, refusal_words(refusal))
        status = 422 if isinstance(refusal, InvalidInput) else 409
        return _account_page(request, loan, status=status)
    messages.success(request, done)
    return redirect("staff:work-account", loan_id=loan.external_id)


def _valid(form: Any) -> dict[str, Any]:
    if not form.is_valid():
        raise InvalidInput({name: "; ".join(errs) for name, errs in form.errors.items()})
    return cast(dict[str, Any], form.cleaned_data)


def _recipient_of(loan: Loan, public_id: Any) -> Recipient:
    recipient = contacts.recipient_by_public_id(public_id)
    if recipient is None or recipient.borrower_id != loan.borrower_id:
        raise InvalidInput({"recipient": "not a recipient of this account"})
    return recipient


def _send_sms(request: HttpRequest, loan: Loan, user: User) -> str:
    data = _valid(SmsForm(request.POST))
    recipient = _recipient_of(loan, data["recipient"])
    template = casework.template_by_reference(data["template"])
    if template is None:
        raise InvalidInput({"template": "no such template"})
    now = timezone.now()
    attempt = work.send_templated_sms(
        loan=loan,
        recipient=recipient,
        template=template,
        collector=user,
        today=loans.borrower_today(loan.borrower, now=now),
        now=now,
    )
    return _permit_words(attempt, _("The message was sent."))


def _call(request: HttpRequest, loan: Loan, user: User) -> str:
    data = _valid(CallForm(request.POST))
    recipient = _recipient_of(loan, data["recipient"])
    attempt = work.place_call(
        loan=loan,
        recipient=recipient,
        purpose=PURPOSE_FOR_ROLE.get(recipient.role, "collection"),
        collector=user,
        language=get_language() or "zh-hans",
    )
    return _permit_words(attempt, _("The call is being placed. Log how it went when it ends."))


def _permit_words(attempt: ContactAttempt, allowed: str) -> str:
    if attempt.allowed:
        return f"{allowed} " + _("Verification code: %(code)s.") % {
            "code": attempt.verification_code
        }
    reasons = [
        text_for_reader(r.get("messages", {}), r.get("message", "")) for r in attempt.reasons
    ]
    return _("The rules did not allow it; nothing was sent. %(why)s") % {"why": " ".join(reasons)}


def _log_call(request: HttpRequest, loan: Loan, user: User) -> str:
    data = _valid(CallLogForm(request.POST))
    attempt = contacts.permit_by_id(data["permit"])
    if attempt is None or attempt.loan_id != loan.pk:
        raise InvalidInput({"permit": "not a call about this account"})
    log = work.log_call(attempt=attempt, result=data["result"], collector=user)
    return _("Call logged: %(result)s.") % {"result": log.get_result_display()}


def _promise(request: HttpRequest, loan: Loan, user: User) -> str:
    data = _valid(PromiseForm(request.POST))
    promise = work.take_promise(
        loan=loan,
        amount=data["amount"],
        due_on=data["due_on"],
        channel=data["channel"],
        collector=user,
        today=loans.borrower_today(loan.borrower, now=timezone.now()),
    )
    return _(
        "Promise recorded: %(amount)s %(currency)s by %(day)s. Contact about this loan waits "
        "until then."
    ) % {"amount": promise.amount, "currency": loan.currency, "day": promise.due_on.isoformat()}


def _note(request: HttpRequest, loan: Loan, user: User) -> str:
    data = _valid(NoteForm(request.POST))
    work.add_note(loan=loan, text=data["text"], author=user)
    return _("Note added.")


def _assign(request: HttpRequest, loan: Loan, user: User) -> str:
    data = _valid(AssignForm(request.POST, collectors=_collectors()))
    chosen = staff_by_id(data["collector"]) if data["collector"] else None
    work.assign(loan=loan, collector=chosen, by=user, reason=data["reason"])
    if chosen is None:
        return _("The account is back in the team's pool.")
    return _("The account is now %(name)s's.") % {"name": chosen.get_username()}


REVIEW_DONE = {
    ReviewOutcome.OFFER: gettext_lazy(
        "Restructuring offers are priced; the borrower sees them in the portal."
    ),
    ReviewOutcome.REFER: gettext_lazy(
        "Referral recorded. Contact stays stopped; give the borrower the support lines below."
    ),
    ReviewOutcome.RETURN: gettext_lazy(
        "The account is back in the queue; its hardship hold is lifted."
    ),
}


def _review(request: HttpRequest, loan: Loan, user: User) -> str:
    """A supervisor's decision on hardship or distress: pause, offer, refer or return."""
    if not user.has_role(*ASSIGNERS):
        raise Conflict("not_allowed_to_review", "a supervisor decides on a review")
    data = _valid(ReviewForm(request.POST))
    outcome = ReviewOutcome(data["outcome"])
    pause = None
    if outcome is ReviewOutcome.PAUSE:
        pause = work.PauseTerms(reason=data["pause_reason"], ends_on=data["ends_on"])
    work.decide_review(
        loan=loan,
        outcome=outcome,
        reason=data["reason"],
        by=user,
        today=loans.borrower_today(loan.borrower, now=timezone.now()),
        pause=pause,
    )
    if pause is not None:
        return _("Hardship pause recorded until %(day)s.") % {"day": pause.ends_on.isoformat()}
    return str(REVIEW_DONE[outcome])


@require_POST
@never_cache
@staff_required(*WORKERS)
def reveal(request: HttpRequest, loan_id: str) -> HttpResponse:
    """Show one emergency contact's number in full, once, after an audited reason.

    The number is in this response only: not in a message, a session or a redirect.
    """
    loan = _loan(loan_id)
    user = _user(request)
    form = RevealForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why you need the full number (at least 10 characters)."))
        return _account_page(request, loan, status=422)
    contact = consent.emergency_contact_of(loan.borrower, form.cleaned_data["contact"])
    if contact is None:
        raise Http404("no such emergency contact")
    try:
        number = reveal_contact_number(
            contact=contact,
            reason=form.cleaned_data["reason"],
            actor=user.audit_actor,
            now=timezone.now(),
        )
    except ServiceError as refusal:
        messages.error(request, refusal_words(refusal))
        return _account_page(request, loan, status=409)
    return _account_page(request, loan, revealed={str(contact.reference): number})


def _take(request: HttpRequest, loan: Loan, user: User) -> str:
    work.assign(loan=loan, collector=user, by=user, reason="taken from the pool")
    return _("The account is now yours.")


ACTIONS = {
    "sms": _send_sms,
    "call": _call,
    "log_call": _log_call,
    "promise": _promise,
    "note": _note,
    "assign": _assign,
    "take": _take,
    "review": _review,
}
