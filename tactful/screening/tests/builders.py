"""Accounts for tests: one row of the UCI columns, changed where a test needs it."""

from __future__ import annotations

from typing import Any

import polars as pl

from tactful.screening.columns import BILL_COLUMNS, PAYMENT_COLUMNS, STATUS_COLUMNS

HEADER = (
    "ID,LIMIT_BAL,SEX,EDUCATION,MARRIAGE,AGE,PAY_0,PAY_2,PAY_3,PAY_4,PAY_5,PAY_6,"
    "BILL_AMT1,BILL_AMT2,BILL_AMT3,BILL_AMT4,BILL_AMT5,BILL_AMT6,"
    "PAY_AMT1,PAY_AMT2,PAY_AMT3,PAY_AMT4,PAY_AMT5,PAY_AMT6,defaulted"
)
PUNCTUAL = (
    "1,50000,2,2,1,37,0,0,0,0,0,0,46990,48233,49291,28314,28959,29547,"
    "2000,2019,1200,1100,1069,1000,0"
)
LATE = "2,20000,1,2,2,26,2,2,1,0,0,0,19000,18500,18000,17000,16000,15000,0,0,500,800,800,800,1"


def csv_text(*rows: str, header: str = HEADER) -> str:
    return "\n".join([header, *rows]) + "\n"


def behaviour(
    *,
    limit: float = 50000,
    status: list[int] | None = None,
    bills: list[float] | None = None,
    paid: list[float] | None = None,
) -> dict[str, Any]:
    """Return the behaviour columns of one account (defaults: punctual, half the limit used)."""
    row: dict[str, Any] = {"LIMIT_BAL": float(limit)}
    for month in range(6):
        row[STATUS_COLUMNS[month]] = float((status or [0] * 6)[month])
        row[BILL_COLUMNS[month]] = float((bills or [25000.0] * 6)[month])
        row[PAYMENT_COLUMNS[month]] = float((paid or [2000.0] * 6)[month])
    return row


def frame(*rows: dict[str, Any]) -> pl.DataFrame:
    return pl.DataFrame(list(rows))
