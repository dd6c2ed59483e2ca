"""Help-to-repay pages of the borrower portal: budget planner, plans and acceptance, hardship
pause, promises, auto-debit and points. Each view reads a form, calls one service and
shows the result; a refusal is shown in plain words and nothing is changed.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from uuid import UUID

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from tactful.borrowers.models import Borrower
from tactful.errors import ServiceError
from tactful.loans.models import Loan
from tactful.loans.selectors import borrower_today, ledger_day
from tactful.money.budget import Budget, BudgetError, ExpenseCategory, plan_budget
from tactful.one_time_codes.wording import refusal_text as code_refusal_text
from tactful.portal.help.forms import (
    BudgetForm,
    CodeConfirmForm,
    HardshipForm,
    MandateForm,
    PromiseForm,
    RedeemForm,
)
from tactful.portal.help.refusals import refusal_text
from tactful.repayment import confirmation, selectors, services, wording
from tactful.repayment.models import RequestChannel, RestructuringOffer
from tactful.repayment.payments import BankAccount
from tactful.repayment.rules import configured_rules
from tactful.web.access import borrower_required

AFFORDABLE_KEY = "repayment_affordable"
EXPIRY_WARNING_DAYS = 60


def _actor(borrower: Borrower) -> str:
    return f"borrower:{borrower.pk}"


def _today(borrower: Borrower) -> date:
    return borrower_today(borrower, now=timezone.now())


def _ledger_day(borrower: Borrower) -> date:
    return ledger_day(borrower, now=timezone.now())


def _loan(borrower: Borrower, reference: UUID) -> Loan:
    loan = selectors.loan_of_borrower(borrower, reference)
    if loan is None:
        raise Http404("no such loan")
    return loan


@require_http_methods(["GET"])
@borrower_required
def help_home(request: HttpRequest, borrower: Borrower) -> HttpResponse:
    today = _today(borrower)
    accounts = [
        selectors.account_status(loan, as_of=today) for loan in selectors.borrower_loans(borrower)
    ]
    points = selectors.points_balance(borrower, as_of=today, rules=configured_rules())
    context = {"accounts": accounts, "points": points, "today": today}
    return render(request, "portal/help/help.html", context)


@require_http_methods(["GET", "POST"])
@borrower_required
def budget(request: HttpRequest, borrower: Borrower) -> HttpResponse:
    rules = configured_rules()
    form = BudgetForm(request.POST if request.method == "POST" else None)
    plan = None
    if form.is_valid():
        try:
            plan = plan_budget(_budget_of(form, rules.currency), rules.budget)
        except BudgetError as error:
            form.add_error(None, error.reason)
        else:
            request.session[AFFORDABLE_KEY] = str(plan.affordable_installment)
    context = {"form": form, "plan": plan, "rules": rules}
    return render(request, "portal/help/budget.html", context)


def _budget_of(form: BudgetForm, currency: str) -> Budget:
    data = form.cleaned_data
    incomes = {"salary": data["salary"], "other": data["other_income"] or Decimal(0)}
    expenses = {category: data[f"expense_{category}"] or Decimal(0) for category in ExpenseCategory}
    return Budget(
        currency=currency,
        incomes=incomes,
        expenses=expenses,
        obligations=data["obligations"] or Decimal(0),
    )


@require_http_methods(["GET", "POST"])
@borrower_required
def plans(request: HttpRequest, borrower: Borrower, reference: UUID) -> HttpResponse:
    loan = _loan(borrower, reference)
    today = _ledger_day(borrower)
    fitting_under = _affordable_installment(request)
    if request.method == "POST":
        try:
            services.price_offers(
                loan=loan,
                request=services.OfferRequest(affordable_installment=fitting_under),
                actor=_actor(borrower),
                today=today,
            )
        except ServiceError as error:
            messages.error(request, refusal_text(error))
        return redirect("portal:plans", reference=loan.reference)
    offers = selectors.open_offers(loan, today=today)
    account = selectors.account_status(loan, as_of=today)
    context = {
        "loan": loan,
        "account": account,
        "offers": offers,
        "comparison": selectors.compare_offers(offers, account.status),
        "fitting": _fitting(offers, fitting_under),
        "affordable": fitting_under,
        "reasons": selectors.offer_reasons(loan, language=translation.get_language() or "en"),
    }
    return render(request, "portal/help/plans.html", context)


def _affordable_installment(request: HttpRequest) -> Decimal | None:
    value = request.session.get(AFFORDABLE_KEY)
    return Decimal(value) if isinstance(value, str) else None


def _fitting(offers: list[RestructuringOffer], installment: Decimal | None) -> set[int]:
    if installment is None:
        return set()
    return {
        offer.pk
        for offer in offers
        if offer.first_payment <= installment and offer.regular_payment <= installment
    }


@require_http_methods(["GET", "POST"])
@borrower_required
def offer(request: HttpRequest, borrower: Borrower, reference: UUID) -> HttpResponse:
    row = selectors.offer_by_reference(reference)
    if row is None or row.loan.borrower_id != borrower.pk:
        raise Http404("no such offer")
    code_sent = False
    if request.method == "POST":
        try:
            confirmation.send_code(borrower)
            code_sent = True
        except ServiceError as error:
            messages.error(request, refusal_text(error))
    context = {
        "offer": row,
        "loan": row.loan,
        "code_sent": code_sent,
        "code_hours": confirmation.code_hours(),
        "form": CodeConfirmForm(),
    }
    return render(request, "portal/help/offer.html", context)


@require_POST
@borrower_required
def accept(request: HttpRequest, borrower: Borrower, reference: UUID) -> HttpResponse:
    row = selectors.offer_by_reference(reference)
    if row is None or row.loan.borrower_id != borrower.pk:
        raise Http404("no such offer")
    form = CodeConfirmForm(request.POST)
    if not form.is_valid():
        return _offer_again(request, row, form)
    try:
        confirmation.check_code(borrower, form.cleaned_data["code"])
        acceptance = services.accept_offer(
            offer=row,
            actor=_actor(borrower),
            confirmed_via=services.PORTAL_CODE,
            today=_ledger_day(borrower),
        )
    except confirmation.ConfirmationRefused as refusal:
        form.add_error("code", code_refusal_text(refusal.code))
        return _offer_again(request, row, form)
    except ServiceError as error:
        messages.error(request, refusal_text(error))
        return redirect("portal:plans", reference=row.loan.reference)
    messages.success(request, _("Your new plan has started. Thank you."))
    return redirect("portal:loan", reference=acceptance.plan_loan.reference)


def _offer_again(
    request: HttpRequest, row: RestructuringOffer, form: CodeConfirmForm
) -> HttpResponse:
    context = {
        "offer": row,
        "loan": row.loan,
        "code_sent": True,
        "code_hours": confirmation.code_hours(),
        "form": form,
    }
    return render(request, "portal/help/offer.html", context, status=400)


@require_http_methods(["GET", "POST"])
@borrower_required
def hardship(request: HttpRequest, borrower: Borrower, reference: UUID) -> HttpResponse:
    loan = _loan(borrower, reference)
    today = _today(borrower)
    form = HardshipForm(
        request.POST if request.method == "POST" else None, initial={"starts_on": today}
    )
    recorded = None
    if form.is_valid():
        try:
            recorded = services.request_pause(
                loan=loan,
                starts_on=form.starting(),
                ends_on=form.starting() + timedelta(days=form.pause_days()),
                reason=form.cleaned_data["reason"],
                via=RequestChannel.PORTAL,
                actor=_actor(borrower),
                today=today,
            )
        except ServiceError as error:
            form.add_error(None, refusal_text(error))
    context = {
        "loan": loan,
        "form": form,
        "recorded": recorded,
        "account": selectors.account_status(loan, as_of=today),
        "pauses": list(selectors.pauses_of(loan)),
    }
    return render(request, "portal/help/hardship.html", context, status=_status(form, request))


@require_POST
@borrower_required
def resume(request: HttpRequest, borrower: Borrower, reference: UUID) -> HttpResponse:
    loan = _loan(borrower, reference)
    today = _today(borrower)
    pause = selectors.active_pause(loan, on=today)
    if pause is not None:
        try:
            services.resume_pause(pause=pause, actor=_actor(borrower), today=today)
            messages.success(request, _("Your pause has ended. Welcome back."))
        except ServiceError as error:
            messages.error(request, refusal_text(error))
    return redirect("portal:hardship", reference=loan.reference)


@require_http_methods(["GET", "POST"])
@borrower_required
def promise(request: HttpRequest, borrower: Borrower, reference: UUID) -> HttpResponse:
    loan = _loan(borrower, reference)
    today = _today(borrower)
    form = PromiseForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            services.record_promise(
                loan=loan,
                amount=form.cleaned_data["amount"],
                due_on=form.cleaned_data["due_on"],
                channel="portal",
                actor=_actor(borrower),
                today=today,
            )
        except ServiceError as error:
            form.add_error(None, refusal_text(error))
        else:
            messages.success(request, _("Thank you. We will not chase you before that day."))
            return redirect("portal:promise", reference=loan.reference)
    context = {
        "loan": loan,
        "form": form,
        "promises": selectors.promises_of(loan, as_of=today),
        "max_days": configured_rules().promise_max_days_ahead,
    }
    return render(request, "portal/help/promise.html", context, status=_status(form, request))


@require_http_methods(["GET", "POST"])
@borrower_required
def auto_debit(request: HttpRequest, borrower: Borrower, reference: UUID) -> HttpResponse:
    loan = _loan(borrower, reference)
    form = MandateForm(request.POST if request.method == "POST" else None)
    consent_text = _consent_for(form, loan) if form.is_valid() else None
    if consent_text is not None and _agreed_to(form, consent_text):
        try:
            _set_up(loan, borrower, form)
        except ServiceError as error:
            form.add_error(None, refusal_text(error))
        else:
            messages.success(request, _("Auto-debit is set up."))
            return redirect("portal:auto-debit", reference=loan.reference)
    rules = configured_rules()
    mandate = selectors.active_mandate(loan)
    context = {
        "loan": loan,
        "form": _with_digest(form, consent_text),
        "mandate": mandate,
        "attempts": list(selectors.attempts_of(mandate, limit=12)) if mandate else [],
        "consent_text": consent_text,
        "max_mandate": rules.max_mandate_amount,
    }
    return render(request, "portal/help/auto_debit.html", context, status=_status(form, request))


def _set_up(loan: Loan, borrower: Borrower, form: MandateForm) -> None:
    data = form.cleaned_data
    services.set_up_mandate(
        loan=loan,
        request=services.MandateRequest(
            account=BankAccount(bank_code=data["bank_code"], account_number=data["account_number"]),
            max_amount=data["max_amount"],
            debit_day=data["debit_day"],
            language=translation.get_language() or borrower.preferred_language,
        ),
        via=RequestChannel.PORTAL,
        actor=_actor(borrower),
    )


def _consent_for(form: MandateForm, loan: Loan) -> str:
    """The authorisation in the reader's language, with exactly the figures they chose."""
    return wording.consent_text(
        language=translation.get_language() or "zh-hans",
        max_amount=form.cleaned_data["max_amount"],
        currency=loan.currency,
        debit_day=form.cleaned_data["debit_day"],
    )


