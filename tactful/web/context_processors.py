"""Template context shared by every page: the navigation for the visitor's role."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from tactful.accounts.roles import Role


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url: str


def navigation(request: HttpRequest) -> dict[str, object]:
    return {"nav_items": _items_for(request), "demo_mode": settings.DEMO_MODE}


def _items_for(request: HttpRequest) -> list[NavItem]:
    items = [NavItem(_("Home"), reverse("web:home"))]
    if getattr(request, "borrower", None) is not None:
        items.append(NavItem(_("My loans"), reverse("portal:home")))
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        items.append(NavItem(_("Staff"), reverse("web:staff-home")))
        if user.is_superuser or user.has_role(Role.ADMIN):
            items.append(NavItem(_("Administration"), reverse("admin:index")))
    if settings.DEMO_MODE:
        items.append(NavItem(_("Demo outbox"), reverse("web:demo-outbox")))
    return items
