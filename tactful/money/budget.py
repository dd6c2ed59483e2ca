"""The budget planner: what a household can afford to repay each month, and why.

Every figure is a monthly amount in one currency. The plan is deliberately simple
enough to explain on a phone screen:

1. income = the sum of every income line;
2. spending = the sum of every expense category;
3. disposable = income - spending - other obligations (other loans, support payments);
4. safety margin = ``safety_margin`` x income, kept back for the unexpected;
5. the affordable installment is the smaller of ``disposable - margin`` and
   ``max_repayment_share`` x income - obligations (all debts together should not take
   more than that share of income), never below zero, rounded *down* to the minor
   unit so the plan never asks for a fen more than the budget allows.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from enum import StrEnum

from tactful.money.currency import AmountError, UnknownCurrency, parse_amount, quantum

ZERO = Decimal(0)


class ExpenseCategory(StrEnum):
    """Where a household's money goes each month."""

    HOUSING = "housing"
    FOOD = "food"
    TRANSPORT = "transport"
    UTILITIES = "utilities"
    HEALTH = "health"
    EDUCATION = "education"
    CHILDCARE = "childcare"
    OTHER = "other"


class Limit(StrEnum):
    """Which rule set the affordable installment."""

    DISPOSABLE = "disposable"
    REPAYMENT_SHARE = "repayment_share"
    NOTHING_LEFT = "nothing_left"


class BudgetError(ValueError):
    """A budget figure that cannot be planned with; ``field`` names it."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


@dataclass(frozen=True)
class Assumptions:
    """The planner's assumptions, shown to the borrower beside the result."""

    safety_margin: Decimal = Decimal("0.10")
    max_repayment_share: Decimal = Decimal("0.35")

    def __post_init__(self) -> None:
        for name in ("safety_margin", "max_repayment_share"):
            share = getattr(self, name)
            if not isinstance(share, Decimal) or not share.is_finite() or not 0 <= share <= 1:
                raise BudgetError(name, f"must be a fraction from 0 to 1, got {share!r}")


@dataclass(frozen=True)
class Budget:
    """A household's month: income lines, spending by category, other debts' payments."""

    currency: str
    incomes: Mapping[str, Decimal]
    expenses: Mapping[ExpenseCategory, Decimal] = field(default_factory=dict)
    obligations: Decimal = ZERO


@dataclass(frozen=True)
class BudgetPlan:
    """The planner's answer, with every intermediate figure so it can be explained."""

    currency: str
    income: Decimal
    spending: Decimal
    obligations: Decimal
    disposable: Decimal
    safety_margin: Decimal
    share_limit: Decimal
    affordable_installment: Decimal
    limited_by: Limit
    assumptions: Assumptions


def plan_budget(budget: Budget, assumptions: Assumptions | None = None) -> BudgetPlan:
    """Return the affordable monthly installment of ``budget`` and how it was reached.

    Raise ``BudgetError`` naming the figure for a negative, malformed or over-precise
    amount, an unknown expense category or an unknown currency.
    """
    rules = assumptions or Assumptions()
    income = _total("incomes", budget.incomes, budget.currency)
    spending = _total("expenses", _categorised(budget.expenses), budget.currency)
    obligations = _amount("obligations", budget.obligations, budget.currency)
    disposable = income - spending - obligations
    margin = _rounded(income * rules.safety_margin, budget.currency, ROUND_HALF_UP)
    share_limit = _rounded(income * rules.max_repayment_share, budget.currency, ROUND_DOWN)
    by_disposable = disposable - margin
    by_share = share_limit - obligations
    affordable = max(ZERO, min(by_disposable, by_share))
    return BudgetPlan(
        currency=budget.currency,
        income=income,
        spending=spending,
        obligations=obligations,
        disposable=disposable,
        safety_margin=margin,
        share_limit=share_limit,
        affordable_installment=_rounded(affordable, budget.currency, ROUND_DOWN),
        limited_by=_limit(affordable, by_disposable, by_share),
        assumptions=rules,
    )


def _limit(affordable: Decimal, by_disposable: Decimal, by_share: Decimal) -> Limit:
    if affordable <= 0:
        return Limit.NOTHING_LEFT
    return Limit.DISPOSABLE if by_disposable <= by_share else Limit.REPAYMENT_SHARE


def _categorised(expenses: Mapping[ExpenseCategory, Decimal]) -> dict[str, Decimal]:
    known = {category.value for category in ExpenseCategory}
    for category in expenses:
        if str(category) not in known:
            raise BudgetError(
                "expenses", f"unknown category {category!r}; known: {', '.join(sorted(known))}"
            )
    return {str(category): amount for category, amount in expenses.items()}


def _total(name: str, lines: Mapping[str, Decimal], currency: str) -> Decimal:
    return sum(
        (_amount(f"{name}.{label}", amount, currency) for label, amount in lines.items()),
        start=ZERO,
    )


def _amount(name: str, amount: Decimal, currency: str) -> Decimal:
    try:
        return parse_amount(amount, currency)
    except UnknownCurrency as error:
        raise BudgetError("currency", str(error)) from None
    except AmountError as error:
        raise BudgetError(name, str(error)) from None


def _rounded(amount: Decimal, currency: str, rounding: str) -> Decimal:
    return amount.quantize(quantum(currency), rounding=rounding) + 0
