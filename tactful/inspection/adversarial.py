"""Text written to slip past the checker: hidden direction marks, look-alike letters, reversal.

A message whose shown order is not its stored order (bidi overrides, embeddings, isolates)
or whose words mix Latin letters with Cyrillic or Greek look-alikes cannot be read the way
its recipient reads it: the checker reports it as `unreadable` instead of checking it, and
the gate denies it. Words spelled wholly in look-alikes ("уоu", Cyrillic) are folded to the
Latin they imitate (Unicode's confusables, TR39) and checked. Chinese written backwards is
checked backwards too.
"""

from __future__ import annotations

import re
from functools import cache

from confusable_homoglyphs import confusables

# Controls that change the order text is shown in. LRM/RLM only mark a direction and are
# removed with the other zero-width characters (normalise.py).
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u061c")
_LOOK_ALIKE_SCRIPTS = re.compile(r"[\u0370-\u03ff\u0400-\u052f\u1d00-\u1d7f]")
_LATIN = re.compile(r"[A-Za-z]")
_WORD = re.compile(r"\w+")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")


def unreadable(text: str) -> bool:
    """Whether `text` hides its order or mixes look-alike letters into Latin words."""
    if any(character in BIDI_CONTROLS for character in text):
        return True
    if not _LOOK_ALIKE_SCRIPTS.search(text):
        return False
    return any(
        _LATIN.search(word) and _LOOK_ALIKE_SCRIPTS.search(word) for word in _WORD.findall(text)
    )


def latin_skeleton(text: str) -> str:
    """Fold Cyrillic and Greek letters that imitate Latin ones to those Latin letters."""
    if not _LOOK_ALIKE_SCRIPTS.search(text):
        return text
    return "".join(_latin_of(character) for character in text)


def has_han(text: str) -> bool:
    return bool(_HAN.search(text))


_NOT_CHINESE = re.compile(r"[^\u3400-\u4dbf\u4e00-\u9fff\u3000-\u303f\uff01-\uff0f\uff1a-\uff1f]+")


def chinese_only(text: str) -> str:
    """The Chinese characters and punctuation of `text`, each other run replaced by a space."""
    return _NOT_CHINESE.sub(" ", text)


@cache
def _latin_of(character: str) -> str:
    if not _LOOK_ALIKE_SCRIPTS.match(character):
        return character
    found = confusables.is_confusable(character, preferred_aliases=["latin"], greedy=True)
    for entry in found or ():
        for glyph in entry["homoglyphs"]:
            if len(glyph["c"]) == 1 and glyph["c"].isascii() and glyph["c"].isalpha():
                return str(glyph["c"])
    return character
