"""Template filters of the help-to-repay pages."""

from __future__ import annotations

from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def percent(rate: Decimal | None) -> str:
    """Write a rate given as a fraction as a percentage with two decimals: 0.1800 -> 18.00%."""
    if rate is None:
        return ""
    return f"{rate * 100:.2f}%"
