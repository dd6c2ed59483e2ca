"""The charts of /staff/oversight/: each a view-model of bars, series and rates, read from
the daily roll-ups (`tactful.oversight.selectors`), with the link to each bar's records."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, TypeVar
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tactful.accounts.selectors import actor_names
from tactful.callqa.wording import category_name, signal_name
from tactful.complaints.models import Category as ComplaintCategory
from tactful.complaints.selectors import sla_health
from tactful.consent.models import ConsentPurpose
from tactful.contacts.vocabulary import (
    CATEGORY_LABELS,
    CHANNEL_LABELS,
    RECIPIENT_ROLE_LABELS,
    VERDICT_LABELS,
)
from tactful.oversight import metrics
from tactful.oversight.selectors import day_counts, totals_by
from tactful.oversight.services import window
from tactful.repayment.models import DebitOutcome
from tactful.staff.oversight import charts
from tactful.staff.oversight.forms import Period
from tactful.treatments.models import Treatment

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

ALLOWED = "#2e7d4f"
DENIED = "#b3261e"
NEUTRAL = "#2f5f8a"
SECOND = "#b06a00"
OTHER_PEOPLE = ("guarantor", "emergency_contact", "third_party")
# The treatments that make no contact today (screening/daily.py's "contacts avoided").
LEFT_ALONE = (Treatment.WAIT.value, Treatment.REVIEW.value)
PROMISE_STATES: Mapping[str, StrOrPromise] = {
    "kept": gettext_lazy("Kept"),
    "broken": gettext_lazy("Broken"),
}
SLA_LABELS: Mapping[str, StrOrPromise] = {
    "on_time": gettext_lazy("On time"),
    "at_risk": gettext_lazy("At risk"),
    "breached": gettext_lazy("Breached"),
}
REVIEW_LABELS: Mapping[str, StrOrPromise] = {
    "1h": gettext_lazy("Within an hour"),
    "24h": gettext_lazy("Within a day"),
    "72h": gettext_lazy("Within three days"),
    "later": gettext_lazy("Later"),
}


@dataclass(frozen=True)
class Series:
    key: str
    label: StrOrPromise
    colour: str


@dataclass(frozen=True)
class Row:
    """A bar and its line of the table: a count per series, and the records of each."""

    key: str
    label: str
    counts: tuple[int, ...]
    hrefs: tuple[str, ...]
    rate: Decimal | None = None
    short_label: str = ""

    @property
    def total(self) -> int:
        return sum(self.counts)


@dataclass(frozen=True)
class Chart:
    slug: str
    title: StrOrPromise
    explanation: StrOrPromise
    series: tuple[Series, ...]
    rows: tuple[Row, ...]
    layout: charts.Layout = "bars"
    rate_label: StrOrPromise = ""
    # False: the records carry no pack, so the chart counts every pack whatever is picked.
    pack_scoped: bool = True
    summary: str = ""

    @property
    def table(self) -> list[tuple[Row, list[tuple[StrOrPromise, int, str]]]]:
        """Each row with its cells: the series' name, the count, the records' address."""
        return [
            (
                row,
                [
                    (series.label, count, href)
                    for series, count, href in zip(self.series, row.counts, row.hrefs, strict=True)
                ],
            )
            for row in self.rows
        ]

    @property
    def drawing(self) -> charts.Drawing:
        return charts.draw([self._bar(row) for row in self.rows], self.layout)

    def _bar(self, row: Row) -> charts.Bar:
        segments = tuple(
            charts.Segment(series.colour, count, f"{row.label} · {series.label}: {count}", href)
            for series, count, href in zip(self.series, row.counts, row.hrefs, strict=True)
        )
        return charts.Bar(row.label, segments, row.short_label)


@dataclass(frozen=True)
class Scope:
    """What the officer picked, and the base of the rates."""

    period: Period
    pack: str
    accounts: int
    today: date

    def records(self, chart: str, **narrowing: str) -> str:
        """The address of the records behind a bar: this scope narrowed by `narrowing`."""
        query = {
            "chart": chart,
            "start": narrowing.pop("start", self.period.first.isoformat()),
            "end": narrowing.pop("end", self.period.last.isoformat()),
            "pack": self.pack,
            **narrowing,
        }
        return f"{reverse('staff:oversight-records')}?{urlencode(query)}"

    def totals(
        self, metric: metrics.Metric, *parts: str, where: Mapping[str, str] | None = None
    ) -> dict[tuple[str, ...], int]:
        return totals_by(
            metric,
            *parts,
            first=self.period.first,
            last=self.period.last,
            pack=self.pack,
            where=where,
        )


def build_charts(scope: Scope) -> list[Chart]:
    return [build(scope) for build in BUILDERS.values()]


def per(count: int, base: int, accounts: int) -> Decimal | None:
    """`count` per `base` (1,000 accounts, 100 calls), to two places; None without a base."""
    if not accounts:
        return None
    return (Decimal(count) * base / accounts).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _verdicts() -> tuple[Series, ...]:
    return (
        Series("allow", VERDICT_LABELS["allow"], ALLOWED),
        Series("deny", VERDICT_LABELS["deny"], DENIED),
    )


def _single(key: str, label: StrOrPromise, colour: str = NEUTRAL) -> tuple[Series, ...]:
    return (Series(key, label, colour),)


def permits_per_day(scope: Scope) -> Chart:
    totals: dict[tuple[str, str], int] = {}
    for row in day_counts(
        metrics.PERMITS, first=scope.period.first, last=scope.period.last, pack=scope.pack
    ):
        key = (row.parts["decision"], row.day.isoformat())
        totals[key] = totals.get(key, 0) + row.count
    rows = tuple(
        Row(
            key=day.isoformat(),
            label=day.isoformat(),
            short_label=day.strftime("%m-%d"),
            counts=tuple(
                totals.get((verdict, day.isoformat()), 0) for verdict in ("allow", "deny")
            ),
            hrefs=tuple(
                scope.records("permits", start=day.isoformat(), end=day.isoformat(), decision=v)
                for v in ("allow", "deny")
            ),
        )
        for day in scope.period.days
    )
    allowed = sum(row.counts[0] for row in rows)
    denied = sum(row.counts[1] for row in rows)
    return Chart(
        slug="permits-per-day",
        title=gettext_lazy("Permits allowed and denied per day"),
        explanation=gettext_lazy(
            "Every contact asks the gate first. A denial is a contact that did not happen."
        ),
        series=_verdicts(),
        rows=rows,
        layout="columns",
        summary=_("%(allowed)s allowed, %(denied)s denied.")
        % {"allowed": allowed, "denied": denied},
    )


def denials_by_category(scope: Scope) -> Chart:
    totals = scope.totals(metrics.PERMITS, "categories", where={"decision": "deny"})
    per_category: dict[str, int] = {}
    for (joined,), count in totals.items():
        for category in filter(None, joined.split(";")):
            per_category[category] = per_category.get(category, 0) + count
    rows = tuple(
        Row(
            key=category,
            label=str(CATEGORY_LABELS.get(category, category)),  # type: ignore[call-overload]
            counts=(count,),
            hrefs=(scope.records("permits", decision="deny", category=category),),
        )
        for category, count in _largest_first(per_category)
    )
    return Chart(
        slug="denials-by-category",
        title=gettext_lazy("Denials by rule category"),
        explanation=gettext_lazy(
            "Why the gate said no. A denial for two reasons counts once under each."
        ),
        series=_single("deny", VERDICT_LABELS["deny"], DENIED),
        rows=rows,
    )


def permits_by_channel(scope: Scope) -> Chart:
    totals = scope.totals(metrics.PERMITS, "channel", "decision")
    channels = sorted({channel for channel, _verdict in totals})
    rows = tuple(
        Row(
            key=channel,
            label=str(CHANNEL_LABELS.get(channel, channel)),  # type: ignore[call-overload]
            counts=tuple(totals.get((channel, v), 0) for v in ("allow", "deny")),
            hrefs=tuple(
                scope.records("permits", channel=channel, decision=v) for v in ("allow", "deny")
            ),
        )
        for channel in channels
    )
    return Chart(
        slug="permits-by-channel",
        title=gettext_lazy("Permits by channel"),
        explanation=gettext_lazy("Calls, texts and the other channels, allowed and denied."),
        series=_verdicts(),
        rows=rows,
    )


def third_party_contacts(scope: Scope) -> Chart:
    totals = scope.totals(metrics.PERMITS, "role", "decision")
    rows = tuple(
        Row(
            key=role,
            label=str(RECIPIENT_ROLE_LABELS.get(role, role)),  # type: ignore[call-overload]
            counts=tuple(totals.get((role, v), 0) for v in ("allow", "deny")),
            hrefs=tuple(
                scope.records("third-party", role=role, decision=v) for v in ("allow", "deny")
            ),
            rate=per(totals.get((role, "allow"), 0), 1000, scope.accounts),
        )
        for role in OTHER_PEOPLE
    )
    allowed = sum(row.counts[0] for row in rows)
    return Chart(
        slug="third-party",
        title=gettext_lazy("Contacts with people other than the borrower"),
        explanation=gettext_lazy(
            "Guarantors, emergency contacts and anyone else. The gate allows one only with "
            "a trigger (the borrower cannot be reached) and the person's consent; the goal "
            "without them is 0."
        ),
        series=_verdicts(),
        rows=rows,
        rate_label=gettext_lazy("Allowed per 1,000 accounts"),
        summary=_("%(count)s allowed: %(rate)s per 1,000 accounts.")
        % {"count": allowed, "rate": per(allowed, 1000, scope.accounts) or Decimal("0.00")},
    )


def complaints_by_category(scope: Scope) -> Chart:
    totals = scope.totals(metrics.COMPLAINTS, "category")
    rows = tuple(
        Row(
            key=category,
            label=str(ComplaintCategory(category).label)
            if category in ComplaintCategory.values
            else category,
            counts=(count,),
            hrefs=(scope.records("complaints", category=category),),
            rate=per(count, 10_000, scope.accounts),
        )
        for (category,), count in _largest_first(totals)
    )
    return Chart(
        slug="complaints-by-category",
        title=gettext_lazy("Complaints by category"),
        explanation=gettext_lazy("Complaints received in the period, from anyone."),
        series=_single("complaints", gettext_lazy("Complaints")),
        rows=rows,
        rate_label=gettext_lazy("Per 10,000 accounts"),
    )


def sla_standing(scope: Scope) -> Chart:
    days = window(scope.period.first, scope.period.last)
    counts = sla_health(start=days.start, end=days.end, today=scope.today, pack=scope.pack)
    rows = tuple(
        Row(
            key=standing,
            label=str(label),
            counts=(counts.get(standing, 0),),
            hrefs=(scope.records("complaints", standing=standing),),
        )
        for standing, label in SLA_LABELS.items()
    )
    return Chart(
        slug="sla-health",
        title=gettext_lazy("Complaint deadlines"),
        explanation=gettext_lazy(
            "The complaints received in the period as they stand today: answered or open "
            "in time, open and due within two days, or past their deadline."
        ),
        series=_single("complaints", gettext_lazy("Complaints")),
        rows=rows,
    )


def findings_by_collector(scope: Scope) -> Chart:
    calls = scope.totals(metrics.CALLS, "collector")
    findings = scope.totals(metrics.FINDINGS, "collector")
    names = actor_names(f"user:{pk}" for (pk,) in calls)
    rows = tuple(
        Row(
            key=collector,
            label=names.get(f"user:{collector}", _("No collector")),
            counts=(findings.get((collector,), 0),),
            hrefs=(scope.records("findings", collector=collector),),
            rate=per(findings.get((collector,), 0), 100, count),
        )
        for (collector,), count in _largest_first(calls)
    )
    return Chart(
        slug="findings-by-collector",
        title=gettext_lazy("Call findings by collector"),
        explanation=gettext_lazy(
            "What the language checker found in each collector's inspected calls, before "
            "anyone reviewed it."
        ),
        series=_single("findings", gettext_lazy("Findings"), SECOND),
        rows=rows,
        rate_label=gettext_lazy("Per 100 calls"),
    )


def findings_by_category(scope: Scope) -> Chart:
    calls = sum(scope.totals(metrics.CALLS).values())
    findings = scope.totals(metrics.FINDINGS, "category")
    rows = tuple(
        Row(
            key=category,
            label=str(category_name(category)),
            counts=(count,),
            hrefs=(scope.records("findings", category=category),),
            rate=per(count, 100, calls),
        )
        for (category,), count in _largest_first(findings)
    )
    return Chart(
        slug="findings-by-category",
        title=gettext_lazy("Call findings by category"),
        explanation=gettext_lazy("Threats, insults and the other findings in inspected calls."),
        series=_single("findings", gettext_lazy("Findings"), SECOND),
        rows=rows,
        rate_label=gettext_lazy("Per 100 calls"),
        summary=_("%(calls)s calls inspected.") % {"calls": calls},
    )


def signals_by_kind(scope: Scope) -> Chart:
    totals = scope.totals(metrics.SIGNALS, "kind")
    rows = tuple(
        Row(
            key=kind,
            label=str(signal_name(kind)),
            counts=(count,),
            hrefs=(scope.records("signals", kind=kind),),
        )
        for (kind,), count in _largest_first(totals)
    )
    return Chart(
        slug="signals",
        title=gettext_lazy("Hardship and distress heard in calls"),
        explanation=gettext_lazy(
            "Each signal places a hardship hold; distress also alerts a supervisor."
        ),
        series=_single("signals", gettext_lazy("Signals")),
        rows=rows,
    )


def alert_reviews(scope: Scope) -> Chart:
    totals = scope.totals(metrics.ALERT_REVIEWS, "within")
    rows = tuple(
        Row(
            key=within,
            label=str(label),
            counts=(totals.get((within,), 0),),
            hrefs=(scope.records("alert-reviews", within=within),),
        )
        for within, label in REVIEW_LABELS.items()
    )
    return Chart(
        slug="alert-reviews",
        title=gettext_lazy("Time until a supervisor reviewed a distress alert"),
        explanation=gettext_lazy("Alerts acknowledged in the period, by how long they waited."),
        series=_single("alerts", gettext_lazy("Alerts")),
        rows=rows,
    )


def consent_withdrawals(scope: Scope) -> Chart:
    totals = scope.totals(metrics.WITHDRAWALS, "purpose")
    rows = tuple(
        Row(
            key=purpose,
            label=str(ConsentPurpose(purpose).label)
            if purpose in ConsentPurpose.values
            else purpose,
            counts=(count,),
            hrefs=(scope.records("withdrawals", purpose=purpose),),
        )
        for (purpose,), count in _largest_first(totals)
    )
    return Chart(
        slug="withdrawals",
        title=gettext_lazy("Consents withdrawn"),
        explanation=gettext_lazy("By what the consent was for."),
        series=_single("withdrawals", gettext_lazy("Withdrawals")),
        rows=rows,
        pack_scoped=False,
    )


def opt_outs(scope: Scope) -> Chart:
    totals = scope.totals(metrics.OPT_OUTS, "role")
    rows = tuple(
        Row(
            key=role,
            label=str(RECIPIENT_ROLE_LABELS.get(role, role)),  # type: ignore[call-overload]
            counts=(count,),
            hrefs=(scope.records("opt-outs", role=role),),
        )
        for (role,), count in _largest_first(totals)
    )
    return Chart(
        slug="opt-outs",
        title=gettext_lazy("Requests to stop contact"),
        explanation=gettext_lazy("Opt-outs recorded, by who asked."),
        series=_single("opt_outs", gettext_lazy("Opt-outs")),
        rows=rows,
        pack_scoped=False,
    )


def promises(scope: Scope) -> Chart:
    totals = scope.totals(metrics.PROMISES, "state")
    return _outcomes(
        scope,
        slug="promises",
        records="promises",
        title=gettext_lazy("Promises to pay kept"),
        explanation=gettext_lazy("Promises whose day ended in the period, kept or broken."),
        labels=PROMISE_STATES,
        totals={state: count for (state,), count in totals.items()},
        good="kept",
        filter_name="state",
    )


def auto_debits(scope: Scope) -> Chart:
    totals = scope.totals(metrics.DEBITS, "outcome")
    return _outcomes(
        scope,
        slug="auto-debit",
        records="auto-debits",
        title=gettext_lazy("Auto-debit success"),
        explanation=gettext_lazy("Collections from borrowers' accounts under their mandates."),
        labels={outcome.value: outcome.label for outcome in DebitOutcome},
        totals={outcome: count for (outcome,), count in totals.items()},
        good=DebitOutcome.SUCCEEDED.value,
        filter_name="outcome",
    )


def contacts_avoided(scope: Scope) -> Chart:
    totals = {
        treatment: n for (treatment,), n in scope.totals(metrics.PLAN_ENTRIES, "treatment").items()
    }
    rows = tuple(
        _treatment_row(scope, treatment, totals.get(treatment, 0)) for treatment in Treatment
    )
    baseline = sum(totals.values())
    avoided = sum(totals.get(name, 0) for name in LEFT_ALONE)
    share = per(avoided, 100, baseline)
    summary = (
        _(
            "Contacting every overdue account, as blasting does, would have made %(baseline)s "
            "contacts on the plans' days; the plans left %(avoided)s of them out (%(share)s%%)."
        )
        % {"baseline": baseline, "avoided": avoided, "share": share}
        if share is not None
        else ""
    )
    return Chart(
        slug="contacts-avoided",
        title=gettext_lazy("Contacts avoided"),
        explanation=gettext_lazy(
            "The nightly plans' accounts by treatment. The baseline is the simulator's "
            "contact-everyone practice: one contact per overdue account per day."
        ),
        series=(
            Series("contacted", gettext_lazy("Contacted"), NEUTRAL),
            Series("avoided", gettext_lazy("Left alone"), ALLOWED),
        ),
        rows=rows,
        summary=summary,
    )


def recovery_by_treatment(scope: Scope) -> Chart:
    planned = {t: n for (t,), n in scope.totals(metrics.PLAN_ENTRIES, "treatment").items()}
    paying = {t: n for (t,), n in scope.totals(metrics.PAYING_ENTRIES, "treatment").items()}
    rows = tuple(
        Row(
            key=treatment.value,
            label=str(treatment.label),
            counts=(paying.get(treatment.value, 0),),
            hrefs=(scope.records("plan", treatment=treatment.value, paid="1"),),
            rate=per(paying.get(treatment.value, 0), 1000, planned.get(treatment.value, 0)),
        )
        for treatment in Treatment
    )
    return Chart(
        slug="recovery",
        title=gettext_lazy("Recovery by treatment"),
        explanation=gettext_lazy(
            "Accounts in the nightly plans that paid on the plan's day, by the treatment "
            "they were under; the rate is per 1,000 of that treatment's accounts."
        ),
        series=_single("paid", gettext_lazy("Paid that day"), ALLOWED),
        rows=rows,
        rate_label=gettext_lazy("Per 1,000 accounts of the treatment"),
    )


def _treatment_row(scope: Scope, treatment: Treatment, count: int) -> Row:
    """A treatment's accounts, counted as left alone (wait, review) or contacted."""
    left_alone = treatment.value in LEFT_ALONE
    return Row(
        key=treatment.value,
        label=str(treatment.label),
        counts=(0, count) if left_alone else (count, 0),
        hrefs=(scope.records("plan", treatment=treatment.value),) * 2,
    )


