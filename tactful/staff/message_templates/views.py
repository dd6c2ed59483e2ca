"""The message library (/staff/templates/): officers write versions, another officer approves.

A version the checker flags can never be approved; collectors see only the newest approved
version of each template, filled in for the account they work.
"""

from __future__ import annotations

from typing import Any, cast
from uuid import UUID

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from tactful.accounts.models import User
from tactful.accounts.roles import Role
from tactful.casework import selectors
from tactful.casework.models import TemplateAudience, TemplateLanguage
from tactful.casework.services import MAX_BODY_LENGTH, approve_template, write_template
from tactful.contacts.packs import configured_pack
from tactful.contacts.vocabulary import PURPOSE_CHOICES
from tactful.errors import ServiceError
from tactful.web.access import staff_required

LIBRARY_READERS = (Role.SUPERVISOR, Role.COMPLIANCE, Role.ADMIN)
REFUSALS = {
    "four_eyes": gettext_lazy("A template is approved by an officer who did not write it."),
    "template_has_findings": gettext_lazy(
        "The checker found problems in this version; it can never be approved. Write a new one."
    ),
    "approver_not_compliance": gettext_lazy("Only a compliance officer approves templates."),
    "already_approved": gettext_lazy("This version is approved already."),
    "template_unknown_field": gettext_lazy("The words use a blank that does not exist."),
    "template_malformed": gettext_lazy("A blank is not written as {name}."),
    "template_reveals_account": gettext_lazy(
        "A message to an emergency contact may not have blanks: nothing about the account."
    ),
}


class TemplateForm(forms.Form):
    name = forms.SlugField(label=gettext_lazy("Name"), max_length=40)
    language = forms.ChoiceField(label=gettext_lazy("Language"), choices=TemplateLanguage.choices)
    audience = forms.ChoiceField(label=gettext_lazy("For"), choices=TemplateAudience.choices)
    purpose = forms.ChoiceField(label=gettext_lazy("Purpose"), choices=PURPOSE_CHOICES)
    body = forms.CharField(
        label=gettext_lazy("Words"),
        max_length=MAX_BODY_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy(
            "Blanks you may use: {amount_due} the amount due now, {days_past_due} the days "
            "overdue, {loan} the loan's number."
        ),
    )


@require_http_methods(["GET", "HEAD", "POST"])
@staff_required(*LIBRARY_READERS)
def library(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)
    may_write = user.has_role(Role.COMPLIANCE, Role.ADMIN)
    form = TemplateForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if not may_write:
            return HttpResponse(status=403)
        if form.is_valid():
            try:
                written = write_template(author=user, **form.cleaned_data)
            except ServiceError as refusal:
                messages.error(request, _words(refusal))
                status = 422
            else:
                if written.findings:
                    messages.warning(request, _("Saved, but the checker found problems: %(f)s.")
                                     % {"f": ", ".join(written.findings)})  # fmt: skip
                else:
                    messages.success(request, _("Saved. Another officer must now approve it."))
                return redirect("staff:templates")
        else:
            status = 422
    pack = configured_pack().name
    in_use = {t.pk for t in selectors.templates_in_use(pack=pack)}
    context: dict[str, Any] = {
        "pack": pack,
        "templates": list(selectors.all_templates(pack=pack)),
        "in_use": in_use,
        "form": form if may_write else None,
        "may_approve": user.has_role(Role.COMPLIANCE),
    }
    return render(request, "staff/message_templates/library.html", context, status=status)


@require_POST
@staff_required(Role.COMPLIANCE)
def approve(request: HttpRequest, reference: UUID) -> HttpResponse:
    template = selectors.template_by_reference(reference)
    if template is None:
        raise Http404("no such template")
    try:
        approve_template(template=template, approver=cast(User, request.user))
    except ServiceError as refusal:
        messages.error(request, _words(refusal))
        return redirect("staff:templates")
    messages.success(request, _("Approved: collectors can use this version now."))
    return redirect("staff:templates")


def _words(refusal: ServiceError) -> str:
    words = REFUSALS.get(refusal.code)
    return str(words) if words else _("This could not be done. Nothing was changed.")