def _agreed_to(form: MandateForm, consent_text: str) -> bool:
    """Whether the borrower ticked the box under this very text, not one shown before.

    The first send only shows the text for the figures; the box counts when the digest
    sent back is the digest of the text for the figures sent with it.
    """
    shown = form.cleaned_data.get("agreed_digest")
    if shown != wording.consent_digest(consent_text):
        if form.cleaned_data.get("consent") and shown:
            form.add_error(
                None, _("The figures changed: read the authorisation again and agree to it.")
            )
        return False
    if not form.cleaned_data.get("consent"):
        form.add_error(
            "consent", _("Tick the box to agree to the authorisation, or leave the page.")
        )
        return False
    return True


def _with_digest(form: MandateForm, consent_text: str | None) -> MandateForm:
    """The form to show next, carrying the digest of the text shown with it, if any."""
    if consent_text is not None and form.is_bound:
        # A bound field shows what `data` holds: the digest goes back with the next send.
        data = QueryDict(mutable=True)
        data.update(form.data)
        data["agreed_digest"] = wording.consent_digest(consent_text)
        form.data = data
    return form


@require_POST
@borrower_required
def cancel_auto_debit(request: HttpRequest, borrower: Borrower, reference: UUID) -> HttpResponse:
    loan = _loan(borrower, reference)
    mandate = selectors.active_mandate(loan)
    if mandate is not None:
        try:
            services.cancel_mandate(mandate=mandate, reason="borrower", actor=_actor(borrower))
            messages.success(request, _("Auto-debit is cancelled. Nothing more will be collected."))
        except ServiceError as error:
            messages.error(request, refusal_text(error))
    return redirect("portal:auto-debit", reference=loan.reference)


