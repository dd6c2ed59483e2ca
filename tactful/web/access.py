"""Who may open a page: staff with a verified second factor and a role, or a signed-in borrower."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Concatenate, ParamSpec

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django_otp import user_has_device

from tactful.accounts.models import User
from tactful.accounts.roles import STAFF_ROLES, Role
from tactful.borrowers.models import Borrower

P = ParamSpec("P")
StaffView = Callable[Concatenate[HttpRequest, P], HttpResponse]
PlainView = Callable[Concatenate[HttpRequest, P], HttpResponse]
BorrowerView = Callable[Concatenate[HttpRequest, Borrower, P], HttpResponse]


def staff_required(
    *roles: Role, before_password_change: bool = False
) -> Callable[[StaffView[P]], StaffView[P]]:
    """Let through staff who passed both factors and hold one of `roles` (any staff role if none).

    Visitors who are not signed in (borrowers included) go to the staff sign-in; staff who
    signed in with a password only go to enrol or to sign in again with their code; a
    verified member of staff without the role gets 403. Staff whose password an
    administrator chose go to change it first, unless the page is `before_password_change`.
    """
    allowed = roles or STAFF_ROLES

    def decorator(view: StaffView[P]) -> StaffView[P]:
        @wraps(view)
        def guarded(request: HttpRequest, /, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
            refusal = _refusal(request, allowed)
            if refusal is not None:
                return refusal
            if _password_to_change(request) and not before_password_change:
                return redirect("staff:password")
            return view(request, *args, **kwargs)

        return guarded

    return decorator


def _refusal(request: HttpRequest, allowed: tuple[Role, ...]) -> HttpResponse | None:
    user = request.user
    if not isinstance(user, User):
        return redirect_to_login(request.get_full_path(), reverse("staff:login"))
    if not is_verified(request):
        return _second_factor_missing(request, user)
    if not user.has_role(*allowed):
        raise PermissionDenied("this page needs another staff role")
    return None


def _password_to_change(request: HttpRequest) -> bool:
    user = request.user
    return isinstance(user, User) and user.must_change_password


def is_verified(request: HttpRequest) -> bool:
    """Tell whether the signed-in user also passed the second factor in this session."""
    check = getattr(request.user, "is_verified", None)
    return bool(check and check())


def _second_factor_missing(request: HttpRequest, user: User) -> HttpResponse:
    if user_has_device(user, confirmed=True):
        return redirect_to_login(request.get_full_path(), reverse("staff:login"))
    return redirect("staff:otp-setup")


def borrower_required(view: BorrowerView[P]) -> PlainView[P]:
    """Call `view` with the signed-in borrower; send anyone else to the portal's sign-in."""

    @wraps(view)
    def guarded(request: HttpRequest, /, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
        borrower = getattr(request, "borrower", None)
        if not isinstance(borrower, Borrower):
            return redirect("portal:sign-in")
        return view(request, borrower, *args, **kwargs)

    return guarded
