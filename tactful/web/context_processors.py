"""Template context shared by every page: the navigation for the visitor's role."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django_otp import user_has_device

from tactful.accounts.models import User
from tactful.accounts.roles import Role
from tactful.web.access import is_verified


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url: str


def navigation(request: HttpRequest) -> dict[str, object]:
    return {
        "nav_items": _items_for(request),
        "demo_mode": settings.DEMO_MODE,
        "signed_in_borrower": getattr(request, "borrower", None) is not None,
        "signed_in_staff": isinstance(getattr(request, "user", None), User),
    }


def _items_for(request: HttpRequest) -> list[NavItem]:
    items = [NavItem(_("Home"), reverse("public:home"))]
    if getattr(request, "borrower", None) is not None:
        items.append(NavItem(_("My loans"), reverse("portal:home")))
        items.append(NavItem(_("Help to repay"), reverse("portal:help")))
        items.append(NavItem(_("My complaints"), reverse("portal:complaints")))
        items.append(NavItem(_("My consents"), reverse("portal:privacy")))
        items.append(NavItem(_("Contacts about me"), reverse("portal:contact-record")))
        items.append(NavItem(_("My data"), reverse("portal:rights")))
    user = getattr(request, "user", None)
    if isinstance(user, User):
        items.extend(_staff_items(request, user))
    if settings.DEMO_MODE:
        items.append(NavItem(_("Demo outbox"), reverse("public:demo-outbox")))
    return items


def _staff_items(request: HttpRequest, user: User) -> list[NavItem]:
    if not is_verified(request):
        next_step = "staff:login" if user_has_device(user) else "staff:otp-setup"
        return [NavItem(_("Finish signing in"), reverse(next_step))]
    items = [NavItem(_("Staff home"), reverse("staff:home"))]
    if user.has_role(Role.ADMIN):
        items.append(NavItem(_("Staff and roles"), reverse("staff:people")))
        items.append(NavItem(_("API keys"), reverse("staff:api-keys")))
        items.append(NavItem(_("Administration"), reverse("admin:index")))
    return items
