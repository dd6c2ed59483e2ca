"""The blanks a template may have, and how a template is filled in.

A template names its blanks in braces: ``{amount_due}``. Only the fields below exist, and a
template for an emergency contact has none: nothing about the debt may reach them.
``{help_link}`` is the address of the portal's help to repay (installments, a hardship
pause, a promise), so a collector can send the way to help rather than pressure.
"""

from __future__ import annotations

from collections.abc import Mapping
from string import Formatter

from tactful.errors import InvalidInput

FIELDS = ("amount_due", "days_past_due", "loan", "help_link")
# The values a template is checked with before anyone may approve it.
SAMPLE_VALUES: Mapping[str, str] = {
    "amount_due": "1,234.00 CNY",
    "days_past_due": "12",
    "loan": "LOAN-0001",
    "help_link": "https://lender.example/portal/help/",
}


def blanks_of(body: str) -> list[str]:
    """Return the field names `body` uses; raise InvalidInput for a malformed or unknown one."""
    try:
        parsed = list(Formatter().parse(body))
    except ValueError as error:
        problem = {"body": f"unbalanced braces: {error}"}
        raise InvalidInput(problem, code="template_malformed") from error
    names = [name for _text, name, _spec, _conv in parsed if name is not None]
    for _text, name, spec, conversion in parsed:
        if name is not None and (spec or conversion):
            raise InvalidInput({"body": f"{{{name}}} takes no format"}, code="template_malformed")
    unknown = sorted({name for name in names if name not in FIELDS})
    if unknown:
        raise InvalidInput(
            {"body": f"unknown fields: {', '.join(unknown)}; known: {', '.join(FIELDS)}"},
            code="template_unknown_field",
        )
    return names


def fill(body: str, values: Mapping[str, str]) -> str:
    """Return `body` with each blank replaced by its value."""
    blanks_of(body)
    return body.format_map({name: values[name] for name in FIELDS if name in values})
