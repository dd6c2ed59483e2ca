"""The policy package is pure: importing it (and the planner) loads no Django and no app."""

from __future__ import annotations

import subprocess
import sys

PROBE = """
import sys
import tactful.policy, tactful.policy.plan, tactful.cli.gate
loaded = [m for m in sys.modules if m == "django" or m.startswith(("django.", "ninja"))]
# The pure modules below the gate: its errors and the list of time zones.
ours = ("tactful.policy", "tactful.cli", "tactful.time_zones", "tactful.errors")
apps = [m for m in sys.modules if m.startswith("tactful.") and not m.startswith(ours)]
print(loaded, apps)
"""


def test_importing_the_gate_loads_neither_django_nor_the_apps() -> None:
    result = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == "[] []"
