"""What the demo's collectors do with each account over 30 days, planned without the database.

Every worked account follows a plot: the texts and calls a collector makes, when, and what
the collector logs if a call goes through. Whether a contact may happen is not planned
here: the gate decides when the steps are carried out (tactful.demo.activity), so a step
at 22:30 or under a promise's hold is refused by the rules, not by this module.

Times are on the borrowers' clock (Asia/Shanghai, where the demo portfolio lives). Same
random stream, same steps.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import Literal
from zoneinfo import ZoneInfo

ZONE = ZoneInfo("Asia/Shanghai")
TOUCH_CHANCE = 0.3  # a working day on which the collector texts or calls an account
SMS_SHARE = 0.35
# Now and then a collector reaches for the phone outside the hours the pack allows.
OUT_OF_HOURS_CHANCE = 0.08
OUT_OF_HOURS = ((7, 10, 50), (22, 5, 50))  # (hour, first minute, last minute)
ROUTINE_RESULTS = {"no_answer": 56, "connected": 40, "dispute": 4}
UNANSWERED_CALLS = 7  # one more than the pack's six unanswered attempts a day
NEWCOMER_DAYS = 7  # collector2 joined the team a week ago

DISPUTE_NOTE = "借款人对逾期费有异议，已请其在应用内查看账单明细。"
HARDSHIP_NOTE = "借款人说上个月失业了，情绪很低落。已停止催收，请主管复核。"
WRONG_NUMBER_NOTE = "接听的人说不认识借款人，号码可能有误。"
BROKEN_PROMISE_NOTE = "承诺还款日已过，未收到还款。"


class Plot(StrEnum):
    """What happens to an account over the demo's 30 days."""

    ROUTINE = "routine"  # texts and calls: no answer, a word, now and then a dispute
    PROMISE_KEPT = "promise_kept"  # promises on a call and pays before the day
    PROMISE_BROKEN = "promise_broken"  # promises, pays nothing; contact resumes on the day
    PROMISE_PENDING = "promise_pending"  # the promised day is still to come; its hold refuses
    HARDSHIP = "hardship"  # speaks of losing their job: waits for a supervisor's review
    WRONG_NUMBER = "wrong_number"  # a stranger answers: the number fails for good
    UNANSWERED = "unanswered"  # a morning of unanswered calls until the day's cap refuses
    RECORDED = "recorded"  # a call whose recording goes to call QA
    NEWCOMER = "newcomer"  # collector2's accounts: no certificate, every contact refused


# The days an account must have been overdue, within the window, for its plot to fit.
DAYS_NEEDED = {
    Plot.PROMISE_KEPT: 8,
    Plot.PROMISE_BROKEN: 10,
    Plot.PROMISE_PENDING: 3,
    Plot.HARDSHIP: 3,
    Plot.WRONG_NUMBER: 2,
    Plot.UNANSWERED: 2,
    Plot.RECORDED: 2,
    Plot.NEWCOMER: 1,
    Plot.ROUTINE: 1,
}


@dataclass(frozen=True)
class PromiseTerms:
    due_in_days: int
    # Days after the promise that the borrower pays what was promised; None: never.
    paid_after_days: int | None


@dataclass(frozen=True)
class Step:
    at: datetime
    channel: Literal["sms", "call"]
    # What the collector logs when the gate lets the call through.
    result: str = "no_answer"
    note: str = ""
    promise: PromiseTerms | None = None
    recording: str = ""  # an audio file of tactful/demo/recordings/


def plan_steps(
    plot: Plot, *, first_day: date, last_day: date, rng: random.Random, recording: str = ""
) -> list[Step]:
    """Return the steps of `plot` on the days `first_day` to `last_day`, in time order."""
    days = _days(first_day, last_day)
    if len(days) < DAYS_NEEDED[plot]:
        return _routine(days, rng)
    return _PLOTS[plot](days, rng, recording)


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def at(day: date, hour: int, minute: int = 0) -> datetime:
    """The moment `hour:minute` on `day` on the borrowers' clock."""
    return datetime.combine(day, time(hour, minute), tzinfo=ZONE)


def _working_hours(day: date, rng: random.Random) -> datetime:
    return at(day, rng.randint(9, 19), rng.randint(0, 59))


def _any_hour(day: date, rng: random.Random) -> datetime:
    if rng.random() >= OUT_OF_HOURS_CHANCE:
        return _working_hours(day, rng)
    hour, first, last = rng.choice(OUT_OF_HOURS)
    return at(day, hour, rng.randint(first, last))


