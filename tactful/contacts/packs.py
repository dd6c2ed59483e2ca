"""The rule packs in Django: the configured pack, any shipped pack's terms, its opening
hours, and a stored reason in the reader's language.

The pure engine (`tactful.policy`) reads and compiles packs; this module picks the pack
from the settings (GATE_PACK), tightened by the override in force: the one compliance
approved (`tactful.rulepacks`), else GATE_PACK_OVERRIDE.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, time
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone, translation

from tactful.policy import CompiledPack
from tactful.policy.next_allowed import Window
from tactful.policy.pack_digests import SHIPPED
from tactful.policy.packs import read_pack_file, reread_pack_file
from tactful.policy.schema import PackError, PackSpec, UnknownPack
from tactful.policy.types import Language
from tactful.rulepacks.selectors import gate_pack

# The pack whose terms serve records of a pack no longer shipped: the strictest.
STRICTEST_PACK = "cn"
_DAY_SECONDS = 24 * 3600


def configured_pack() -> CompiledPack:
    """Return the pack named by GATE_PACK, tightened by the approved override in force now,
    else by GATE_PACK_OVERRIDE (compiled once per override, remembered between calls)."""
    return gate_pack(timezone.now())


def pack_at(now: datetime) -> CompiledPack:
    """Return the gate's pack in force at `now` (a decision about another instant than the
    present is made under the rules in force then)."""
    return gate_pack(now)


def configured_pack_problem() -> str | None:
    """Why the configured pack, as its file now stands on disk, would not load; None if it would.

    Unlike `configured_pack` (compiled once per process) this reads the file again, so a
    file changed under a running server is noticed.
    """
    try:
        reread_pack_file(settings.GATE_PACK)
        configured_pack()
    except OSError:
        return f"{settings.GATE_PACK}.yaml cannot be read"
    except PackError as error:
        return str(error)
    return None


def configured_pack_digest() -> str:
    return SHIPPED.get(settings.GATE_PACK, "")


def pack_file(name: str) -> PackSpec:
    """Return the pack `name` as shipped (its rules untightened); the strictest terms for
    a pack this version no longer ships (records made under it keep their pack's name)."""
    try:
        return read_pack_file(name)
    except UnknownPack:
        return read_pack_file(STRICTEST_PACK)


def pack_time_zone(name: str) -> ZoneInfo:
    """Return the zone pack `name`'s own calendar runs in (its complaints' days)."""
    return ZoneInfo(pack_file(name).time_zone)


def opening_hours(
    channel: str, role: str, purpose: str, *, requested_by_recipient: bool = False
) -> tuple[time, time] | None:
    """Return the local hours within which such a contact may happen.

    None when there are no hours to tell: no time window, or windows that never open.
    `requested_by_recipient`: a message the person asked for that moment, which the
    windows that exempt such messages do not hold back.
    """
    windows = configured_pack().route(channel, role, purpose).windows
    if requested_by_recipient and purpose == "service":
        windows = tuple(rule for rule in windows if not rule.requested_exempt)
    window = Window.of(windows)
    if window is None or (window.start, window.end) == (0, _DAY_SECONDS):
        return None
    return _clock(window.start), _clock(window.end)


def _clock(seconds: int) -> time:
    # A window may end at midnight (86400 s), which a clock shows as 00:00.
    seconds %= _DAY_SECONDS
    return time(seconds // 3600, seconds % 3600 // 60, seconds % 60)


def reader_language() -> Language:
    """Return the language of a decision closest to the active one (decisions are asked in
    English or simplified Chinese; `text_for_reader` serves readers of Traditional)."""
    return "en" if translation.get_language() == "en" else "zh-Hans"


def message_for_reader(reason: dict[str, Any]) -> str:
    """Return a stored reason's message in the reader's language (English if there is none)."""
    messages: dict[str, str] = reason.get("messages") or {}
    return text_for_reader(messages, str(reason.get("message", "")))


def text_for_reader(messages: Mapping[Any, str], fallback: str) -> str:
    """Return a pack text in the active language. A reader of Traditional Chinese gets the
    pack's own zh-Hant text where the rule has one (content rules do), else the simplified
    text converted (OpenCC, Taiwan phrasing), never Simplified characters."""
    traditional = translation.get_language() == "zh-hant"
    if traditional and messages.get("zh-Hant"):
        return messages["zh-Hant"]
    text = messages.get(reader_language()) or fallback
    if traditional and text:
        return _to_traditional(text)
    return text


@lru_cache(maxsize=4096)
def _to_traditional(text: str) -> str:
    return str(_converter().convert(text))


@lru_cache(maxsize=1)
def _converter() -> Any:
    # Imported on first use: OpenCC reads its dictionaries when it loads.
    import opencc

    return opencc.OpenCC("s2twp")
