"""The plots of the demo's 30 days: planned without the database, the same every time."""

from __future__ import annotations

import random
from collections import Counter
from datetime import date, time, timedelta

import pytest

from tactful.demo.plots import DAYS_NEEDED, UNANSWERED_CALLS, ZONE, Plot, plan_steps

FIRST = date(2026, 3, 2)
LAST = FIRST + timedelta(days=29)


def steps_of(plot: Plot, *, seed: str = "7", first: date = FIRST, last: date = LAST):
    return plan_steps(plot, first_day=first, last_day=last, rng=random.Random(seed))


@pytest.mark.parametrize("plot", list(Plot))
def test_every_plot_stays_in_its_days_in_time_order(plot):
    for seed in map(str, range(30)):
        steps = steps_of(plot, seed=seed)
        moments = [step.at for step in steps]
        assert moments == sorted(moments)
        assert all(FIRST <= moment.astimezone(ZONE).date() <= LAST for moment in moments)


@pytest.mark.parametrize("plot", list(Plot))
def test_the_same_stream_gives_the_same_steps(plot):
    assert steps_of(plot, seed="a") == steps_of(plot, seed="a")


def test_a_plot_without_the_days_it_needs_is_routine():
    short = FIRST + timedelta(days=DAYS_NEEDED[Plot.PROMISE_BROKEN] - 2)

    steps = steps_of(Plot.PROMISE_BROKEN, first=FIRST, last=short)

    assert all(step.promise is None for step in steps)
    assert steps == steps_of(Plot.ROUTINE, first=FIRST, last=short)


def test_a_kept_promise_is_paid_by_its_day_and_a_broken_one_never():
    (kept,) = [step.promise for step in steps_of(Plot.PROMISE_KEPT) if step.promise]
    (broken,) = [step.promise for step in steps_of(Plot.PROMISE_BROKEN) if step.promise]

    assert kept.paid_after_days is not None
    assert 1 <= kept.paid_after_days <= kept.due_in_days
    assert broken.paid_after_days is None


def test_a_pending_promise_falls_due_after_the_window_and_a_call_meets_its_hold():
    steps = steps_of(Plot.PROMISE_PENDING)
    promised, turned_away = steps[-2], steps[-1]

    assert promised.promise is not None
    day = promised.at.astimezone(ZONE).date()
    assert day + timedelta(days=promised.promise.due_in_days) > LAST + timedelta(days=1)
    assert turned_away.channel == "call"
    assert turned_away.at.astimezone(ZONE).date() == LAST


def test_hardship_is_heard_two_days_before_the_end_and_stops_the_plot():
    steps = steps_of(Plot.HARDSHIP)

    (heard,) = [step for step in steps if step.result == "hardship"]
    assert heard.at.astimezone(ZONE).date() == LAST - timedelta(days=1)
    assert heard.note
    assert steps[-1].at.astimezone(ZONE).date() == LAST


def test_the_unanswered_morning_has_one_call_more_than_the_day_allows():
    steps = steps_of(Plot.UNANSWERED)
    by_day = Counter(step.at.astimezone(ZONE).date() for step in steps if step.channel == "call")

    assert max(by_day.values()) == UNANSWERED_CALLS == 7


def test_routine_work_sometimes_falls_outside_the_allowed_hours():
    hours = [
        step.at.astimezone(ZONE).time()
        for seed in map(str, range(20))
        for step in steps_of(Plot.ROUTINE, seed=seed)
    ]

    outside = [moment for moment in hours if not time(8) <= moment < time(22)]
    assert outside
    assert len(outside) < len(hours) / 5


def test_the_newcomer_works_only_the_last_week():
    steps = steps_of(Plot.NEWCOMER)

    assert {step.channel for step in steps} == {"call", "sms"}
    assert all(step.at.astimezone(ZONE).date() > LAST - timedelta(days=7) for step in steps)


def test_a_recorded_call_names_its_audio():
    steps = plan_steps(
        Plot.RECORDED, first_day=FIRST, last_day=LAST, rng=random.Random("7"), recording="x.wav"
    )

    (recorded,) = [step for step in steps if step.recording]
    assert (recorded.recording, recorded.result) == ("x.wav", "connected")
