"""The figures of a monthly report: sections of rows, each a few codes and their counts.

`build` is pure: it turns the counts the apps grouped in their databases (`RawCounts`,
read by `selectors.month_counts`) into the report's sections. Consent and rights records
carry no pack: they are counted in the report of the pack the gate runs under
(GATE_PACK) and left out of the others (`Section.scoped` False, no rows).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from tactful.callqa.wording import CATEGORY_NAMES
from tactful.complaints.models import Category, ComplainantKind, IntakeChannel, Resolution
from tactful.consent.models import ConsentPurpose, Subject
from tactful.policy.types import CHANNELS, PURPOSES, RECIPIENT_ROLES
from tactful.reports.periods import Period
from tactful.rights.models import RightsKind, RightsSubject

Figure = int | Decimal | None
Cell = tuple[str | bool, ...]
THIRD_PARTY_ROLES = ("emergency_contact", "third_party")
VERDICTS = ("confirmed", "dismissed", "")


@dataclass(frozen=True)
class Row:
    labels: tuple[str, ...]
    figures: tuple[Figure, ...]


@dataclass(frozen=True)
class Section:
    """One table: `label_columns` name the codes in each row, `figure_columns` its counts."""

    key: str
    label_columns: tuple[str, ...]
    figure_columns: tuple[str, ...]
    rows: tuple[Row, ...]
    scoped: bool = True
    # Whether the last figure column is the row's total (then the section has a total row).
    totalled: bool = True

    @property
    def totals(self) -> tuple[int, ...]:
        return tuple(
            sum(int(row.figures[index] or 0) for row in self.rows)
            for index in range(len(self.figure_columns))
        )


@dataclass(frozen=True)
class RawCounts:
    """What the apps counted for the period, grouped in their databases; None: not counted."""

    permits: list[tuple[str, str, str, str, int]]  # channel, role, purpose, decision
    complaints: list[tuple[str, str, str, int]]  # category, intake channel, complainant
    resolutions: list[tuple[str, bool, int]]  # outcome, in time
    open_complaints: tuple[int, int]  # open at the month's end, of them past their due day
    inspected_calls: int
    findings: list[tuple[str, str, int]]  # category, newest verdict ("" none)
    withdrawals: list[tuple[str, str, int]] | None = None  # purpose, subject
    requests: list[tuple[str, str, int]] | None = None  # kind, subject
    answers: list[tuple[str, bool, int]] | None = None  # kind, in time
    late_unanswered: int | None = None


@dataclass(frozen=True)
class MonthReport:
    period: Period
    sections: tuple[Section, ...] = field(default_factory=tuple)

    def section(self, key: str) -> Section:
        return next(section for section in self.sections if section.key == key)


def build(period: Period, counts: RawCounts) -> MonthReport:
    """Return the report of `period` from `counts`: the summary first, then each table."""
    tables = (
        _contacts(counts),
        _third_parties(counts),
        _complaints(counts),
        _intake(counts),
        _outcomes(counts),
        _findings(counts),
        _withdrawals(counts),
        _rights(counts),
    )
    return MonthReport(period, (_summary(counts), *tables))


def _contacts(counts: RawCounts) -> Section:
    cells = _tally(((c, r, d), n) for c, r, _p, d, n in counts.permits)
    rows = [
        _decided(cells, (channel, role), (channel, role))
        for channel in _ordered(CHANNELS, (c for c, *_ in counts.permits))
        for role in _ordered(RECIPIENT_ROLES, (r for _c, r, *_ in counts.permits))
    ]
    return Section("contacts", ("channel", "role"), ("allowed", "denied", "total"), _nonzero(rows))


def _third_parties(counts: RawCounts) -> Section:
    cells = _tally(((r, p, d), n) for _c, r, p, d, n in counts.permits if r in THIRD_PARTY_ROLES)
    rows = [
        _decided(cells, (role, purpose), (role, purpose))
        for role in THIRD_PARTY_ROLES
        for purpose in _ordered(PURPOSES, (p for _c, _r, p, *_ in counts.permits))
    ]
    return Section(
        "third_parties", ("role", "purpose"), ("allowed", "denied", "total"), _nonzero(rows)
    )


def _decided(cells: dict[Cell, int], key: tuple[str, ...], labels: tuple[str, ...]) -> Row:
    allowed, denied = cells.get((*key, "allow"), 0), cells.get((*key, "deny"), 0)
    return Row(labels, (allowed, denied, allowed + denied))


def _complaints(counts: RawCounts) -> Section:
    kinds = _ordered(ComplainantKind.values, (k for *_, k, _n in counts.complaints))
    cells = _tally(((category, kind), n) for category, _c, kind, n in counts.complaints)
    rows = []
    for category in _ordered(Category.values, (c for c, *_ in counts.complaints)):
        figures = [cells.get((category, kind), 0) for kind in kinds]
        rows.append(Row((category,), (*figures, sum(figures))))
    return Section("complaints", ("category",), (*kinds, "total"), tuple(rows))


def _intake(counts: RawCounts) -> Section:
    cells = _tally(((channel,), n) for _c, channel, _k, n in counts.complaints)
    channels = _ordered(IntakeChannel.values, (c for _a, c, *_ in counts.complaints))
    rows = tuple(Row((channel,), (cells.get((channel,), 0),)) for channel in channels)
    return Section("complaint_intake", ("intake",), ("received",), rows)


def _outcomes(counts: RawCounts) -> Section:
    cells = _tally(((outcome, in_time), n) for outcome, in_time, n in counts.resolutions)
    rows = []
    for outcome in _ordered(Resolution.values, (o for o, *_ in counts.resolutions)):
        in_time, late = cells.get((outcome, True), 0), cells.get((outcome, False), 0)
        rows.append(Row((outcome,), (in_time, late, in_time + late)))
    return Section("complaint_outcomes", ("outcome",), ("in_time", "late", "total"), tuple(rows))


def _findings(counts: RawCounts) -> Section:
    cells = _tally(((category, verdict), n) for category, verdict, n in counts.findings)
    rows = []
    for category in _ordered(list(CATEGORY_NAMES), (c for c, *_ in counts.findings)):
        figures = [cells.get((category, verdict), 0) for verdict in VERDICTS]
        rows.append(Row((category,), (*figures, sum(figures))))
    columns = ("confirmed", "dismissed", "not_reviewed", "total")
    return Section("qa_findings", ("finding",), columns, tuple(rows))


def _withdrawals(counts: RawCounts) -> Section:
    found = counts.withdrawals or []
    cells = _tally(((purpose, subject), n) for purpose, subject, n in found)
    rows = [
        Row((purpose, subject), (cells.get((purpose, subject), 0),))
        for purpose in _ordered(ConsentPurpose.values, (p for p, *_ in found))
        for subject in _ordered(Subject.values, (s for _p, s, _n in found))
    ]
    return Section(
        "consent_withdrawals",
        ("purpose", "subject"),
        ("withdrawn",),
        _nonzero(rows),
        scoped=counts.withdrawals is not None,
    )


def _rights(counts: RawCounts) -> Section:
    requests, answers = counts.requests or [], counts.answers or []
    subjects = _ordered(RightsSubject.values, (s for _k, s, _n in requests))
    received = _tally(((kind, subject), n) for kind, subject, n in requests)
    answered = _tally(((kind, in_time), n) for kind, in_time, n in answers)
    rows = []
    for kind in _ordered(RightsKind.values, [k for k, *_ in requests] + [k for k, *_ in answers]):
        by_subject = [received.get((kind, subject), 0) for subject in subjects]
        timing = [answered.get((kind, True), 0), answered.get((kind, False), 0)]
        rows.append(Row((kind,), (*by_subject, *timing)))
    columns = (
        *(f"received_{subject}" for subject in subjects),
        "answered_in_time",
        "answered_late",
    )
    return Section(
        "rights_requests",
        ("request",),
        columns,
        tuple(rows) if counts.requests is not None else (),
        scoped=counts.requests is not None,
        totalled=False,
    )


def _summary(counts: RawCounts) -> Section:
    allowed = sum(n for *_, d, n in counts.permits if d == "allow")
    denied = sum(n for *_, d, n in counts.permits if d != "allow")
    third = sum(n for _c, r, _p, d, n in counts.permits if d == "allow" and r in THIRD_PARTY_ROLES)
    resolved = sum(n for *_, n in counts.resolutions)
    in_time = sum(n for _o, on_time, n in counts.resolutions if on_time)
    answered = sum(n for *_, n in counts.answers or [])
    answered_in_time = sum(n for _k, on_time, n in counts.answers or [] if on_time)
    scoped = counts.requests is not None
    figures: list[tuple[str, Figure]] = [
        ("permits", allowed + denied),
        ("permits_allowed", allowed),
        ("permits_denied", denied),
        ("third_party_contacts", third),
        ("complaints_received", sum(n for *_, n in counts.complaints)),
        ("complaints_resolved", resolved),
        ("complaints_in_time_percent", _percent(in_time, resolved)),
        ("complaints_open_at_end", counts.open_complaints[0]),
        ("complaints_overdue_at_end", counts.open_complaints[1]),
        ("calls_inspected", counts.inspected_calls),
        ("findings", sum(n for *_, n in counts.findings)),
        ("findings_confirmed", sum(n for _c, v, n in counts.findings if v == "confirmed")),
        ("consent_withdrawals", _sum_or_none(counts.withdrawals)),
        ("rights_requests", _sum_or_none(counts.requests)),
        ("rights_in_time_percent", _percent(answered_in_time, answered) if scoped else None),
        ("rights_late_unanswered_at_end", counts.late_unanswered),
    ]
    rows = tuple(Row((name,), (value,)) for name, value in figures)
    return Section("summary", ("figure",), ("value",), rows, totalled=False)


def _tally(pairs: Iterable[tuple[Cell, int]]) -> dict[Cell, int]:
    # Adds up rows the database already grouped (a code may be split by another column).
    found: dict[Cell, int] = {}
    for key, n in pairs:
        found[key] = found.get(key, 0) + n
    return found


def _ordered(known: Sequence[str], seen: Iterable[str]) -> list[str]:
    """The known codes in their order, then any other code the records hold, sorted."""
    return [*known, *sorted(set(seen) - set(known))]


def _nonzero(rows: Iterable[Row]) -> tuple[Row, ...]:
    return tuple(row for row in rows if any(row.figures))


def _sum_or_none(rows: list[tuple[str, str, int]] | None) -> int | None:
    return None if rows is None else sum(n for *_, n in rows)


def _percent(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / whole).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
