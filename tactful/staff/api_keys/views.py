"""The API keys of integrators, for administrators: every key, a new key, revoking one.

A new key's full text is on the page that answers its creation and nowhere else:
Tactful keeps only a digest of it, so no page, message or log can show it again, and
the browser is told not to keep the page. Revoking takes a typed reason, which the audit
trail keeps with the administrator's name.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tactful.accounts.keys import (
    NAME_MAX_LENGTH,
    IssuedKey,
    all_keys,
    issue_key,
    key_by_prefix,
    key_changes,
    revoke_key,
)
from tactful.accounts.models import ApiKey, User
from tactful.accounts.roles import Role
from tactful.accounts.selectors import actor_names
from tactful.accounts.services import MAX_REASON_LENGTH
from tactful.errors import Conflict, InvalidInput
from tactful.staff.api_keys.forms import NewKeyForm, RevokeForm
from tactful.web.access import staff_required

_ACTIONS: dict[str, str | Promise] = {
    "api_key.issued": gettext_lazy("Made"),
    "api_key.revoked": gettext_lazy("Revoked"),
}


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


@never_cache
@require_http_methods(["GET", "POST"])
@staff_required(Role.ADMIN)
def api_keys(request: HttpRequest) -> HttpResponse:
    """List the keys; on POST make one and show its full text, this once."""
    if request.method != "POST":
        return _list_page(request, NewKeyForm())
    form = NewKeyForm(request.POST)
    issued = _issue(form, _user(request))
    if issued is None:
        return _list_page(request, form, status=422)
    return render(request, "staff/api_keys/issued.html", {"issued": issued})


def _issue(form: NewKeyForm, user: User) -> IssuedKey | None:
    if not form.is_valid():
        return None
    try:
        return issue_key(
            name=form.cleaned_data["name"],
            scopes=form.cleaned_data["scopes"],
            actor=user.audit_actor,
        )
    except InvalidInput as refusal:
        _show_problems(form, refusal)
        return None


def _list_page(request: HttpRequest, form: NewKeyForm, *, status: int = 200) -> HttpResponse:
    context = {"keys": list(all_keys()), "form": form, "zone": _user(request).zone}
    return render(request, "staff/api_keys/list.html", context, status=status)


@require_GET
@staff_required(Role.ADMIN)
def api_key(request: HttpRequest, prefix: str) -> HttpResponse:
    return _key_page(request, _key(prefix), RevokeForm())


@require_POST
@staff_required(Role.ADMIN)
def revoke(request: HttpRequest, prefix: str) -> HttpResponse:
    """Revoke the key for the reason typed; a key already revoked stays as it was."""
    found = _key(prefix)
    form = RevokeForm(request.POST)
    if not form.is_valid():
        return _key_page(request, found, form, status=422)
    try:
        revoke_key(
            prefix=prefix, actor=_user(request).audit_actor, reason=form.cleaned_data["reason"]
        )
    except InvalidInput as refusal:
        _show_problems(form, refusal)
        return _key_page(request, found, form, status=422)
    except Conflict:
        refusal_text = _("This key is already revoked. A revoked key cannot be used again.")
        return _key_page(request, found, form, refusal=refusal_text, status=409)
    messages.success(request, _("The key is revoked: the API refuses it from now on."))
    return redirect("staff:api-key", prefix=prefix)


def _key(prefix: str) -> ApiKey:
    found = key_by_prefix(prefix)
    if found is None:
        raise Http404("no API key has this prefix")
    return found


def _key_page(
    request: HttpRequest,
    found: ApiKey,
    form: RevokeForm,
    *,
    refusal: str | None = None,
    status: int = 200,
) -> HttpResponse:
    events = key_changes(found)
    names = actor_names(event.actor for event in events)
    changes = [
        {
            "at": event.occurred_at,
            "what": _ACTIONS.get(event.action, event.action),
            "who": names.get(event.actor, event.actor),
            "reason": event.payload.get("reason", ""),
        }
        for event in events
    ]
    context = {
        "key": found,
        "form": form,
        "changes": changes,
        "refusal": refusal,
        "zone": _user(request).zone,
    }
    return render(request, "staff/api_keys/key.html", context, status=status)


def _show_problems(form: NewKeyForm | RevokeForm, refusal: InvalidInput) -> None:
    """Show what the service refused (what the form could not check) on its field."""
    for field in refusal.fields:
        form.add_error(field if field in form.fields else None, _problem(field))


def _problem(field: str) -> str:
    if field == "name":
        text = _("Write the name on one line, in at most %(count)d characters.")
        return text % {"count": NAME_MAX_LENGTH}
    if field == "reason":
        text = _("Write the reason on one line, in at most %(count)d characters.")
        return text % {"count": MAX_REASON_LENGTH}
    if field == "scopes":
        return _("Choose one or more of the scopes listed.")
    return _("This could not be stored. Check what you typed and try again.")
