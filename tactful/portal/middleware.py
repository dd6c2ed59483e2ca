"""Attach the signed-in borrower (or None) to each request."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from tactful.borrowers.models import Borrower

SESSION_KEY = "tactful_borrower_id"


class BorrowerSessionMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        borrower_id = request.session.get(SESSION_KEY)
        request.borrower = (  # type: ignore[attr-defined]
            Borrower.objects.filter(pk=borrower_id).first() if borrower_id else None
        )
        return self.get_response(request)
