"""Small presentation helpers for every template: the page language, money, masked numbers."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils.translation import get_language

from tactful import money

register = template.Library()

# BCP 47 tags for <html lang>: browsers pick Chinese fonts and screen-reader voices by script.
_HTML_LANG = {"zh-hans": "zh-Hans", "zh-hant": "zh-Hant", "en": "en"}

_CURRENCY_SIGNS = {
    "CNY": "¥",
    "HKD": "HK$",
    "TWD": "NT$",
    "USD": "US$",
    "EUR": "€",
    "GBP": "£",
    "JPY": "JP¥",
    "INR": "₹",
    "PHP": "₱",
    "KES": "KSh ",
    "IDR": "Rp ",
}


@register.simple_tag
def html_lang() -> str:
    """Return the BCP 47 tag of the active language."""
    return bcp47(get_language() or "zh-hans")


@register.filter
def bcp47(language_code: str) -> str:
    """Turn a Django language code (zh-hans) into the tag HTML expects (zh-Hans)."""
    return _HTML_LANG.get(language_code.lower(), language_code)


@register.filter
def amount(value: Decimal | None, currency: str) -> str:
    """Format `value` with its currency sign and the currency's decimals: ¥1,234.50."""
    if value is None:
        return ""
    try:
        places = money.minor_units(currency)
    except money.UnknownCurrency:
        places = 2
    sign = "-" if value < 0 else ""
    symbol = _CURRENCY_SIGNS.get(currency, f"{currency} ")
    return f"{sign}{symbol}{abs(value):,.{places}f}"
