"""Consent notices for compliance officers: every purpose's current words, and a new version.

A new version is published whole, in three languages; the words people already agreed to
stay as they were (docs/privacy.md).
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from tactful.accounts.models import User
from tactful.consent import selectors, services
from tactful.consent.models import ConsentPurpose, NoticeVersion
from tactful.errors import Conflict, InvalidInput
from tactful.staff.notices.forms import LANGUAGE_NAMES, NoticeForm
from tactful.web.access import staff_required


@require_safe
@staff_required(*services.PUBLISHERS)
def notices(request: HttpRequest) -> HttpResponse:
    current = {notice.purpose: notice for notice in selectors.current_notices()}
    rows = [
        {"purpose": purpose, "notice": current.get(purpose.value)} for purpose in ConsentPurpose
    ]
    return render(request, "staff/notices/list.html", {"rows": rows})


@require_http_methods(["GET", "POST"])
@staff_required(*services.PUBLISHERS)
def notice(request: HttpRequest, purpose: str) -> HttpResponse:
    if purpose not in ConsentPurpose.values:
        raise Http404("no such consent purpose")
    published_now = selectors.published_notice(purpose)
    current = published_now[0] if published_now else None
    form = NoticeForm(request.POST or None, initial=_initial(current))
    if request.method == "POST" and form.is_valid():
        user = request.user
        assert isinstance(user, User)
        try:
            published = services.publish_notice(purpose=purpose, texts=form.texts(), actor=user)
        except Conflict:
            form.add_error(
                None, _("These are the words of the current version: nothing to publish.")
            )
        except InvalidInput as error:
            for field, problem in error.fields.items():
                form.add_error(None, f"{field}: {problem}")
        else:
            messages.success(
                request, _("Version %(version)d is published.") % {"version": published.version}
            )
            return redirect("staff:notices")
    context = {
        "purpose": ConsentPurpose(purpose),
        "current": current,
        "form": form,
        "languages": list(LANGUAGE_NAMES),
    }
    return render(request, "staff/notices/notice.html", context, status=422 if form.errors else 200)


def _initial(current: NoticeVersion | None) -> dict[str, str]:
    if current is None:
        return {}
    initial: dict[str, str] = {}
    for row in current.translations.all():
        initial[f"title_{row.language}"] = row.title
        initial[f"text_{row.language}"] = row.text
    return initial
