"""Request and response shapes of `/api/v1/loans`. Amounts and rates travel as strings."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal
from uuid import UUID

from ninja import Schema
from pydantic import Field, Strict

from tactful.api.schemas import (
    AnnualRate,
    ApiDate,
    Currency,
    ExternalId,
    InputSchema,
    OptionalApiDate,
    PositiveAmount,
    ReferenceText,
    ShortText,
)
from tactful.money.schedule import MAX_MONTHS

TermMonths = Annotated[int, Strict(), Field(ge=1, le=MAX_MONTHS)]
InstallmentNumber = Annotated[int, Strict(), Field(ge=1, le=MAX_MONTHS)]


class LoanIn(InputSchema):
    borrower_external_id: ExternalId
    product: ShortText
    principal: PositiveAmount
    annual_rate: AnnualRate
    term_months: TermMonths
    method: Literal["equal_installment", "equal_principal"]
    disbursed_on: ApiDate
    currency: Currency


class LoanOut(Schema):
    reference: UUID
    external_id: str
    borrower_external_id: str
    product: str
    principal: str = Field(examples=["12000.00"])
    annual_rate: str = Field(examples=["0.18"])
    term_months: int
    method: str
    disbursed_on: date
    currency: str
    created_at: datetime


class StatusQuery(Schema):
    as_of: OptionalApiDate = Field(default=None, description="YYYY-MM-DD; today (UTC) if omitted.")


class LoanStatusOut(Schema):
    external_id: str
    as_of: date
    currency: str
    outstanding: str = Field(description="Everything still owed, due or not.")
    due_now: str = Field(description="Owed on installments due on or before as_of.")
    unapplied: str = Field(description="Paid beyond the whole loan, kept as credit.")
    days_past_due: int
    bucket: str
    settled: bool


class InstallmentOut(Schema):
    n: int
    due_date: date
    principal: str
    interest: str
    fees_due: str
    paid: str
    outstanding: str
    paid_off_on: date | None


class ScheduleOut(Schema):
    external_id: str
    as_of: date
    currency: str
    installments: list[InstallmentOut]


class SnapshotOut(Schema):
    as_of: date
    days_past_due: int
    bucket: str


class TransitionOut(Schema):
    on: date
    from_bucket: str
    to_bucket: str


class DelinquencyOut(Schema):
    external_id: str
    as_of: date
    days_past_due: int
    bucket: str
    history: list[SnapshotOut] = Field(description="Recorded at the close of each day.")
    transitions: list[TransitionOut] = Field(description="Days the recorded bucket changed.")


class PaymentIn(InputSchema):
    amount: PositiveAmount
    value_date: ApiDate
    external_reference: ReferenceText = ""


class ReversalIn(InputSchema):
    value_date: ApiDate


class FeeIn(InputSchema):
    installment: InstallmentNumber
    amount: PositiveAmount
    value_date: ApiDate


class EntryOut(Schema):
    reference: UUID
    kind: str
    amount: str
    value_date: date
    installment: int | None
    reverses: UUID | None
    external_reference: str
    posted_at: datetime


class AllocatedOut(Schema):
    n: int
    fees: str
    interest: str
    principal: str


class AllocationOut(Schema):
    installments: list[AllocatedOut]
    unapplied: str = Field(description="The part of this payment beyond the whole loan.")


class EntryResultOut(Schema):
    entry: EntryOut
    status: LoanStatusOut


class PaymentOut(EntryResultOut):
    allocation: AllocationOut
