"""Pages only a signed-in borrower may open."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Concatenate, ParamSpec

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from tactful.borrowers.models import Borrower

P = ParamSpec("P")
BorrowerView = Callable[Concatenate[HttpRequest, Borrower, P], HttpResponse]
PlainView = Callable[Concatenate[HttpRequest, P], HttpResponse]


def borrower_required(view: BorrowerView[P]) -> PlainView[P]:
    """Call `view` with the signed-in borrower; send anyone else to the portal's sign-in."""

    @wraps(view)
    def guarded(request: HttpRequest, /, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
        borrower = getattr(request, "borrower", None)
        if not isinstance(borrower, Borrower):
            return redirect("portal:sign-in")
        return view(request, borrower, *args, **kwargs)

    return guarded
