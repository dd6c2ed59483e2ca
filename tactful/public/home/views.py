"""Public pages: the home page, and the demo's outbox and payment page."""

from __future__ import annotations

from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from tactful.messaging.selectors import recent_outbox_messages
from tactful.repayment.services import checkout


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "public/home/home.html")


@require_safe
def demo_outbox(request: HttpRequest) -> HttpResponse:
    """Show what the fake SMS gateway 'sent', so a demo visitor can read their code."""
    if not settings.DEMO_MODE:
        raise Http404("the outbox exists only in demo mode")
    template = "public/home/_outbox_messages.html" if request.headers.get("HX-Request") else None
    context = {"messages_sent": recent_outbox_messages()}
    return render(request, template or "public/home/demo_outbox.html", context)


@require_http_methods(["GET", "POST"])
def demo_checkout(request: HttpRequest, reference: UUID) -> HttpResponse:
    """The demo processor's pay page: one button settles the payment, as a bank would."""
    if not settings.DEMO_MODE:
        raise Http404("the demo checkout exists only in demo mode")
    row = checkout.payment_request(reference)
    if row is None:
        raise Http404("no such payment request")
    if request.method == "POST":
        checkout.settle_payment(reference=reference, actor="demo_checkout")
        messages.success(request, _("Payment received. Thank you."))
        return redirect("portal:loan", reference=row.loan.reference)
    context = {"row": row, "settled": checkout.is_settled(row)}
    return render(request, "public/home/demo_checkout.html", context)
