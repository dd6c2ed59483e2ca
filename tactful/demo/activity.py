"""Thirty days of the demo team's casework, done through the services behind the workbench.

After the portfolio, the staff and the complaints, the supervisor hands overdue accounts to
the two demo collectors, who text and call their borrowers over the 30 days before
"today" (tactful.demo.plots says what each does, and when). Every text and call asks the
contact gate for a permit at the moment it happens, so each refusal is the gate's own:
quiet hours, the day's cap on unanswered calls, a promise's or a hardship's hold, and the
certification rule for `collector2`, who holds no certificate. Calls are logged with their
results; promises are recorded and kept (a payment is posted) or broken; two recorded calls
are uploaded to call QA, whose task transcribes them with the real speech engine (the demo's
task worker runs it); then the promises are settled and the day's plan is built, as the
nightly jobs would, so the worklist, the team page and the recordings have work to show.

Seeded in demo mode only (its staff exist only there), once: when the demo collectors
have asked for permits in the window already, nothing is done. The same seed, "today" and
portfolio give the same activity.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.utils import timezone

from tactful.accounts.models import User
from tactful.accounts.selectors import active_staff
from tactful.callqa.services import upload_recording
from tactful.casework import services as casework
from tactful.casework.models import MessageTemplate
from tactful.casework.selectors import templates_in_use
from tactful.contacts.models import ContactAttempt, Recipient
from tactful.contacts.packs import configured_pack
from tactful.contacts.selectors import holds_of_borrower, permit_counts_by_collector
from tactful.contacts.services import recipients_for_borrower
from tactful.demo.plots import DAYS_NEEDED, ZONE, Plot, PromiseTerms, Step, at, plan_steps
from tactful.demo.selectors import DEMO_BORROWER_PREFIX
from tactful.demo.staff import DEMO_ACTOR
from tactful.loans.models import Loan
from tactful.loans.selectors import loan_status, overdue_loans
from tactful.loans.services import post_payment
from tactful.repayment.selectors import promises_of
from tactful.repayment.services import settle_promises
from tactful.treatments.services import NIGHTLY_ACTOR, build_daily_plan

WINDOW_DAYS = 30
WORKED_ACCOUNTS = 24  # the other overdue accounts stay in the team's pool
RECORDINGS = Path(__file__).resolve().parent / "recordings"
# The plots cast first, each on the next account overdue long enough for it; the rest of
# the worked accounts are routine.
CAST: tuple[tuple[Plot, str], ...] = (
    (Plot.HARDSHIP, ""),
    (Plot.PROMISE_KEPT, ""),
    (Plot.PROMISE_BROKEN, ""),
    (Plot.PROMISE_PENDING, ""),
    (Plot.RECORDED, "exposure_threat.wav"),
    (Plot.RECORDED, "greeting.wav"),
    (Plot.UNANSWERED, ""),
    (Plot.WRONG_NUMBER, ""),
    (Plot.NEWCOMER, ""),
    (Plot.NEWCOMER, ""),
)
CALL_MINUTES = 4
REMINDER = "payment_reminder"  # the template tactful.demo.casework seeds
ASSIGN_REASON = "逾期账户，分配跟进"


@dataclass(frozen=True)
class ActivitySummary:
    """What the activity step did; all zero when it was skipped, and `skipped` says why."""

    accounts: int = 0
    allowed: int = 0
    refused: int = 0
    # Reason category -> refused permits it was among the reasons of.
    refused_by: dict[str, int] = field(default_factory=dict)
    calls_logged: int = 0
    # Promise state on "today" (kept, broken, pending) -> promises.
    promises: dict[str, int] = field(default_factory=dict)
    recordings: int = 0
    plan_date: date | None = None
    # The plan's summary: accounts per treatment, contacts avoided.
    plan: dict[str, int] = field(default_factory=dict)
    skipped: str = ""

    def describe(self) -> list[str]:
        """Return the summary as lines for people."""
        if self.skipped:
            return [f"  demo activity: skipped: {self.skipped}"]
        refused = ", ".join(f"{name} {n}" for name, n in sorted(self.refused_by.items()))
        promises = ", ".join(f"{state} {n}" for state, n in sorted(self.promises.items()))
        plan = ", ".join(f"{name} {n}" for name, n in self.plan.items())
        return [
            f"  demo activity, the last {WINDOW_DAYS} days: {self.accounts} accounts worked",
            f"    permits allowed {self.allowed}, refused {self.refused} ({refused or 'none'})",
            f"    calls logged {self.calls_logged}; promises {promises or 'none'}",
            f"    recordings for call QA: {self.recordings} (the task worker transcribes them)",
            f"    plan of {self.plan_date}: {plan}",
        ]


@dataclass(frozen=True)
class Team:
    supervisor: User
    collector: User
    newcomer: User  # collector2: no certificate


@dataclass(frozen=True)
class Account:
    loan: Loan
    first_day: date  # the first day of the window on which the loan was overdue
    held: bool = False  # a hold (a complaint's) pauses contact with the borrower
    plot: Plot = Plot.ROUTINE
    recording: str = ""


def seed_demo_activity(
    *,
    seed: int,
    today: date,
    now: datetime | None = None,
    progress: Callable[[str], None] | None = None,
) -> ActivitySummary:
    """Work the demo's overdue accounts over the 30 days before `today`; return what was done.

    `now` is the moment the day's plan is made at (default: `_planning_moment`).
    """
    if not settings.DEMO_MODE:
        return ActivitySummary(skipped="TACTFUL_DEMO is off")
    team = _team()
    if team is None:
        return ActivitySummary(skipped="the demo staff are missing")
    if _worked_already(team, since=at(today - timedelta(days=WINDOW_DAYS), 0)):
        return ActivitySummary(skipped="the demo collectors have worked already")
    moment = now or _planning_moment(today)
    overdue = _overdue(seed, today, now=moment)
    accounts = _cast(overdue, today, random.Random(f"{seed}:activity"))
    desk = _Desk(team, _templates(), seed=seed, today=today)
    with transaction.atomic():
        for done, account in enumerate(accounts, start=1):
            desk.work(account)
            if progress is not None and (done % 6 == 0 or done == len(accounts)):
                progress(f"demo activity: worked {done}/{len(accounts)} accounts")
        # What the nightly jobs do: settle the promises whose day is over, plan the day.
        if progress is not None:
            progress("demo activity: settling promises and building the day's plan")
        settle_promises(as_of=today)
        plan = build_daily_plan(plan_date=today, at=moment, actor=NIGHTLY_ACTOR)
    return desk.summary(len(accounts), plan.plan_date, dict(plan.summary))


def _team() -> Team | None:
    supervisor, collector, newcomer = (
        active_staff(name) for name in ("supervisor", "collector", "collector2")
    )
    if supervisor is None or collector is None or newcomer is None:
        return None
    return Team(supervisor, collector, newcomer)


def _worked_already(team: Team, *, since: datetime) -> bool:
    counts = permit_counts_by_collector(since=since)
    return team.collector.pk in counts or team.newcomer.pk in counts


def _planning_moment(day: date) -> datetime:
    """Now on the real date; noon (UTC) of an earlier `day`, as if planned that day."""
    if day == timezone.now().date():
        return timezone.now()
    return datetime.combine(day, time(12), tzinfo=UTC)


def _templates() -> dict[str, MessageTemplate]:
    """The approved payment reminder, by language."""
    found = templates_in_use(pack=configured_pack().name, audience="debtor")
    return {template.language: template for template in found if template.name == REMINDER}


def _overdue(seed: int, today: date, *, now: datetime) -> list[Account]:
    """The seed's loans overdue on `today`, one per borrower, in a fixed order."""
    start = today - timedelta(days=WINDOW_DAYS)
    prefix = f"{DEMO_BORROWER_PREFIX}{seed}-"
    loans = [
        loan for loan in overdue_loans(as_of=today) if loan.borrower.external_id.startswith(prefix)
    ]
    found: dict[int, Account] = {}
    for loan in sorted(loans, key=lambda loan: loan.external_id):
        days = loan_status(loan, as_of=today).days_past_due
        # Overdue since `today - days + 1`; an account first overdue today has no past yet.
        if days >= 2 and loan.borrower_id not in found:
            first_day = max(start, today - timedelta(days=days - 1))
            held = holds_of_borrower(loan.borrower, now=now).exists()
            found[loan.borrower_id] = Account(loan, first_day, held)
    return list(found.values())


