from __future__ import annotations

from decimal import Decimal

import pytest

from tactful.money.budget import (
    Assumptions,
    Budget,
    BudgetError,
    ExpenseCategory,
    Limit,
    plan_budget,
)

D = Decimal


def household(**overrides: object) -> Budget:
    fields: dict[str, object] = {
        "currency": "CNY",
        "incomes": {"salary": D("8000.00"), "side job": D("500.00")},
        "expenses": {
            ExpenseCategory.HOUSING: D("2500.00"),
            ExpenseCategory.FOOD: D("1500.00"),
            ExpenseCategory.TRANSPORT: D("300.00"),
        },
        "obligations": D("600.00"),
    }
    fields.update(overrides)
    return Budget(**fields)  # type: ignore[arg-type]


def test_the_plan_shows_every_step_of_the_sum() -> None:
    plan = plan_budget(household())
    assert plan.income == D("8500.00")
    assert plan.spending == D("4300.00")
    assert plan.disposable == D("3600.00")
    assert plan.safety_margin == D("850.00")
    assert plan.share_limit == D("2975.00")


def test_the_affordable_installment_is_the_tighter_of_the_two_limits() -> None:
    plan = plan_budget(household())
    # Disposable less margin: 2750; share of income less other debts: 2375.
    assert plan.affordable_installment == D("2375.00")
    assert plan.limited_by is Limit.REPAYMENT_SHARE
    tight = plan_budget(household(expenses={ExpenseCategory.HOUSING: D("6000.00")}))
    assert tight.affordable_installment == D("1050.00")
    assert tight.limited_by is Limit.DISPOSABLE


def test_a_budget_with_nothing_left_affords_nothing() -> None:
    plan = plan_budget(household(expenses={ExpenseCategory.HOUSING: D("9000.00")}))
    assert plan.disposable < 0
    assert plan.affordable_installment == D("0.00")
    assert plan.limited_by is Limit.NOTHING_LEFT


def test_the_installment_is_rounded_down_never_up() -> None:
    plan = plan_budget(
        Budget(currency="CNY", incomes={"salary": D("1000.03")}),
        Assumptions(safety_margin=D(0), max_repayment_share=D("0.333")),
    )
    assert plan.affordable_installment == D("333.00")


def test_assumptions_are_part_of_the_answer() -> None:
    rules = Assumptions(safety_margin=D("0.2"), max_repayment_share=D("0.5"))
    assert plan_budget(household(), rules).assumptions == rules


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"incomes": {"salary": D("-1")}}, "incomes.salary"),
        ({"incomes": {"salary": D("1.001")}}, "incomes.salary"),
        ({"expenses": {ExpenseCategory.FOOD: D("NaN")}}, "expenses.food"),
        ({"expenses": {"gambling": D("1")}}, "expenses"),
        ({"obligations": D("-5")}, "obligations"),
        ({"currency": "XXX"}, "currency"),
    ],
)
def test_bad_figures_are_refused_with_the_field_named(
    overrides: dict[str, object], field: str
) -> None:
    with pytest.raises(BudgetError) as refused:
        plan_budget(household(**overrides))
    assert refused.value.field == field


@pytest.mark.parametrize("share", [D("-0.1"), D("1.1"), D("NaN")])
def test_assumptions_must_be_fractions(share: Decimal) -> None:
    with pytest.raises(BudgetError):
        Assumptions(safety_margin=share)
