"""Request and response shapes of `/api/v1/repayment`. Amounts and rates travel as strings."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal
from uuid import UUID

from ninja import Schema
from pydantic import Field, PlainValidator, Strict, WithJsonSchema

from tactful.api.schemas import (
    AMOUNT_PATTERN,
    AnnualRate,
    ApiDate,
    Currency,
    ExternalId,
    InputSchema,
    OptionalApiDate,
    PositiveAmount,
    ReferenceText,
)
from tactful.money.budget import ExpenseCategory

_AMOUNT = re.compile(AMOUNT_PATTERN)
MAX_BUDGET_LINES = 20


def _non_negative_amount(value: object) -> Decimal:
    if not isinstance(value, str):
        raise ValueError('must be a string such as "1200.00", not a JSON number')
    if value.startswith("-"):
        raise ValueError("must not be negative")
    if not _AMOUNT.fullmatch(value):
        raise ValueError('must be a decimal number such as "1200.00"')
    return Decimal(value)


NonNegativeAmount = Annotated[
    Decimal,
    PlainValidator(_non_negative_amount),
    WithJsonSchema({"type": "string", "pattern": AMOUNT_PATTERN, "examples": ["1200.00"]}),
]
Months = Annotated[int, Strict(), Field(ge=1, le=600)]
DebitDay = Annotated[int, Strict(), Field(ge=1, le=28, description="Day of the month, 1 to 28.")]
Points = Annotated[int, Strict(), Field(ge=1, le=100_000_000)]
BudgetLabel = Annotated[str, Field(min_length=1, max_length=40)]
Reason = Literal["job_loss", "illness", "bereavement", "disaster", "other"]
PromiseChannelName = Literal["portal", "call", "sms", "lender_app", "in_person"]
Language = Literal["zh-hans", "zh-hant", "en"]


# --- budget ------------------------------------------------------------------------------


class BudgetIn(InputSchema):
    currency: Currency
    incomes: dict[BudgetLabel, NonNegativeAmount] = Field(
        max_length=MAX_BUDGET_LINES, examples=[{"salary": "8000.00"}]
    )
    expenses: dict[ExpenseCategory, NonNegativeAmount] = Field(
        default_factory=dict, examples=[{"housing": "2500.00", "food": "1500.00"}]
    )
    obligations: NonNegativeAmount = Field(
        default=Decimal(0), description="Other debts' payments a month."
    )


class AssumptionsOut(Schema):
    safety_margin: str = Field(description='Share of income kept back, e.g. "0.10".')
    max_repayment_share: str = Field(description="At most this share of income to all debts.")


class BudgetOut(Schema):
    currency: str
    income: str
    spending: str
    obligations: str
    disposable: str
    safety_margin: str
    share_limit: str
    affordable_installment: str
    limited_by: Literal["disposable", "repayment_share", "nothing_left"]
    assumptions: AssumptionsOut


# --- offers ------------------------------------------------------------------------------


class OffersIn(InputSchema):
    months: Months | None = Field(default=None, description="Omit for the pack's menu.")
    annual_rate: AnnualRate | None = None
    fee: NonNegativeAmount | None = None
    affordable_installment: NonNegativeAmount | None = None


class ScheduleRowOut(Schema):
    n: int
    due_date: date
    principal: str
    interest: str
    payment: str
    balance: str


class OfferOut(Schema):
    reference: UUID
    loan_external_id: str
    currency: str
    priced_on: date
    expires_on: date
    balance: str = Field(description="What the plan re-lends: principal, due interest, fees.")
    months: int
    annual_rate: str
    fee: str = Field(description="Charged with the first installment.")
    apr: str = Field(description="Annualised cost: 12 x the monthly IRR of the cash flows.")
    effective_annual_rate: str
    total_interest: str
    total_repaid: str
    first_payment: str
    regular_payment: str
    schedule: list[ScheduleRowOut]


class OffersOut(Schema):
    offers: list[OfferOut]


class AcceptanceIn(InputSchema):
    confirmation_reference: ReferenceText = Field(
        description="Your record of the borrower's confirmation (e.g. your app's code check)."
    )


class AcceptanceOut(Schema):
    offer: UUID
    old_loan_external_id: str
    plan_loan_external_id: str
    accepted_on: date
    closing_amount: str
    carried_days_past_due: int
    reage_mode: str
    watch_installments: int


# --- account status ----------------------------------------------------------------------


class WatchOut(Schema):
    state: Literal["watching", "passed", "failed"]
    decided_on: date | None
    watched_installments: int


class AccountStatusOut(Schema):
    external_id: str
    as_of: date
    currency: str
    outstanding: str
    due_now: str
    contact_days_past_due: int = Field(description="How late the schedule is now, pauses out.")
    days_past_due: int = Field(description="Re-aged as the pack says; buckets use this.")
    bucket: str
    paused: bool
    restructured_into: str | None
    plan_of: str | None
    watch: WatchOut | None


# --- pauses ------------------------------------------------------------------------------


class PauseIn(InputSchema):
    starts_on: ApiDate = Field(description="May lie in the past, within the pack's limit.")
    ends_on: ApiDate = Field(description="The day ageing resumes.")
    reason: Reason


class ResumptionIn(InputSchema):
    resumes_on: OptionalApiDate = Field(default=None, description="Today if omitted.")


class PauseOut(Schema):
    reference: UUID
    loan_external_id: str
    starts_on: date
    ends_on: date
    resumes_on: date | None
    reason: str
    hold: UUID | None


class PauseRecordedOut(Schema):
    pause: PauseOut
    invited_offers: list[OfferOut]


class PausesOut(Schema):
    pauses: list[PauseOut]


# --- promises ----------------------------------------------------------------------------


class PromiseIn(InputSchema):
    amount: PositiveAmount
    due_on: ApiDate
    channel: PromiseChannelName


class PromiseOut(Schema):
    reference: UUID
    loan_external_id: str
    amount: str
    made_on: date
    due_on: date
    channel: str
    state: Literal["pending", "kept", "broken"]
    paid: str


class PromisesOut(Schema):
    promises: list[PromiseOut]


# --- mandates ----------------------------------------------------------------------------


class MandateIn(InputSchema):
    bank_code: Annotated[str, Field(min_length=1, max_length=20)]
    account_number: Annotated[
        str, Field(pattern=r"^[0-9 ]{8,30}$", description="Handed to the processor, never kept.")
    ]
    max_amount: PositiveAmount
    debit_day: DebitDay
    language: Language


class CancellationIn(InputSchema):
    reason: Literal["borrower", "lender"] = "borrower"


class MandateOut(Schema):
    reference: UUID
    loan_external_id: str
    account_hint: str = Field(description="The account's last four digits.")
    max_amount: str
    debit_day: int
    created_at: datetime
    consent_version: str
    cancelled_at: datetime | None
    cancellation_reason: str | None


class MandatesOut(Schema):
    mandates: list[MandateOut]


# --- points ------------------------------------------------------------------------------


class PointsRowOut(Schema):
    kind: Literal["earn", "bonus", "redeem", "expire"]
    points: int
    on: date
    loan_external_id: str | None


class LotOut(Schema):
    earned_on: date
    expires_on: date
    points: int


class PointsOut(Schema):
    borrower_external_id: str
    as_of: date
    balance: int
    lots: list[LotOut]
    history: list[PointsRowOut]


class RedemptionIn(InputSchema):
    loan_external_id: ExternalId
    points: Points


class RedemptionOut(Schema):
    points: int
    value: str
    currency: str
    ledger_entry: UUID
    balance: int
