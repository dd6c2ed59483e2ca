"""Staff accounts and their roles, for administrators: everyone, a new member, one account.

Every change goes through `accounts.services`, which audits it with the reason typed
here. A new member of staff gets a first password and no authenticator: the sign-in
sends them to set one up before any page opens (`staff:otp-setup`). An administrator
cannot take the administrator's role from themselves nor close their own account, so
someone always remains who can give access back.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tactful.accounts.models import User
from tactful.accounts.roles import Role
from tactful.accounts.selectors import (
    StaffRow,
    access_changes,
    actor_names,
    staff_overview,
    staff_row,
)
from tactful.accounts.services import (
    MAX_REASON_LENGTH,
    change_roles,
    create_staff_user,
    deactivate_staff,
)
from tactful.errors import Conflict, InvalidInput
from tactful.staff.people.forms import (
    ROLE_LABELS,
    DeactivateForm,
    NewStaffForm,
    RolesForm,
)
from tactful.web.access import staff_required

_REFUSALS: dict[str, str | Promise] = {
    "cannot_demote_self": gettext_lazy(
        "You cannot take the administrator role from yourself. Ask another administrator."
    ),
    "cannot_deactivate_self": gettext_lazy(
        "You cannot close your own account. Ask another administrator."
    ),
    "account_closed": gettext_lazy(
        "This account is closed. It cannot be opened again; make a new account if needed."
    ),
}
_ACTIONS: dict[str, str | Promise] = {
    "staff.created": gettext_lazy("Account made"),
    "staff.roles_changed": gettext_lazy("Roles changed"),
    "staff.closed": gettext_lazy("Account closed"),
    "staff.totp_enrolled": gettext_lazy("Authenticator app set up"),
}
StaffForm = NewStaffForm | RolesForm | DeactivateForm
# Both forms of a person's page have a reason: their fields need ids of their own.
ROLES_IDS = "roles_%s"
CLOSE_IDS = "close_%s"


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


@require_http_methods(["GET", "POST"])
@staff_required(Role.ADMIN)
def people(request: HttpRequest) -> HttpResponse:
    """List everyone with a staff account; on POST make a new account."""
    if request.method != "POST":
        return _list_page(request, NewStaffForm())
    form = NewStaffForm(request.POST)
    created = _create(form, _user(request))
    if created is None:
        return _list_page(request, form, status=422)
    messages.success(
        request,
        _("The account is made. At the first sign-in its owner sets up an authenticator app."),
    )
    return redirect("staff:person", pk=created.pk)


def _create(form: NewStaffForm, admin: User) -> User | None:
    if not form.is_valid():
        return None
    try:
        return create_staff_user(
            username=form.cleaned_data["username"],
            password=form.cleaned_data["password"],
            roles=form.cleaned_data["roles"],
            must_change_password=True,
            actor=admin.audit_actor,
        )
    except InvalidInput as refusal:
        _show_problems(form, refusal)
    except Conflict:
        form.add_error("username", _("Someone already has this username."))
    return None


def _list_page(request: HttpRequest, form: NewStaffForm, *, status: int = 200) -> HttpResponse:
    rows = [_with_labels(row) for row in staff_overview()]
    context = {"rows": rows, "form": form, "zone": _user(request).zone}
    return render(request, "staff/people/list.html", context, status=status)


@require_GET
@staff_required(Role.ADMIN)
def person(request: HttpRequest, pk: int) -> HttpResponse:
    row = _row(pk)
    return _person_page(request, row)


@require_POST
@staff_required(Role.ADMIN)
def person_roles(request: HttpRequest, pk: int) -> HttpResponse:
    """Give the account the roles ticked, for the reason typed."""
    row = _row(pk)
    form = RolesForm(request.POST, auto_id=ROLES_IDS)
    if not form.is_valid():
        return _person_page(request, row, roles_form=form, status=422)
    try:
        change_roles(
            user=row.user,
            roles=form.cleaned_data["roles"],
            actor=_user(request).audit_actor,
            reason=form.cleaned_data["reason"],
        )
    except InvalidInput as refusal:
        _show_problems(form, refusal)
        return _person_page(request, row, roles_form=form, status=422)
    except Conflict as refusal:
        return _person_page(request, row, roles_form=form, refusal=refusal, status=409)
    messages.success(request, _("The roles are changed."))
    return redirect("staff:person", pk=pk)


@require_POST
@staff_required(Role.ADMIN)
def person_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    """Close the account for the reason typed: no sign-in with it from now on."""
    row = _row(pk)
    form = DeactivateForm(request.POST, auto_id=CLOSE_IDS)
    if not form.is_valid():
        return _person_page(request, row, deactivate_form=form, status=422)
    try:
        deactivate_staff(
            user=row.user, actor=_user(request).audit_actor, reason=form.cleaned_data["reason"]
        )
    except InvalidInput as refusal:
        _show_problems(form, refusal)
        return _person_page(request, row, deactivate_form=form, status=422)
    except Conflict as refusal:
        return _person_page(request, row, deactivate_form=form, refusal=refusal, status=409)
    messages.success(request, _("The account is closed. No one can sign in with it any more."))
    return redirect("staff:person", pk=pk)


def _row(pk: int) -> StaffRow:
    found = staff_row(pk)
    if found is None:
        raise Http404("no member of staff has this id")
    return found


def _person_page(
    request: HttpRequest,
    row: StaffRow,
    *,
    roles_form: RolesForm | None = None,
    deactivate_form: DeactivateForm | None = None,
    refusal: Conflict | None = None,
    status: int = 200,
) -> HttpResponse:
    current = {"roles": [role.value for role in row.roles]}
    context = {
        "row": _with_labels(row),
        "roles_form": roles_form or RolesForm(initial=current, auto_id=ROLES_IDS),
        "deactivate_form": deactivate_form or DeactivateForm(auto_id=CLOSE_IDS),
        "changes": _changes(row.user),
        "refusal": _refusal_text(refusal) if refusal else None,
        "is_self": row.user.pk == _user(request).pk,
        "zone": _user(request).zone,
    }
    return render(request, "staff/people/person.html", context, status=status)


def _with_labels(row: StaffRow) -> dict[str, object]:
    return {"staff": row, "role_labels": [ROLE_LABELS[role] for role in row.roles]}


def _changes(user: User) -> list[dict[str, object]]:
    events = access_changes(user)
    names = actor_names(event.actor for event in events)
    return [
        {
            "at": event.occurred_at,
            "what": _ACTIONS.get(event.action, event.action),
            "who": names.get(event.actor, event.actor),
            "roles": _role_labels(event.payload.get("after", event.payload.get("roles", []))),
            "reason": event.payload.get("reason", ""),
        }
        for event in events
    ]


def _role_labels(names: list[str]) -> list[str | Promise]:
    return [ROLE_LABELS[role] for role in Role if role.value in names]


def _refusal_text(refusal: Conflict) -> str | Promise:
    return _REFUSALS.get(refusal.code, _("This change cannot be made."))


def _show_problems(form: StaffForm, refusal: InvalidInput) -> None:
    """Show what the service refused (what the form could not check) on its field."""
    for field, problem in refusal.fields.items():
        text = _problem(field, problem, refusal.code)
        form.add_error(field if field in form.fields else None, text)


def _problem(field: str, problem: str, code: str) -> str:
    if field == "password":
        # Django's password validators speak the reader's language already.
        return problem
    if code == "roles_unchanged":
        return _("These are the roles the account has now: change at least one.")
    if field == "reason":
        text = _("Write the reason on one line, in at most %(count)d characters.")
        return text % {"count": MAX_REASON_LENGTH}
    if field == "roles":
        return _("Tick one or more of the roles listed.")
    if field == "username":
        return _("Use letters, digits and @ . + - _ only, at most 150 of them.")
    return _("This could not be stored. Check what you typed and try again.")
