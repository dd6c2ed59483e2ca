"""The input columns: those of the UCI credit-card default data, and which ones the model may use.

Month 0 is the most recent month (September 2005 in the data), month 5 the oldest (April).
The data names the repayment status of month 0 ``PAY_0`` and then skips ``PAY_1``.
"""

from __future__ import annotations

MONTHS = 6
ID_COLUMN = "ID"
TARGET_COLUMN = "defaulted"
LIMIT_COLUMN = "LIMIT_BAL"
STATUS_COLUMNS = ("PAY_0", "PAY_2", "PAY_3", "PAY_4", "PAY_5", "PAY_6")
BILL_COLUMNS = tuple(f"BILL_AMT{month + 1}" for month in range(MONTHS))
PAYMENT_COLUMNS = tuple(f"PAY_AMT{month + 1}" for month in range(MONTHS))

# Never model inputs: a lender may not price or treat people by sex, marital status or
# age, and none of them can be read from a Tactful ledger anyway. EDUCATION is left out
# for the same two reasons. They stay in the data for the fairness report only.
PROTECTED_COLUMNS = ("SEX", "MARRIAGE", "AGE")
UNUSED_COLUMNS = ("EDUCATION",)

# What the feature pipeline reads: the repayment history and the limit, nothing else.
BEHAVIOUR_COLUMNS = (LIMIT_COLUMN, *STATUS_COLUMNS, *BILL_COLUMNS, *PAYMENT_COLUMNS)
# What a scoring input must hold (``defaulted`` may be absent; the rest is ignored).
REQUIRED_COLUMNS = (ID_COLUMN, *BEHAVIOUR_COLUMNS)
