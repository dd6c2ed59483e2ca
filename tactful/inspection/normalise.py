"""Fold text into one comparable form, and remember where each character came from.

Writers dodge word lists: full-width letters (ｌｏａｎ), traditional characters (老賴),
characters pulled apart with spaces or symbols (老 赖, 老*赖, 公.安), zero-width characters,
spelled-out letters (i d i o t) and homophones (老癞). The detectors match the folded text;
`Normalised.span` maps a match back to offsets in the text the person actually wrote.

The steps, in order:
1. one table lookup per character: full-width → ASCII, upper → lower case, traditional →
   simplified (OpenCC's character table), and a few homophone substitutions;
2. NFKC for whatever else is a compatibility form (①, ㈱), keeping each source index;
3. deletion of zero-width characters, of separators between two Chinese characters,
   and of the separators inside spelled-out English words.
Step 1 keeps lengths, so the common text (nothing to expand or delete) needs no offset map.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import resources

HAN = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_ZERO_WIDTH = "\u00ad\u200b\u200c\u200d\u200e\u200f\u2060\ufeff"
# Symbols people put between characters to break a word apart. Clause punctuation
# (，。！？；：、 and their ASCII forms) is kept: it bounds negation and clauses.
_INSERTED = r"\s*·•・.\-_|/\\~^#@'\"`+=<>()\[\]{}…—～"
# Between two Chinese characters, or between one and a lone Latin letter or digit standing
# for a character (傻 B, 弄 4你).
_PULLED_APART = re.compile(
    f"(?<=[{HAN}])[{_INSERTED}{_ZERO_WIDTH}]+(?=[{HAN}]|[a-z0-9](?![a-z0-9]))"
    f"|(?:(?<=^[a-z0-9])|(?<=[^a-z0-9][a-z0-9]))[{_INSERTED}{_ZERO_WIDTH}]+(?=[{HAN}])"
)
_ZERO_WIDTH_RUN = re.compile(f"[{_ZERO_WIDTH}]+")
# "i d i o t", "d.e.a.d.b.e.a.t": four or more single letters with separators between.
_SPELLED_OUT = re.compile(r"(?<![a-z])(?:[a-z][\s.*_\-]+){3,}[a-z](?![a-z])")
_SPELLING_GAPS = re.compile(r"[\s.*_\-]+")


@dataclass(frozen=True, slots=True)
class Normalised:
    """The folded text, and for each of its characters the index it came from."""

    original: str
    text: str
    # None when text[i] came from original[i] for every i (the common case).
    origin: tuple[int, ...] | None = None

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Return the original offsets of the folded characters `start`..`end` (exclusive)."""
        if self.origin is None:
            return start, end
        return self.origin[start], self.origin[end - 1] + 1


def normalise(text: str) -> Normalised:
    """Return `text` folded for matching, with the map back to its own offsets."""
    folded = text.translate(_table())
    needs_nfkc = not unicodedata.is_normalized("NFKC", folded)
    if not needs_nfkc and not _has_deletions(folded):
        return Normalised(text, folded)
    characters, origin = _expanded(folded) if needs_nfkc else (list(folded), list(range(len(text))))
    for pattern in (_ZERO_WIDTH_RUN, _PULLED_APART):
        characters, origin = _without(pattern, characters, origin)
    characters, origin = _joined_spellings(characters, origin)
    return Normalised(text, "".join(characters), tuple(origin))


def _has_deletions(folded: str) -> bool:
    return bool(
        _ZERO_WIDTH_RUN.search(folded)
        or _PULLED_APART.search(folded)
        or _SPELLED_OUT.search(folded)
    )


def _expanded(folded: str) -> tuple[list[str], list[int]]:
    characters: list[str] = []
    origin: list[int] = []
    for index, character in enumerate(folded):
        compatible = unicodedata.normalize("NFKC", character).translate(_table())
        characters.extend(compatible)
        origin.extend([index] * len(compatible))
    return characters, origin


def _without(
    pattern: re.Pattern[str], characters: list[str], origin: list[int]
) -> tuple[list[str], list[int]]:
    text = "".join(characters)
    dropped = {index for match in pattern.finditer(text) for index in range(*match.span())}
    if not dropped:
        return characters, origin
    kept = [index for index in range(len(characters)) if index not in dropped]
    return [characters[index] for index in kept], [origin[index] for index in kept]


def _joined_spellings(characters: list[str], origin: list[int]) -> tuple[list[str], list[int]]:
    text = "".join(characters)
    dropped: set[int] = set()
    for word in _SPELLED_OUT.finditer(text):
        gaps = list(_SPELLING_GAPS.finditer(word.group()))
        if word.group()[0] in "ai" and len(gaps) >= 6:
            gaps = gaps[1:]  # "a d e a d b e a t": the article is a word of its own
        for gap in gaps:
            dropped.update(range(word.start() + gap.start(), word.start() + gap.end()))
    if not dropped:
        return characters, origin
    kept = [index for index in range(len(characters)) if index not in dropped]
    return [characters[index] for index in kept], [origin[index] for index in kept]


@cache
def _table() -> dict[int, str]:
    """Return the one-character folding table of step 1 (built once per process)."""
    table: dict[int, str] = {}
    table.update(_traditional_to_simplified())
    table.update(_homophones())
    for code in range(0xFF01, 0xFF5F):  # full-width ASCII forms
        table[code] = chr(code - 0xFEE0).lower()
    table[0x3000] = " "  # ideographic space
    for code in range(ord("A"), ord("Z") + 1):
        table[code] = chr(code).lower()
    return table


def _traditional_to_simplified() -> dict[int, str]:
    """Read OpenCC's traditional → simplified character table; take the first reading."""
    source = resources.files("opencc") / "dictionary" / "TSCharacters.txt"
    table: dict[int, str] = {}
    for line in source.read_text(encoding="utf-8").splitlines():
        traditional, _, simplified = line.partition("\t")
        first = simplified.split(" ")[0]
        if len(traditional) == 1 and len(first) == 1 and first != traditional:
            table[ord(traditional)] = first
    return table


def _homophones() -> dict[int, str]:
    """Read data/homophones.tsv: characters written instead of a word's own one."""
    source = resources.files("tactful.inspection") / "data" / "homophones.tsv"
    table: dict[int, str] = {}
    for line in source.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            written, canonical = line.split("\t")[:2]
            table[ord(written)] = canonical
    return table
