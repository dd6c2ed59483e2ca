"""The borrower portal: sign-in with a texted code, the borrower's loans, one loan."""

from __future__ import annotations

from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from tactful.borrowers.models import Borrower
from tactful.errors import InvalidInput, ServiceError
from tactful.loans.selectors import LoanStatus, borrower_today
from tactful.one_time_codes import services as codes
from tactful.one_time_codes.wording import TOO_MANY_CODES, refusal_text
from tactful.portal.account import loan_pages
from tactful.portal.account.forms import CodeForm
from tactful.portal.middleware import SESSION_KEY
from tactful.portal.wording import entry_label, status_kind, status_words
from tactful.repayment.services import checkout as checkout_services
from tactful.web.access import borrower_required
from tactful.web.forms import PhoneForm

_PAY_REFUSED = _(
    "Enter an amount of at least 0.01 and no more than you still owe, for example 500.00."
)
_INVALID_PHONE = _("This does not look like a mobile phone number. Please check it.")


@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    """Step 1: ask for the phone number and send a code if it is a borrower's."""
    if getattr(request, "borrower", None) is not None:
        return redirect("portal:home")
    form = PhoneForm(request.POST if request.method == "POST" else None)
    if not form.is_valid():
        return render(request, "portal/account/sign_in.html", {"form": form})
    try:
        e164 = codes.request_sign_in_code(
            phone=form.cleaned_data["phone"], default_region=form.cleaned_data["phone_region"]
        )
    except InvalidInput:
        form.add_error("phone", _INVALID_PHONE)
        return render(request, "portal/account/sign_in.html", {"form": form})
    except codes.TooManyCodes:
        form.add_error(None, TOO_MANY_CODES)
        return render(request, "portal/account/sign_in.html", {"form": form}, status=429)
    return _code_page(request, CodeForm(initial={"phone": e164}))


@require_http_methods(["GET", "POST"])
def sign_in_code(request: HttpRequest) -> HttpResponse:
    """Step 2: check the code and start the borrower's session."""
    if request.method != "POST":
        return redirect("portal:sign-in")
    form = CodeForm(request.POST)
    if not form.is_valid():
        return _code_page(request, form)
    try:
        borrower = codes.verify_sign_in_code(
            phone=form.cleaned_data["phone"], code=form.cleaned_data["code"]
        )
    except codes.CodeRefused as refusal:
        form.add_error("code", refusal_text(refusal.code))
        return _code_page(request, form)
    except InvalidInput:
        return redirect("portal:sign-in")
    _start_session(request, borrower)
    return redirect("portal:home")


def _code_page(request: HttpRequest, form: CodeForm) -> HttpResponse:
    # The same words for every number, registered or not, at any hour: a page that
    # said "not sent now" only for borrowers would tell strangers who is one.
    hours = codes.code_hours()
    context = {
        "form": form,
        "code_minutes": settings.ONE_TIME_CODE_MINUTES,
        "code_hours": [f"{clock:%H:%M}" for clock in hours] if hours else None,
    }
    return render(request, "portal/account/sign_in_code.html", context)


def _start_session(request: HttpRequest, borrower: Borrower) -> None:
    # A new session key on sign-in, so a key planted before it is worth nothing after.
    request.session.cycle_key()
    request.session[SESSION_KEY] = borrower.pk


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    request.session.pop(SESSION_KEY, None)
    request.session.cycle_key()
    return redirect("public:home")


@require_safe
@borrower_required
def home(request: HttpRequest, borrower: Borrower) -> HttpResponse:
    today = borrower_today(borrower, now=timezone.now())
    loans = [
        {"status": status, "plan": plan, "now": now, **_status_context(status, plan)}
        for status, plan, now in loan_pages.loan_statuses(borrower, as_of=today)
    ]
    return render(request, "portal/account/home.html", {"loans": loans, "today": today})


@require_safe
@borrower_required
def loan_detail(request: HttpRequest, borrower: Borrower, reference: UUID) -> HttpResponse:
    loan = loan_pages.loan_of_borrower(borrower, reference)
    if loan is None:
        raise Http404("no such loan")
    today = borrower_today(borrower, now=timezone.now())
    page = loan_pages.loan_page(loan, as_of=today)
    context = {
        "page": page,
        "loan": loan,
        "today": today,
        **_status_context(page.status, page.restructuring),
        "payment_details": settings.PAYMENT_DETAILS,
        "ledger": [(row, entry_label(row.kind, row.source)) for row in page.ledger],
    }
    return render(request, "portal/account/loan.html", context)


@require_POST
@borrower_required
def pay(request: HttpRequest, borrower: Borrower, reference: UUID) -> HttpResponse:
    """Start paying towards one of the borrower's loans: off to the processor's page."""
    loan = loan_pages.loan_of_borrower(borrower, reference)
    if loan is None:
        raise Http404("no such loan")
    try:
        _, checkout = checkout_services.start_payment(
            loan=loan, amount=request.POST.get("amount", ""), actor=f"borrower:{borrower.pk}"
        )
    except ServiceError:
        messages.error(request, _PAY_REFUSED)
        return redirect("portal:loan", reference=loan.reference)
    return redirect(checkout.url)


def _status_context(status: LoanStatus, plan: loan_pages.Restructuring) -> dict[str, str]:
    moved = plan.moved_into
    return {
        "kind": status_kind(status, moved_into_plan=moved is not None),
        "words": status_words(
            status, moved_into_plan_on=moved.accepted_on if moved is not None else None
        ),
    }
