"""Collectors' certificates: who may collect, until when, and recording a new certificate.

The gate lets only a collector with a certificate valid at that moment make a collection
contact (the `certification` rule of every pack). Compliance officers and administrators
record the certificate a collector earned, or suspend one with a reason (audited); the
list shows everyone's standing, suspensions included. Days are
read in the officer's zone: a certificate is valid from the start of its first day to the
end of its last.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from tactful.accounts.models import User
from tactful.accounts.roles import Role
from tactful.accounts.selectors import staff_by_id, staff_with_roles
from tactful.contacts.models import CollectorCertification
from tactful.contacts.selectors import certifications_of, holds_valid_certification
from tactful.contacts.services import certify_collector, suspend_certification
from tactful.errors import InvalidInput
from tactful.staff.certifications.forms import CertificateForm, SuspensionForm
from tactful.web.access import staff_required

CERTIFIERS = (Role.COMPLIANCE, Role.ADMIN)


@require_http_methods(["GET", "POST"])
@staff_required(*CERTIFIERS)
def certifications(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    collectors = list(staff_with_roles((Role.COLLECTOR,)).order_by("username"))
    suspending = request.POST.get("action") == "suspend"
    form = CertificateForm(None if suspending else request.POST or None, collectors=collectors)
    suspension_form = SuspensionForm(
        request.POST if suspending else None, collectors=collectors, auto_id="id_suspend_%s"
    )
    if request.method == "POST":
        if suspending and suspension_form.is_valid() and _suspend(suspension_form, user):
            messages.success(request, _("The certificate is suspended."))
            return redirect("staff:certifications")
        if not suspending and form.is_valid() and _record(form, user):
            messages.success(request, _("The certificate is recorded."))
            return redirect("staff:certifications")
    now = timezone.now()
    held = certifications_of(collectors)
    rows = [
        {
            "collector": collector,
            "current": _current(held.get(collector.pk, []), now),
            "valid": holds_valid_certification(collector, now=now),
        }
        for collector in collectors
    ]
    context = {"rows": rows, "form": form, "suspension_form": suspension_form, "zone": user.zone}
    status = 422 if request.method == "POST" else 200
    return render(request, "staff/certifications/list.html", context, status=status)


def _suspend(form: SuspensionForm, user: User) -> bool:
    collector = staff_by_id(form.cleaned_data["collector"])
    if collector is None or not collector.has_role(Role.COLLECTOR):
        form.add_error("collector", _("Choose a collector."))
        return False
    try:
        suspend_certification(
            collector=collector,
            reason=form.cleaned_data["reason"],
            source="certificates page",
            actor=user.audit_actor,
        )
    except InvalidInput:
        form.add_error("reason", _("Say why, in at most 200 characters."))
        return False
    return True


def _record(form: CertificateForm, user: User) -> bool:
    collector = staff_by_id(form.cleaned_data["collector"])
    if collector is None or not collector.has_role(Role.COLLECTOR):
        form.add_error("collector", _("Choose a collector."))
        return False
    zone = user.zone
    try:
        certify_collector(
            collector=collector,
            certificate_number=form.cleaned_data["certificate_number"],
            valid_from=_start_of(form.cleaned_data["valid_from"], zone),
            valid_until=_start_of(form.cleaned_data["valid_until"] + timedelta(days=1), zone),
            actor=user.audit_actor,
        )
    except InvalidInput:
        form.add_error(None, _("The certificate could not be recorded: check its number and days."))
        return False
    return True


def _start_of(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=zone)


def _current(held: list[CollectorCertification], now: datetime) -> CollectorCertification | None:
    """The certificate valid now, else None."""
    return next((c for c in held if c.valid_from <= now < c.valid_until), None)
