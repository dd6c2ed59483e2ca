"""Public pages: the home page and the demo's outbox."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from tactful.messaging.selectors import recent_outbox_messages


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
