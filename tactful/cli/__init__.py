"""The ``tactful`` command line: one subcommand per area, each in its own module.

Each module offers ``add_parser(subparsers)``, which registers its command with a
``handler(args) -> int``. Exit status: 0 done, 1 a problem was found (such as a
tampered audit chain), 2 bad input or usage.

Commands that need the database call `setup_django()` inside their handler, so the
pure commands (``tactful money schedule``) start without loading Django.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

USAGE_ERROR = 2


def setup_django() -> None:
    """Load Django with Tactful's settings, unless the caller chose other settings."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tactful.settings")
    import django

    django.setup()


def build_parser() -> argparse.ArgumentParser:
    """Return the parser of ``tactful`` with every subcommand registered."""
    # Imported here, not at the top: the command modules import setup_django from this one.
    from tactful.cli import audit, demo, gate, inspect, money, risk, simulate

    parser = argparse.ArgumentParser(
        prog="tactful",
        description="Collect overdue loans without harming anyone's privacy or dignity.",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for module in (audit, demo, gate, inspect, money, risk, simulate):
        module.add_parser(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command named in `argv` (default: the process arguments); return its status."""
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as exit_:
        # argparse exits on --help (0) and on usage errors (2); callers want a status.
        return exit_.code if isinstance(exit_.code, int) else USAGE_ERROR
    status: int = args.handler(args)
    return status


if __name__ == "__main__":
    sys.exit(main())