@require_http_methods(["GET", "POST"])
@borrower_required
def points(request: HttpRequest, borrower: Borrower) -> HttpResponse:
    rules = configured_rules()
    loans = [
        (str(loan.reference), loan.product)
        for loan in selectors.borrower_loans(borrower)
        if selectors.closing_acceptance(loan) is None
    ]
    form = RedeemForm(request.POST if request.method == "POST" else None, loans=loans)
    if form.is_valid():
        try:
            services.redeem_points(
                borrower=borrower,
                loan=_loan(borrower, UUID(form.cleaned_data["loan"])),
                points=form.cleaned_data["points"],
                actor=_actor(borrower),
                today=_ledger_day(borrower),
            )
        except ServiceError as error:
            form.add_error(None, refusal_text(error))
        else:
            messages.success(request, _("Your points were used. Thank you."))
            return redirect("portal:points")
    today = _today(borrower)
    balance = selectors.points_balance(borrower, as_of=today, rules=rules)
    context = {
        "form": form,
        "balance": balance,
        "expiring_soon": balance.expiring_by(today + timedelta(days=EXPIRY_WARNING_DAYS)),
        "warning_days": EXPIRY_WARNING_DAYS,
        "history": list(selectors.points_entries(borrower)[:100]),
        "rules": rules.points,
    }
    return render(request, "portal/help/points.html", context, status=_status(form, request))


def _status(form: object, request: HttpRequest) -> int:
    """Answer a refused form with 400, so the page's status says what happened too."""
    errors = getattr(form, "errors", None)
    return 400 if request.method == "POST" and errors else 200