def _cast(overdue: list[Account], today: date, rng: random.Random) -> list[Account]:
    """Choose the accounts worked and give each its plot."""
    rng.shuffle(overdue)
    free = overdue[:WORKED_ACCOUNTS]
    cast: list[Account] = []
    for plot, recording in CAST:
        # Overdue on enough of the window's days (its first to yesterday), and no complaint
        # to stop the story halfway: held accounts are worked as routine, and refused.
        fitting = [
            a for a in free if not a.held and (today - a.first_day).days >= DAYS_NEEDED[plot]
        ]
        if fitting:
            free.remove(fitting[0])
            cast.append(replace(fitting[0], plot=plot, recording=recording))
    return cast + free


class _Desk:
    """The demo team at work: carries out each account's steps and counts the gate's answers."""

    def __init__(
        self, team: Team, templates: dict[str, MessageTemplate], *, seed: int, today: date
    ) -> None:
        self.team = team
        self.templates = templates
        self.seed = seed
        self.today = today
        self.allowed = 0
        self.refused = 0
        self.refused_by: Counter[str] = Counter()
        self.calls_logged = 0
        self.recordings = 0
        self.promised: list[Loan] = []

    def work(self, account: Account) -> None:
        loan = account.loan
        collector = self.team.newcomer if account.plot is Plot.NEWCOMER else self.team.collector
        steps = plan_steps(
            account.plot,
            first_day=account.first_day,
            last_day=self.today - timedelta(days=1),
            rng=random.Random(f"{self.seed}:{loan.external_id}"),
            recording=account.recording,
        )
        # The supervisor hands the account out the evening before the collector starts on it.
        handed_out = at(account.first_day - timedelta(days=1), 18, 0)
        casework.assign(
            loan=loan,
            collector=collector,
            by=self.team.supervisor,
            reason=ASSIGN_REASON,
            now=handed_out,
        )
        recipient = recipients_for_borrower(borrower=loan.borrower)[0]
        for step in steps:
            if step.channel == "sms":
                self._text(step, loan, recipient, collector)
            else:
                self._call(step, loan, recipient, collector)

    def _text(self, step: Step, loan: Loan, recipient: Recipient, collector: User) -> None:
        template = self.templates.get(loan.borrower.preferred_language)
        template = template or next(iter(self.templates.values()), None)
        if template is None:
            return
        attempt = casework.send_templated_sms(
            loan=loan,
            recipient=recipient,
            template=template,
            collector=collector,
            today=_day_of(step.at),
            now=step.at,
        )
        self._count(attempt)

    def _call(self, step: Step, loan: Loan, recipient: Recipient, collector: User) -> None:
        attempt = casework.place_call(
            loan=loan,
            recipient=recipient,
            purpose="collection",
            collector=collector,
            language=loan.borrower.preferred_language,
            now=step.at,
        )
        self._count(attempt)
        if not attempt.allowed:
            return
        ended = step.at + timedelta(minutes=CALL_MINUTES)
        casework.log_call(attempt=attempt, result=step.result, collector=collector, now=ended)
        self.calls_logged += 1
        if step.note:
            casework.add_note(loan=loan, text=step.note, author=collector, now=ended)
        if step.promise is not None:
            self._promise(step.promise, loan, collector, ended)
        if step.recording:
            self._record(step.recording, attempt, collector, ended)

    def _promise(self, terms: PromiseTerms, loan: Loan, collector: User, moment: datetime) -> None:
        day = _day_of(moment)
        amount = loan_status(loan, as_of=day).due_now
        if amount <= 0:
            return
        casework.take_promise(
            loan=loan,
            amount=amount,
            due_on=day + timedelta(days=terms.due_in_days),
            channel="call",
            collector=collector,
            today=day,
            now=moment,
        )
        self.promised.append(loan)
        if terms.paid_after_days is not None:
            # The borrower's own money, as the loan core would report it.
            post_payment(
                loan=loan,
                amount=amount,
                value_date=day + timedelta(days=terms.paid_after_days),
                actor=DEMO_ACTOR,
                external_reference=f"demo-promise-{day.isoformat()}",
            )

    def _record(self, name: str, attempt: ContactAttempt, collector: User, ended: datetime) -> None:
        # Uploaded as a collector would; call QA's task transcribes it once this commits.
        with (RECORDINGS / name).open("rb") as audio:
            upload_recording(
                attempt=attempt,
                audio=File(audio, name=name),
                actor=collector.audit_actor,
                now=ended + timedelta(minutes=10),
            )
        self.recordings += 1

    def _count(self, attempt: ContactAttempt) -> None:
        if attempt.allowed:
            self.allowed += 1
            return
        self.refused += 1
        self.refused_by.update(attempt.categories)

    def summary(self, accounts: int, plan_date: date, plan: dict[str, int]) -> ActivitySummary:
        states = Counter(
            str(view.state)
            for loan in dict.fromkeys(self.promised)
            for view in promises_of(loan, as_of=self.today)
        )
        return ActivitySummary(
            accounts=accounts,
            allowed=self.allowed,
            refused=self.refused,
            refused_by=dict(self.refused_by),
            calls_logged=self.calls_logged,
            promises=dict(states),
            recordings=self.recordings,
            plan_date=plan_date,
            plan=plan,
        )


def _day_of(moment: datetime) -> date:
    """The date on the borrowers' clock."""
    return moment.astimezone(ZONE).date()
