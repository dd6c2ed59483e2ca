"""The internal rate of return of a plan's cash flows, and the annualised cost it implies.

Cash flows are one per period (a month here): ``flows[k]`` happens ``k`` periods after
the start. The rate ``r`` per period solves ``sum(flows[k] / (1 + r) ** k) == 0``.

Method: Newton's method on the net present value in binary floating point, falling
back to bisection whenever a Newton step leaves the bracket that holds the root. The
iteration stops when the bracket, or the Newton step, is narrower than ``TOLERANCE``
(1e-12 per period, so 1.2e-11 a year), far below the 0.0001 (0.01 percentage point)
that annual rates are shown and compared at. Floats suffice: amounts below 1e18 keep
15 significant digits, and the rate is a ratio of sums, not a sum of money.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

TOLERANCE = 1e-12
MAX_ITERATIONS = 200
PERIODS_PER_YEAR = 12
# An annual rate is shown and compared to 4 decimals of a fraction: 0.2400 is 24.00%.
RATE_QUANTUM = Decimal("0.0001")
_LOWEST_RATE = -0.999999
_HIGHEST_RATE = 1000.0


class CashFlowError(ValueError):
    """Cash flows whose rate of return is not one well-defined number."""


def npv(rate: float, flows: Sequence[float]) -> float:
    """Return the net present value of ``flows`` at ``rate`` per period."""
    discount = 1.0 / (1.0 + rate)
    total = 0.0
    factor = 1.0
    for flow in flows:
        total += flow * factor
        factor *= discount
    return total


def periodic_irr(flows: Sequence[Decimal]) -> float:
    """Return the rate per period at which ``flows`` are worth nothing today.

    ``flows`` must be a loan seen by the lender's counterpart: money received first
    (``flows[0] > 0``), then repayments (every later flow <= 0, at least one < 0). Such
    flows change sign once, so exactly one rate above -100% solves the equation.
    Raise ``CashFlowError`` for anything else.
    """
    values = _checked(flows)
    low, high = _LOWEST_RATE, _HIGHEST_RATE
    # The value rises with the rate (later repayments are discounted harder), so the
    # root is bracketed by a negative value at `low` and a positive one at `high`.
    if npv(high, values) < 0:
        raise CashFlowError(f"the rate of return is above {_HIGHEST_RATE:.0%} a period")
    if npv(low, values) > 0:
        raise CashFlowError("the repayments are worth less than nothing")
    return _solve(values, low, high)


def annualised(periodic_rate: float) -> Decimal:
    """Return ``periodic_rate`` times 12, the nominal annual rate, to 4 decimals."""
    return _quantized(periodic_rate * PERIODS_PER_YEAR)


def effective_annual(periodic_rate: float) -> Decimal:
    """Return ``(1 + periodic_rate) ** 12 - 1``, the compounded annual rate, to 4 decimals."""
    return _quantized((1.0 + periodic_rate) ** PERIODS_PER_YEAR - 1.0)


def _checked(flows: Sequence[Decimal]) -> list[float]:
    if len(flows) < 2:
        raise CashFlowError("a rate of return needs at least two cash flows")
    if any(not isinstance(flow, Decimal) or not flow.is_finite() for flow in flows):
        raise CashFlowError("every cash flow must be a finite Decimal")
    if flows[0] <= 0:
        raise CashFlowError("the first cash flow must be the money received (> 0)")
    if any(flow > 0 for flow in flows[1:]) or not any(flow < 0 for flow in flows[1:]):
        raise CashFlowError("every later cash flow must be a repayment (<= 0), one at least < 0")
    return [float(flow) for flow in flows]


def _solve(values: list[float], low: float, high: float) -> float:
    rate = 0.01
    for _ in range(MAX_ITERATIONS):
        value, slope = _value_and_slope(rate, values)
        if value < 0:
            low = rate
        else:
            high = rate
        step = value / slope if slope > 0 else 0.0
        candidate = rate - step
        if not low < candidate < high or step == 0.0:
            # Newton left the bracket (or stalled): halve the bracket instead.
            candidate = (low + high) / 2
        if abs(candidate - rate) < TOLERANCE or high - low < TOLERANCE:
            return candidate
        rate = candidate
    return (low + high) / 2


def _value_and_slope(rate: float, values: list[float]) -> tuple[float, float]:
    """Return the net present value at ``rate`` and its derivative with respect to it."""
    discount = 1.0 / (1.0 + rate)
    value = 0.0
    slope = 0.0
    factor = 1.0
    for period, flow in enumerate(values):
        value += flow * factor
        # d/dr of flow * (1+r)^-k is -k * flow * (1+r)^-(k+1).
        slope -= period * flow * factor * discount
        factor *= discount
    return value, slope


def _quantized(rate: float) -> Decimal:
    return Decimal(repr(rate)).quantize(RATE_QUANTUM, rounding=ROUND_HALF_UP)
