"""Rights and help: how to check a message, stop contact, complain here and to the regulator."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from tactful.contacts.vocabulary import PACK_PLACES
from tactful.public.help.resources import resources_for


@require_safe
def rights_and_help(request: HttpRequest) -> HttpResponse:
    context = {
        "resources": resources_for(settings.GATE_PACK),
        "jurisdiction": PACK_PLACES.get(settings.GATE_PACK, ""),
        "site_url": settings.SITE_URL.rstrip("/"),
    }
    return render(request, "public/help/help.html", context)
