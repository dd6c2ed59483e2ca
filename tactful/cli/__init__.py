"""The ``tactful`` command line: one subcommand per area, each in its own module.

Each module offers ``add_parser(subparsers)``, which registers its command with a
``handler(args) -> int``. Exit status: 0 done, 1 a problem was found (such as a
tampered audit chain), 2 bad input or usage.

Whatever goes wrong, the person at the terminal reads one line on stderr, never a
traceback: a file that cannot be read or written, a setting that is wrong, or (exit 70)
a fault in Tactful itself, whose traceback ``TACTFUL_TRACEBACK=1`` shows.

Commands that need the database call `setup_django()` inside their handler, so the
pure commands (``tactful money schedule``) start without loading Django.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

USAGE_ERROR = 2
# sysexits.h's EX_SOFTWARE: not the input's fault.
INTERNAL_ERROR = 70


class ConfigurationError(Exception):
    """A setting in the environment that Tactful cannot start with."""


def setup_django() -> None:
    """Load Django with Tactful's settings, unless the caller chose other settings."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tactful.settings")
    import django
    from django.core.exceptions import ImproperlyConfigured

    try:
        django.setup()
    except ImproperlyConfigured as error:
        raise ConfigurationError(str(error)) from None


def build_parser() -> argparse.ArgumentParser:
    """Return the parser of ``tactful`` with every subcommand registered."""
    # Imported here, not at the top: the command modules import setup_django from this one.
    from tactful.cli import audit, demo, gate, inspect, money, report, risk, simulate

    parser = argparse.ArgumentParser(
        prog="tactful",
        description="Collect overdue loans without harming anyone's privacy or dignity.",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for module in (audit, demo, gate, inspect, money, report, risk, simulate):
        module.add_parser(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command named in `argv` (default: the process arguments); return its status."""
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as exit_:
        # argparse exits on --help (0) and on usage errors (2); callers want a status.
        return exit_.code if isinstance(exit_.code, int) else USAGE_ERROR
    try:
        status: int = args.handler(args)
    except ConfigurationError as error:
        return _one_line(args, f"configuration: {error}", USAGE_ERROR)
    except OSError as error:
        # A path that does not exist, a folder that cannot be written, a full disk.
        where = f": {error.filename}" if error.filename else ""
        return _one_line(args, f"{error.strerror or error}{where}", USAGE_ERROR)
    except Exception as error:
        if os.environ.get("TACTFUL_TRACEBACK"):
            raise
        return _one_line(
            args,
            f"internal error ({type(error).__name__}); run again with TACTFUL_TRACEBACK=1 "
            "to see where, and report it",
            INTERNAL_ERROR,
        )
    return status


def _one_line(args: argparse.Namespace, message: str, status: int) -> int:
    # The message of an unexpected error is left out: it may quote personal data.
    name = " ".join(filter(None, [args.command, getattr(args, f"{args.command}_command", None)]))
    print(f"tactful {name}: {message}", file=sys.stderr)
    return status


if __name__ == "__main__":
    sys.exit(main())