def _routine(days: list[date], rng: random.Random, chance: float = TOUCH_CHANCE) -> list[Step]:
    steps = []
    for day in days:
        if rng.random() >= chance:
            continue
        moment = _any_hour(day, rng)
        if rng.random() < SMS_SHARE:
            steps.append(Step(moment, "sms"))
            continue
        result = rng.choices(list(ROUTINE_RESULTS), list(ROUTINE_RESULTS.values()))[0]
        steps.append(Step(moment, "call", result, DISPUTE_NOTE if result == "dispute" else ""))
    return steps


def _event_day(days: list[date], rng: random.Random, *, after: int, before: int) -> int:
    """Index of a day with at least `after` days before it and `before` days after it."""
    return rng.randint(after, len(days) - 1 - before)


def _promise_kept(days: list[date], rng: random.Random, recording: str) -> list[Step]:
    index = _event_day(days, rng, after=1, before=6)
    due_in = rng.randint(3, 5)
    promise = PromiseTerms(due_in, paid_after_days=rng.randint(1, due_in))
    call = Step(_working_hours(days[index], rng), "call", "promise", promise=promise)
    # Paid: the account is current again and the collector leaves it.
    return [*_routine(days[:index], rng), call]


def _promise_broken(days: list[date], rng: random.Random, recording: str) -> list[Step]:
    index = _event_day(days, rng, after=1, before=8)
    due_in = rng.randint(3, 5)
    promise = PromiseTerms(due_in, paid_after_days=None)
    call = Step(_working_hours(days[index], rng), "call", "promise", promise=promise)
    due = index + due_in
    # On the promised day the hold has ended: a reminder, then calls again after it.
    reminder = Step(at(days[due], 10, 30), "sms")
    chase = Step(at(days[due + 1], 11, 15), "call", "connected", BROKEN_PROMISE_NOTE)
    return [*_routine(days[:index], rng), call, reminder, chase, *_routine(days[due + 2 :], rng)]


def _promise_pending(days: list[date], rng: random.Random, recording: str) -> list[Step]:
    # Promised two days ago for a day still ahead; yesterday's call meets the promise's hold.
    promise = PromiseTerms(due_in_days=rng.randint(4, 7), paid_after_days=None)
    call = Step(_working_hours(days[-2], rng), "call", "promise", promise=promise)
    turned_away = Step(at(days[-1], 15, 20), "call")
    return [*_routine(days[:-2], rng), call, turned_away]


def _hardship(days: list[date], rng: random.Random, recording: str) -> list[Step]:
    # Two days ago the borrower spoke of losing their job; yesterday the hold stopped a call.
    call = Step(at(days[-2], 14, 10), "call", "hardship", HARDSHIP_NOTE)
    turned_away = Step(at(days[-1], 10, 40), "call")
    return [*_routine(days[:-2], rng), call, turned_away]


def _wrong_number(days: list[date], rng: random.Random, recording: str) -> list[Step]:
    index = _event_day(days, rng, after=1, before=0)
    call = Step(_working_hours(days[index], rng), "call", "wrong_number", WRONG_NUMBER_NOTE)
    return [*_routine(days[:index], rng), call]


def _unanswered(days: list[date], rng: random.Random, recording: str) -> list[Step]:
    index = _event_day(days, rng, after=0, before=1)
    morning = [
        Step(at(days[index], 9, 5) + timedelta(minutes=20 * n), "call")
        for n in range(UNANSWERED_CALLS)
    ]
    return [*_routine(days[:index], rng), *morning, *_routine(days[index + 1 :], rng)]


def _recorded(days: list[date], rng: random.Random, recording: str) -> list[Step]:
    index = _event_day(days, rng, after=1, before=0)
    call = Step(at(days[index], 16, 5), "call", "connected", recording=recording)
    return [*_routine(days[:index], rng), call, *_routine(days[index + 1 :], rng)]


def _newcomer(days: list[date], rng: random.Random, recording: str) -> list[Step]:
    week = days[-NEWCOMER_DAYS:]
    return [
        Step(_working_hours(week[0], rng), "call"),
        Step(_working_hours(week[-1], rng), "sms"),
    ]


_Planner = Callable[[list[date], random.Random, str], list[Step]]
_PLOTS: dict[Plot, _Planner] = {
    Plot.ROUTINE: lambda days, rng, recording: _routine(days, rng),
    Plot.PROMISE_KEPT: _promise_kept,
    Plot.PROMISE_BROKEN: _promise_broken,
    Plot.PROMISE_PENDING: _promise_pending,
    Plot.HARDSHIP: _hardship,
    Plot.WRONG_NUMBER: _wrong_number,
    Plot.UNANSWERED: _unanswered,
    Plot.RECORDED: _recorded,
    Plot.NEWCOMER: _newcomer,
}
