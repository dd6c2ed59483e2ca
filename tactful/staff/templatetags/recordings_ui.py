"""Template filters of the call recording pages."""

from __future__ import annotations

from django import template
from django.utils.functional import Promise

from tactful.callqa.wording import category_name, signal_name
from tactful.privacy.masking import mask_phone

register = template.Library()


@register.filter
def clock(seconds: float | None) -> str:
    """Show seconds from the start of a call as m:ss."""
    if seconds is None:
        return "–"
    whole = int(seconds)
    return f"{whole // 60}:{whole % 60:02d}"


@register.filter
def category(value: str) -> str | Promise:
    return category_name(value)


@register.filter
def signal(value: str) -> str | Promise:
    return signal_name(value)


@register.filter
def masked_name(name: str) -> str:
    """Show the first character of a name only: 王**."""
    return f"{name[:1]}**" if name else ""


@register.filter
def masked_phone(e164: str | None) -> str:
    return mask_phone(e164) if e164 else "–"
