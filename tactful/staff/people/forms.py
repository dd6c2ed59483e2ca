"""The forms of the staff page: a new member of staff, new roles, closing an account."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from django import forms
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.utils.translation import gettext_lazy as _

from tactful.accounts.roles import Role
from tactful.accounts.services import MAX_REASON_LENGTH

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

ROLE_LABELS: Mapping[Role, StrOrPromise] = {
    Role.COLLECTOR: _("Collector"),
    Role.SUPERVISOR: _("Supervisor"),
    Role.COMPLIANCE: _("Compliance officer"),
    Role.ADMIN: _("Administrator"),
}
ROLE_CHOICES = [(role.value, ROLE_LABELS[role]) for role in Role]
USERNAME_MAX_LENGTH = 150


def _roles_field(help_text: StrOrPromise) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=_("Roles"),
        choices=ROLE_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        help_text=help_text,
    )


def _reason_field(label: StrOrPromise) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=MAX_REASON_LENGTH,
        help_text=_("Kept in the audit trail with your name."),
    )


class NewStaffForm(forms.Form):
    username = forms.CharField(
        label=_("Username"),
        max_length=USERNAME_MAX_LENGTH,
        validators=[UnicodeUsernameValidator()],
        help_text=_("Letters, digits and @ . + - _ only."),
    )
    password = forms.CharField(
        label=_("First password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_(
            "Give it to them in person. At their first sign-in they set up an "
            "authenticator app and replace this password with their own, before they "
            "can open any page."
        ),
    )
    roles = _roles_field(_("What they may do. A role can be changed later, with a reason."))


class RolesForm(forms.Form):
    roles = _roles_field(_("The roles they will have: tick every one they keep."))
    reason = _reason_field(_("Why do the roles change?"))


class DeactivateForm(forms.Form):
    reason = _reason_field(_("Why is the account closed?"))
