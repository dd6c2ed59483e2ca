"""The help-to-repay settings of each rule pack, read from `packs/<name>.yaml`.

The gate's rules of a jurisdiction live in `tactful/policy/packs/`; what a restructured
plan may cost, how far back a hardship pause may start, how auto-debits are retried and
what points are worth live here, under the same pack name. The installation's pack is
the gate's (`GATE_PACK`), so one setting picks both.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Annotated, Literal

import yaml
from django.conf import settings
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from tactful.money.budget import Assumptions
from tactful.money.debits import LAST_DEBIT_DAY, RetryPolicy
from tactful.money.pauses import PauseLimits
from tactful.money.points import PointsRules
from tactful.money.reageing import ReageMode
from tactful.money.restructuring import Caps

PACK_DIRECTORY = Path(__file__).parent / "packs"
# The largest nominal rate build_schedule accepts, used when a pack says "contract".
_RATE_CEILING = Decimal(10)

Fraction = Annotated[Decimal, Field(ge=0, le=1)]
Money = Annotated[Decimal, Field(gt=0, lt=Decimal("1E15"))]


class RulesError(ValueError):
    """A pack file that is missing or does not follow the schema."""


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _Restructuring(_Spec):
    max_months: Annotated[int, Field(ge=1, le=600)]
    max_annual_rate: Literal["contract"] | Annotated[Decimal, Field(ge=0, le=10)]
    default_fee_rate: Fraction
    max_fee_rate: Fraction
    max_apr: Annotated[Decimal, Field(ge=0, le=10)] | None
    months_options: list[Annotated[int, Field(ge=1, le=600)]]
    offer_valid_days: Annotated[int, Field(ge=1, le=90)]
    reage: ReageMode
    watch_installments: Annotated[int, Field(ge=0, le=60)]


class _Hardship(_Spec):
    max_backdate_days: Annotated[int, Field(ge=0, le=366)]
    max_days: Annotated[int, Field(ge=1, le=366)]


class _Promises(_Spec):
    max_days_ahead: Annotated[int, Field(ge=0, le=90)]


class _AutoDebit(_Spec):
    max_mandate_amount: Money
    retry_delays_days: list[Annotated[int, Field(ge=1, le=30)]]
    notice_days_before: Annotated[int, Field(ge=0, le=27)]


class _Points(_Spec):
    per_on_time_installment: Annotated[int, Field(ge=0)]
    plan_completion_bonus: Annotated[int, Field(ge=0)]
    expiry_months: Annotated[int, Field(ge=1, le=120)]
    value_per_point: Annotated[Decimal, Field(gt=0)]
    minimum_redemption: Annotated[int, Field(ge=1)]


class _Budget(_Spec):
    safety_margin: Fraction
    max_repayment_share: Fraction


class _PackFile(_Spec):
    pack: str
    version: str
    currency: str
    restructuring: _Restructuring
    hardship: _Hardship
    promises: _Promises
    auto_debit: _AutoDebit
    points: _Points
    budget: _Budget
    citations: dict[str, str] = Field(default_factory=dict)


@dataclass(frozen=True)
class RepaymentRules:
    """The help-to-repay settings of one pack, as the pure `tactful.money` types."""

    pack: str
    version: str
    currency: str
    max_months: int
    max_annual_rate: Decimal | None
    default_fee_rate: Decimal
    max_fee_rate: Decimal
    max_apr: Decimal | None
    months_options: tuple[int, ...]
    offer_valid_days: int
    reage: ReageMode
    watch_installments: int
    pause_limits: PauseLimits
    promise_max_days_ahead: int
    max_mandate_amount: Decimal
    retry: RetryPolicy
    notice_days_before: int
    points: PointsRules
    budget: Assumptions
    citations: dict[str, str]

    def caps_for(self, contract_rate: Decimal) -> Caps:
        """Return the caps of a plan restructuring a loan lent at ``contract_rate``."""
        ceiling = contract_rate if self.max_annual_rate is None else self.max_annual_rate
        return Caps(
            max_months=self.max_months,
            max_annual_rate=min(ceiling, _RATE_CEILING),
            max_fee_rate=self.max_fee_rate,
            max_apr=self.max_apr,
        )

    def plan_rate(self, contract_rate: Decimal) -> Decimal:
        """Return the rate offered by default: the contract's, within the cap."""
        return min(contract_rate, self.caps_for(contract_rate).max_annual_rate)


def pack_names() -> list[str]:
    return sorted(path.stem for path in PACK_DIRECTORY.glob("*.yaml"))


@cache
def rules_for(name: str) -> RepaymentRules:
    """Return the settings of pack ``name``; raise ``RulesError`` if it is missing or malformed."""
    path = PACK_DIRECTORY / f"{name}.yaml"
    if not path.is_file():
        raise RulesError(f"no help-to-repay settings for pack {name!r}; known: {pack_names()}")
    try:
        spec = _PackFile.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    except (yaml.YAMLError, ValidationError) as error:
        raise RulesError(f"{path.name}: {error}") from None
    if spec.pack != name:
        raise RulesError(f"{path.name} names pack {spec.pack!r}")
    return _rules(spec)


def configured_rules() -> RepaymentRules:
    """Return the settings of the installation's pack (the gate's GATE_PACK)."""
    return rules_for(settings.GATE_PACK)


def _rules(spec: _PackFile) -> RepaymentRules:
    plan = spec.restructuring
    return RepaymentRules(
        pack=spec.pack,
        version=spec.version,
        currency=spec.currency,
        max_months=plan.max_months,
        max_annual_rate=_fixed_rate(plan.max_annual_rate),
        default_fee_rate=plan.default_fee_rate,
        max_fee_rate=plan.max_fee_rate,
        max_apr=plan.max_apr,
        months_options=tuple(sorted(set(plan.months_options))),
        offer_valid_days=plan.offer_valid_days,
        reage=plan.reage,
        watch_installments=plan.watch_installments,
        pause_limits=PauseLimits(spec.hardship.max_backdate_days, spec.hardship.max_days),
        promise_max_days_ahead=spec.promises.max_days_ahead,
        max_mandate_amount=spec.auto_debit.max_mandate_amount,
        retry=RetryPolicy(tuple(spec.auto_debit.retry_delays_days)),
        notice_days_before=spec.auto_debit.notice_days_before,
        points=PointsRules(**spec.points.model_dump()),
        budget=Assumptions(**spec.budget.model_dump()),
        citations=dict(spec.citations),
    )


def _fixed_rate(value: Decimal | str) -> Decimal | None:
    """Return a pack's fixed rate cap; None for ``contract`` (the loan's own rate)."""
    return value if isinstance(value, Decimal) else None


# Mandates collect on days 1 to 28, which every month has.
DEBIT_DAYS = range(1, LAST_DEBIT_DAY + 1)
