"""Pure money arithmetic: currencies, schedules, the ledger waterfall and delinquency.

Nothing here imports Django, touches a database or reads the clock: every date
is an argument, so every result can be replayed and tested exactly.
"""

from __future__ import annotations

from tactful.money.batch import (
    bucket_expression,
    days_past_due_frame,
    installment_states_by_loan,
    overdue_expression,
)
from tactful.money.calendar import add_months
from tactful.money.currency import (
    MINOR_UNITS,
    AmountError,
    UnknownCurrency,
    minor_units,
    parse_amount,
    quantum,
    to_minor_precision,
)
from tactful.money.delinquency import (
    BUCKETS_ENV_VAR,
    DEFAULT_BUCKET_SPEC,
    DEFAULT_BUCKETS,
    Bucket,
    BucketError,
    BucketScheme,
    days_past_due,
    delinquency_history,
    is_past_due,
    scheme_from_environ,
)
from tactful.money.ledger import (
    Allocation,
    Due,
    Entry,
    EntryKind,
    InstallmentState,
    LedgerError,
    LedgerState,
    OpenReplay,
    replay,
    replay_each,
)
from tactful.money.ledger_checks import validate_entries, validate_ledger
from tactful.money.schedule import Method, ScheduledInstallment, ScheduleError, build_schedule

__all__ = [
    "BUCKETS_ENV_VAR",
    "DEFAULT_BUCKETS",
    "DEFAULT_BUCKET_SPEC",
    "MINOR_UNITS",
    "Allocation",
    "AmountError",
    "Bucket",
    "BucketError",
    "BucketScheme",
    "Due",
    "Entry",
    "EntryKind",
    "InstallmentState",
    "LedgerError",
    "LedgerState",
    "Method",
    "OpenReplay",
    "ScheduleError",
    "ScheduledInstallment",
    "UnknownCurrency",
    "add_months",
    "bucket_expression",
    "build_schedule",
    "days_past_due",
    "days_past_due_frame",
    "delinquency_history",
    "installment_states_by_loan",
    "is_past_due",
    "minor_units",
    "overdue_expression",
    "parse_amount",
    "quantum",
    "replay",
    "replay_each",
    "scheme_from_environ",
    "to_minor_precision",
    "validate_entries",
    "validate_ledger",
]
