"""The IANA time zone names: the one list every time zone Tactful accepts comes from.

`zoneinfo.available_timezones()` is not that list: it also holds whatever the host's
zoneinfo folder has, such as ``localtime`` (the server's own zone, different on every
machine) and ``posixrules``. The list here is the tz database's own, as the `tzdata`
package ships it, less ``Factory`` (a placeholder that means "no zone was set").
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import TypeGuard

_PLACEHOLDERS = frozenset({"Factory"})


@cache
def iana_zone_names() -> frozenset[str]:
    """Return the names of the tz database's zones and links, such as Asia/Shanghai."""
    listed = resources.files("tzdata").joinpath("zones").read_text(encoding="utf-8")
    return frozenset(listed.split()) - _PLACEHOLDERS


def is_iana_zone(name: object) -> TypeGuard[str]:
    """Return whether `name` is exactly one of the IANA zone names."""
    return isinstance(name, str) and name in iana_zone_names()
