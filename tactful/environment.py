"""Read settings from environment variables, failing loudly on bad values.

Every setting of Tactful comes from the environment (see README, "Configuration").
A value that cannot be parsed stops the process at start with a message naming
the variable, instead of surfacing later as a confusing runtime error.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from tactful.time_zones import is_iana_zone

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


class Environment:
    """Typed access to a mapping of environment variables."""

    def __init__(self, values: Mapping[str, str] | None = None) -> None:
        self._values = os.environ if values is None else values

    def text(self, name: str, default: str) -> str:
        return self._values.get(name, default)

    def flag(self, name: str, default: bool) -> bool:
        raw = self._values.get(name)
        if raw is None or raw == "":
            return default
        lowered = raw.strip().lower()
        if lowered in _TRUE:
            return True
        if lowered in _FALSE:
            return False
        raise ImproperlyConfigured(f"{name} must be true or false, got {raw!r}")

    def integer(self, name: str, default: int, *, minimum: int = 0) -> int:
        raw = self._values.get(name)
        if raw is None or raw == "":
            return default
        try:
            value = int(raw)
        except ValueError:
            raise ImproperlyConfigured(f"{name} must be an integer, got {raw!r}") from None
        if value < minimum:
            raise ImproperlyConfigured(f"{name} must be at least {minimum}, got {value}")
        return value

    def choice(self, name: str, default: str, choices: tuple[str, ...]) -> str:
        value = self._values.get(name) or default
        if value not in choices:
            raise ImproperlyConfigured(f"{name} must be one of {', '.join(choices)}, got {value!r}")
        return value

    def time_zone(self, name: str, default: str) -> str:
        """An IANA time zone name, such as Asia/Shanghai, that zoneinfo knows."""
        value = self._values.get(name) or default
        if not is_iana_zone(value):
            raise ImproperlyConfigured(
                f"{name} must be an IANA time zone such as Asia/Shanghai, got {value!r}"
            ) from None
        return value

    def words(self, name: str, default: str) -> list[str]:
        raw = self._values.get(name, default)
        return [part.strip() for part in raw.split(",") if part.strip()]

    def secret(self, name: str, default: str | None = None) -> str:
        """Return NAME, or the contents of the file named by NAME_FILE (container secrets)."""
        file_name = self._values.get(f"{name}_FILE")
        if file_name:
            path = Path(file_name)
            if not path.is_file():
                raise ImproperlyConfigured(
                    f"{name}_FILE points to {file_name!r}, which is not a file"
                )
            return path.read_text().strip()
        value = self._values.get(name)
        if value:
            return value
        if default is None:
            raise ImproperlyConfigured(f"{name} must be set")
        return default
