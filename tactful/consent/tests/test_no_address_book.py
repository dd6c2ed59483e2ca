"""Tactful has no way to import an address book: no model, no route, no API operation."""

import re

from django.apps import apps
from django.urls import get_resolver

FORBIDDEN = re.compile(r"address.?book|contacts?.?list|phonebook|通讯录|import.?contacts", re.I)


def _routes(resolver, prefix=""):
    for pattern in resolver.url_patterns:
        text = prefix + str(pattern.pattern)
        yield text
        yield str(getattr(pattern, "name", "") or "")
        if hasattr(pattern, "url_patterns"):
            yield from _routes(pattern, text)


def test_no_model_holds_an_address_book():
    names = [f"{model._meta.label} {model._meta.verbose_name}" for model in apps.get_models()]
    assert not [name for name in names if FORBIDDEN.search(name)]


def test_no_route_or_api_operation_imports_one():
    from tactful.api.root import api

    routes = list(_routes(get_resolver()))
    schema = str(api.get_openapi_schema())
    assert not [route for route in routes if FORBIDDEN.search(route)]
    assert not FORBIDDEN.search(schema)
