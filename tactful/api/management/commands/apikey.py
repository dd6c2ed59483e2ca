"""``manage.py apikey create|revoke|list``: manage the keys integrators call `/api/v1` with.

The full key is printed once, by `create`; only its digest is stored, so it cannot
be shown again. Exit status 2 on bad input, as every Tactful command.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tactful.accounts.models import ApiKey
from tactful.api.keys import SCOPES, all_keys, issue_key, revoke_key
from tactful.errors import ServiceError

ACTOR = "cli:apikey"
DEFAULT_REASON = "revoked with manage.py apikey"
USAGE_ERROR = 2


class Command(BaseCommand):
    help = "Create, revoke or list API keys."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
        create = actions.add_parser("create", help="issue a key and print it once")
        create.add_argument("--name", required=True, help="who the key is for")
        create.add_argument(
            "--scope",
            dest="scopes",
            action="append",
            required=True,
            choices=SCOPES,
            help="what the key may do; repeat for several",
        )
        revoke = actions.add_parser("revoke", help="stop a key from working")
        revoke.add_argument("prefix", help="the key's prefix, as `list` shows it")
        revoke.add_argument(
            "--reason",
            default=DEFAULT_REASON,
            help="why, for the audit trail (default: %(default)r)",
        )
        actions.add_parser("list", help="show every key, never its secret")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["action"] == "create":
                self._create(options["name"], options["scopes"])
            elif options["action"] == "revoke":
                self._revoke(options["prefix"], options["reason"])
            else:
                self._list()
        except ServiceError as error:
            raise CommandError(f"{error.code}: {error.message}", returncode=USAGE_ERROR) from None

    def _create(self, name: str, scopes: list[str]) -> None:
        issued = issue_key(name=name, scopes=scopes, actor=ACTOR)
        self.stdout.write(issued.token)
        self.stderr.write(
            f"Issued key {issued.api_key.prefix} for {issued.api_key.name!r} "
            f"({', '.join(issued.api_key.scopes)}). Store it now: it is not shown again."
        )

    def _revoke(self, prefix: str, reason: str) -> None:
        api_key = revoke_key(prefix=prefix, actor=ACTOR, reason=reason)
        self.stdout.write(f"Revoked key {api_key.prefix} ({api_key.name}).")

    def _list(self) -> None:
        for api_key in all_keys():
            self.stdout.write(_describe(api_key))


def _describe(api_key: ApiKey) -> str:
    state = f"revoked {api_key.revoked_at:%Y-%m-%d}" if api_key.revoked_at else "active"
    used = f"{api_key.last_used_at:%Y-%m-%d %H:%M}Z" if api_key.last_used_at else "never"
    return (
        f"{api_key.prefix}\t{api_key.name}\t{','.join(api_key.scopes)}\t{state}\tlast used {used}"
    )
