"""The payment port: the processor that holds bank accounts and collects from them.

Tactful never stores an account number. Setting up a mandate hands the account to the
processor once (`register_account`) and keeps the token it returns, plus the last four
digits to show the borrower which account it is. A collection (`charge`) carries an
idempotency key: a processor that sees a key again must answer with the first result
and move no money, which is what makes a crashed run safe to repeat.

`FakeProcessor` is the in-memory twin used by the tests, the demo and the benchmark.
Its failures can be scripted per account or per key, and with a `journal` file it
remembers its charges across processes, like a real processor's servers would.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Protocol

_ACCOUNT_NUMBER = re.compile(r"^[0-9]{8,19}$")


class AccountRefused(Exception):
    """The processor will not hold this account (malformed, closed, not debitable)."""


class ProcessorUnavailable(Exception):
    """The processor could not be reached or gave no answer: the outcome is unknown."""


@dataclass(frozen=True)
class BankAccount:
    """An account as the borrower typed it; handed to the processor and never stored."""

    bank_code: str
    account_number: str


@dataclass(frozen=True)
class AccountToken:
    """The processor's name for an account, and the last four digits shown to people."""

    token: str
    hint: str


@dataclass(frozen=True)
class ChargeRequest:
    token: str
    amount: Decimal
    currency: str
    idempotency_key: str


@dataclass(frozen=True)
class ChargeResult:
    """A definite answer: collected, or not (and whether trying again could ever help)."""

    succeeded: bool
    reference: str = ""
    failure_code: str = ""
    permanent: bool = False


class PaymentPort(Protocol):
    def register_account(self, account: BankAccount) -> AccountToken: ...

    def charge(self, request: ChargeRequest) -> ChargeResult: ...


@dataclass
class FakeProcessor:
    """An in-memory processor. Scripts decide failures; keys are deduplicated.

    ``fail_accounts`` maps a token to a failure result for every charge on it;
    ``fail_keys`` does the same for one idempotency key; ``unavailable`` makes every
    charge raise `ProcessorUnavailable`. ``after_charge`` runs after a charge is taken
    and before it is answered: the tests use it to crash a run at the worst moment.
    """

    journal: Path | None = None
    fail_accounts: dict[str, ChargeResult] = field(default_factory=dict)
    fail_keys: dict[str, ChargeResult] = field(default_factory=dict)
    unavailable: bool = False
    after_charge: Callable[[ChargeRequest], None] | None = None
    results: dict[str, ChargeResult] = field(default_factory=dict)
    charges: list[ChargeRequest] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.journal is not None and self.journal.exists():
            self._load_journal(self.journal)

    def register_account(self, account: BankAccount) -> AccountToken:
        number = account.account_number.replace(" ", "")
        if not _ACCOUNT_NUMBER.fullmatch(number) or not account.bank_code.strip():
            raise AccountRefused("the processor does not recognise this account")
        digest = hashlib.sha256(f"{account.bank_code}:{number}".encode()).hexdigest()
        return AccountToken(token=f"fake_acct_{digest[:24]}", hint=number[-4:])

    def charge(self, request: ChargeRequest) -> ChargeResult:
        known = self.results.get(request.idempotency_key)
        if known is not None:
            return known
        if self.unavailable:
            raise ProcessorUnavailable("the fake processor is scripted to be unavailable")
        result = self._decide(request)
        self.results[request.idempotency_key] = result
        if result.succeeded:
            self.charges.append(request)
        self._write_journal(request, result)
        if self.after_charge is not None:
            self.after_charge(request)
        return result

    def collected(self) -> Decimal:
        """Return the total of every successful charge."""
        return sum((charge.amount for charge in self.charges), start=Decimal(0))

    def _decide(self, request: ChargeRequest) -> ChargeResult:
        scripted = self.fail_keys.get(request.idempotency_key) or self.fail_accounts.get(
            request.token
        )
        if scripted is not None:
            return scripted
        return ChargeResult(succeeded=True, reference=f"fake-{len(self.results) + 1}")

    def _write_journal(self, request: ChargeRequest, result: ChargeResult) -> None:
        if self.journal is None:
            return
        line = {
            "request": {**asdict(request), "amount": str(request.amount)},
            "result": asdict(result),
        }
        with self.journal.open("a", encoding="utf-8") as journal:
            journal.write(json.dumps(line) + "\n")
            journal.flush()
            # The processor's memory must outlive a crash of the caller, as a server's would.
            os.fsync(journal.fileno())

    def _load_journal(self, path: Path) -> None:
        for line in path.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            request = ChargeRequest(
                **{**row["request"], "amount": Decimal(row["request"]["amount"])}
            )
            result = ChargeResult(**row["result"])
            self.results[request.idempotency_key] = result
            if result.succeeded:
                self.charges.append(request)


_default_port: PaymentPort = FakeProcessor()
_override: PaymentPort | None = None


def payment_port() -> PaymentPort:
    """Return the processor in use: an override (tests, demo), else the built-in fake."""
    return _override or _default_port


def use_payment_port(port: PaymentPort | None) -> None:
    """Route account registrations and charges to ``port``; None restores the default."""
    global _override
    _override = port
