"""The regulator's monthly reports (/staff/reports/): issue one, list those issued with
their digests, download each as issued.

Compliance officers and administrators only: a report is what the lender tells its
regulator, issued in the lender's name and recorded in the audit chain. Supervisors read
the same figures, day by day, on the oversight dashboards.
"""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from tactful.accounts.models import User
from tactful.accounts.roles import Role
from tactful.errors import InvalidInput
from tactful.reports.models import IssuedReport
from tactful.reports.selectors import issued_report, issued_reports
from tactful.reports.services import issue_report
from tactful.staff.reports.forms import IssueForm
from tactful.web.access import staff_required

ISSUERS = (Role.COMPLIANCE, Role.ADMIN)
_FILES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@require_safe
@staff_required(*ISSUERS)
def reports(request: HttpRequest) -> HttpResponse:
    return _page(request, IssueForm())


@require_POST
@staff_required(*ISSUERS)
def issue(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    form = IssueForm(request.POST)
    if form.is_valid():
        try:
            issue_report(**form.cleaned_data, actor=user.audit_actor)
        except InvalidInput as error:
            _refused(form, error)
        else:
            messages.success(request, _("The report is issued and its digest recorded."))
            return redirect("staff:reports")
    return _page(request, form, status=400)


@require_safe
@staff_required(*ISSUERS)
def download_pdf(request: HttpRequest, reference: UUID) -> HttpResponse:
    return _download(reference, "pdf")


@require_safe
@staff_required(*ISSUERS)
def download_xlsx(request: HttpRequest, reference: UUID) -> HttpResponse:
    return _download(reference, "xlsx")


def _page(request: HttpRequest, form: IssueForm, *, status: int = 200) -> HttpResponse:
    context = {"form": form, "issued": list(issued_reports())}
    return render(request, "staff/reports/list.html", context, status=status)


def _refused(form: IssueForm, error: InvalidInput) -> None:
    if error.code == "month_not_over":
        form.add_error("month", _("This month has not ended yet in the rule pack's time zone."))
    else:
        form.add_error(None, _("The report could not be issued: %(why)s") % {"why": error.message})


def _download(reference: UUID, kind: str) -> HttpResponse:
    report = issued_report(reference)
    if report is None:
        raise Http404("no such report")
    content = bytes(report.pdf if kind == "pdf" else report.xlsx)
    response = HttpResponse(content, content_type=_FILES[kind])
    response["Content-Disposition"] = f'attachment; filename="{_file_name(report, kind)}"'
    return response


def _file_name(report: IssuedReport, kind: str) -> str:
    return f"tactful-report-{report.pack}-{report.month:%Y-%m}-{report.language}.{kind}"
