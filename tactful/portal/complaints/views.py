"""The signed-in borrower's complaints: file one, and follow each to its outcome."""

from __future__ import annotations

from dataclasses import replace
from uuid import UUID

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from tactful.borrowers.models import Borrower
from tactful.complaints import selectors, services
from tactful.errors import InvalidInput
from tactful.web.access import borrower_required
from tactful.web.complaints import (
    ComplaintForm,
    add_intake_errors,
    fresh_submission_token,
    intake_of,
    outcome_page,
)


@require_http_methods(["GET", "POST"])
@borrower_required
def complaints(request: HttpRequest, borrower: Borrower) -> HttpResponse:
    form = ComplaintForm(
        request.POST or None, request.FILES or None, initial=fresh_submission_token()
    )
    if request.method == "POST" and form.is_valid():
        intake = replace(
            intake_of(form, channel="portal"), complainant_kind="borrower", borrower=borrower
        )
        try:
            complaint = services.file_complaint(intake=intake, actor=f"borrower:{borrower.pk}")
        except InvalidInput as error:
            add_intake_errors(form, error)
        else:
            return redirect("portal:complaint", reference=complaint.complaint.reference)
    filed = selectors.complaints_of_borrower(borrower)
    return render(request, "portal/complaints/list.html", {"form": form, "complaints": filed})


@require_http_methods(["GET", "POST"])
@borrower_required
def complaint(request: HttpRequest, borrower: Borrower, reference: UUID) -> HttpResponse:
    filed = selectors.complaint_of_borrower(borrower, reference)
    if filed is None:
        raise Http404("no such complaint")
    return outcome_page(request, filed)
