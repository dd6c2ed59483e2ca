"""The borrower's rights page: what we hold, download it, ask to correct or erase it."""

from __future__ import annotations

import json

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from tactful.borrowers.models import Borrower
from tactful.errors import Conflict, InvalidInput
from tactful.pdf_pages import FontMissing
from tactful.portal.rights.forms import CorrectionForm
from tactful.portal.rights.pdf import data_export_pdf
from tactful.rights import selectors, services
from tactful.rights.wording import correctable_field_label
from tactful.web.access import borrower_required


@require_safe
@borrower_required
def rights_page(request: HttpRequest, borrower: Borrower) -> HttpResponse:
    return _page(request, borrower, CorrectionForm())


def _page(
    request: HttpRequest, borrower: Borrower, form: CorrectionForm, status: int = 200
) -> HttpResponse:
    now = timezone.now()
    answers = selectors.answers_of(borrower)
    context = {
        "held": selectors.holdings_of(borrower, now=now),
        "retention": selectors.retention_of(borrower, today=now.date()),
        "answers": [(answer, correctable_field_label(answer.request.field)) for answer in answers],
        "form": form,
        "done": request.GET.get("done", ""),
    }
    return render(request, "portal/rights/rights.html", context, status=status)


@require_safe
@borrower_required
def export(request: HttpRequest, borrower: Borrower) -> HttpResponse:
    """Download everything held about the signed-in borrower, and only that, as JSON."""
    now = timezone.now()
    body = json.dumps(selectors.export_of(borrower, now=now), ensure_ascii=False, indent=2)
    services.record_export(borrower=borrower, now=now)
    response = HttpResponse(body.encode(), content_type="application/json")
    response["Content-Disposition"] = 'attachment; filename="my-data.json"'
    return response


@require_safe
@borrower_required
def export_pdf(request: HttpRequest, borrower: Borrower) -> HttpResponse:
    """The same download as a readable PDF in the borrower's language, Chinese text included."""
    now = timezone.now()
    try:
        body = data_export_pdf(borrower, now=now)
    except FontMissing:
        message = _("The PDF cannot be made on this server right now. The JSON file has it all.")
        return HttpResponse(message, status=503, content_type="text/plain; charset=utf-8")
    services.record_export(borrower=borrower, now=now)
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="my-data.pdf"'
    return response


@require_POST
@borrower_required
def correction(request: HttpRequest, borrower: Borrower) -> HttpResponse:
    form = CorrectionForm(request.POST)
    if not form.is_valid():
        return _page(request, borrower, form, status=400)
    try:
        services.request_correction(borrower=borrower, **form.cleaned_data)
    except InvalidInput as error:
        for field, message in error.fields.items():
            form.add_error(field if field in form.fields else None, message)
        return _page(request, borrower, form, status=400)
    return redirect("/portal/privacy/rights/?done=correction")


@require_POST
@borrower_required
def erasure(request: HttpRequest, borrower: Borrower) -> HttpResponse:
    if request.POST.get("confirm") != "yes":
        return _page(request, borrower, CorrectionForm(), status=400)
    try:
        services.request_erasure(borrower=borrower)
    except Conflict:
        return redirect("/portal/privacy/rights/?done=pending")
    return redirect("/portal/privacy/rights/?done=erasure")
