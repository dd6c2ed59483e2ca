"""The one rule for text that people and systems send in: no control characters.

A control character (``\\x00`` to ``\\x1f``, ``\\x7f`` to ``\\x9f``) or a lone surrogate
cannot be stored safely everywhere (PostgreSQL refuses NUL outright; SQLite keeps it)
and cannot be shown to anyone; an escape sequence in a complaint could even rewrite a
terminal that prints it. Line breaks and tabs are the exception in free text (a
complaint, a note), never in a one-line value (a name, an identifier).
"""

from __future__ import annotations

import unicodedata

# Unicode categories: Cc control characters, Cs surrogates (which JSON can smuggle in).
_FORBIDDEN_CATEGORIES = frozenset({"Cc", "Cs"})
LINE_BREAKS_AND_TABS = frozenset("\n\r\t")
PROBLEM = "must not contain control characters"


def has_control_characters(text: str, *, multiline: bool = True) -> bool:
    """Return whether `text` holds a character no input may hold.

    With `multiline`, line breaks and tabs are allowed (free text); without, they too
    are refused (a value that must fit on one line).
    """
    return any(
        unicodedata.category(char) in _FORBIDDEN_CATEGORIES
        and not (multiline and char in LINE_BREAKS_AND_TABS)
        for char in text
    )


def first_bad_path(value: object, path: str = "") -> str | None:
    """Return the dotted path of the first string inside `value` that breaks the rule.

    Walks JSON-shaped data (dicts, lists, strings); keys are checked as well as values.
    Returns "" for `value` itself, None when everything is clean.
    """
    if isinstance(value, str):
        return path if has_control_characters(value) else None
    if isinstance(value, dict):
        for key, item in value.items():
            child = f"{path}.{key}" if path else str(key)
            if isinstance(key, str) and has_control_characters(key):
                return child
            found = first_bad_path(item, child)
            if found is not None:
                return found
    if isinstance(value, list | tuple):
        for index, item in enumerate(value):
            found = first_bad_path(item, f"{path}.{index}" if path else str(index))
            if found is not None:
                return found
    return None
