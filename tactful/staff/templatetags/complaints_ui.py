"""Template filters of the complaint desk: the gate's reason categories and findings in words."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django import template
from django.utils.functional import Promise

from tactful.callqa.wording import category_name
from tactful.contacts.vocabulary import CATEGORY_LABELS

register = template.Library()


@register.filter
def gate_categories(names: Iterable[str]) -> str:
    """Name the gate's reason categories in the reader's language, joined by commas."""
    return ", ".join(str(CATEGORY_LABELS.get(name, name)) for name in names)  # type: ignore[call-overload]


@register.filter
def finding_category(name: str) -> str | Promise:
    return category_name(name)


@register.filter
def get_item(mapping: Mapping[str, str], key: str) -> str | None:
    return mapping.get(key)