def _outcomes(
    scope: Scope,
    *,
    slug: str,
    records: str,
    title: StrOrPromise,
    explanation: StrOrPromise,
    labels: Mapping[str, StrOrPromise],
    totals: Mapping[str, int],
    good: str,
    filter_name: str,
) -> Chart:
    """A chart of how things ended (kept or broken, collected or not), the good share first."""
    rows = tuple(
        Row(
            key=key,
            label=str(label),
            counts=(totals.get(key, 0),),
            hrefs=(scope.records(records, **{filter_name: key}),),
        )
        for key, label in labels.items()
    )
    whole = sum(totals.values())
    share = per(totals.get(good, 0), 100, whole)
    summary = _("%(share)s%% of %(whole)s.") % {"share": share, "whole": whole} if share else ""
    return Chart(
        slug=slug,
        title=title,
        explanation=explanation,
        series=_single(slug, gettext_lazy("Count")),
        rows=rows,
        pack_scoped=False,
        summary=summary,
    )


Key = TypeVar("Key", str, tuple[str, ...])


def _largest_first(counts: Mapping[Key, int]) -> list[tuple[Key, int]]:
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


BUILDERS: dict[str, Callable[[Scope], Chart]] = {
    "permits-per-day": permits_per_day,
    "denials-by-category": denials_by_category,
    "permits-by-channel": permits_by_channel,
    "third-party": third_party_contacts,
    "complaints-by-category": complaints_by_category,
    "sla-health": sla_standing,
    "findings-by-collector": findings_by_collector,
    "findings-by-category": findings_by_category,
    "signals": signals_by_kind,
    "alert-reviews": alert_reviews,
    "withdrawals": consent_withdrawals,
    "opt-outs": opt_outs,
    "promises": promises,
    "auto-debit": auto_debits,
    "contacts-avoided": contacts_avoided,
    "recovery": recovery_by_treatment,
}
