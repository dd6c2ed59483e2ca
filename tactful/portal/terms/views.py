"""What I agreed to (/portal/terms/): the rules and the borrower's consents, in plain words."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.views.decorators.http import require_safe

from tactful.borrowers.models import Borrower
from tactful.consent import selectors
from tactful.consent.terms import terms_for
from tactful.contacts.vocabulary import PACK_PLACES
from tactful.portal.terms.wording import summary
from tactful.web.access import borrower_required


def _context(borrower: Borrower) -> dict[str, object]:
    now = timezone.now()
    terms = terms_for(borrower, now=now)
    language = (translation.get_language() or "zh-hans").lower()
    zone = terms.zone or "UTC"
    consents = [
        {
            "title": selectors.notice_text(state.latest.notice, language).title,
            "given": timezone.localtime(state.latest.recorded_at),
            "zone": zone,
        }
        for state in terms.consents
    ]
    return {
        "terms": terms,
        "sections": summary(terms),
        "consents": consents,
        "place": PACK_PLACES.get(terms.pack, terms.pack),
    }


@require_safe
@borrower_required
def terms(request: HttpRequest, borrower: Borrower) -> HttpResponse:
    return render(request, "portal/terms/terms.html", _context(borrower))


@require_safe
@borrower_required
def terms_text(request: HttpRequest, borrower: Borrower) -> HttpResponse:
    """The same summary as a plain-text file to keep (UTF-8, readable anywhere)."""
    body = render_to_string("portal/terms/terms.txt", _context(borrower), request=request)
    response = HttpResponse(body, content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="what-i-agreed-to.txt"'
    return response
