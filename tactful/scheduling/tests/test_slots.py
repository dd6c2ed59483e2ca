"""When jobs fall due: daily and hourly slots, daylight saving, catch-up after downtime."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from tactful.scheduling.slots import (
    Cadence,
    Timing,
    daily,
    due_slots,
    hourly,
    latest_slot,
    next_slot,
    slots_between,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
NEW_YORK = ZoneInfo("America/New_York")
KOLKATA = ZoneInfo("Asia/Kolkata")
WEEK = timedelta(days=7)


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def tick_through(timing, zone, *, start, end, every=timedelta(seconds=30), every_missed=True):
    """Run a scheduler that ticks every `every` from start to end; return the slots it ran."""
    ran = []
    last = latest_slot(timing, zone, start).at
    moment = start
    while moment <= end:
        due = due_slots(timing, zone, last=last, now=moment, window=WEEK, every_missed=every_missed)
        ran.extend(due)
        if due:
            last = due[-1].at
        moment += every
    return ran


def test_a_daily_job_runs_at_its_local_time():
    slots = slots_between(daily(0, 30), SHANGHAI, utc(2026, 3, 1), utc(2026, 3, 3))

    # 00:30 in Shanghai (UTC+8) is 16:30 UTC the evening before.
    assert [slot.at for slot in slots] == [utc(2026, 3, 1, 16, 30), utc(2026, 3, 2, 16, 30)]
    assert [slot.day for slot in slots] == [date(2026, 3, 2), date(2026, 3, 3)]


def test_a_slot_is_due_at_its_time_and_not_before():
    timing = daily(0, 30)
    last = utc(2026, 3, 1, 16, 30)

    before = due_slots(
        timing, SHANGHAI, last=last, now=utc(2026, 3, 2, 16, 29), window=WEEK, every_missed=True
    )
    on_time = due_slots(
        timing, SHANGHAI, last=last, now=utc(2026, 3, 2, 16, 30), window=WEEK, every_missed=True
    )

    assert before == []
    assert [slot.day for slot in on_time] == [date(2026, 3, 3)]


def test_a_slot_already_run_is_not_due_again():
    last = utc(2026, 3, 2, 16, 30)

    due = due_slots(
        daily(0, 30), SHANGHAI, last=last, now=utc(2026, 3, 2, 20), window=WEEK, every_missed=True
    )

    assert due == []


def test_an_hourly_job_runs_at_its_minute_past_every_hour():
    slots = slots_between(hourly(5), SHANGHAI, utc(2026, 3, 2, 1), utc(2026, 3, 2, 4))

    assert [slot.at for slot in slots] == [
        utc(2026, 3, 2, 1, 5),
        utc(2026, 3, 2, 2, 5),
        utc(2026, 3, 2, 3, 5),
    ]


def test_an_hourly_minute_is_read_in_local_time_where_offsets_have_half_hours():
    slots = slots_between(hourly(5), KOLKATA, utc(2026, 3, 2, 1), utc(2026, 3, 2, 3))

    # India is UTC+5:30: five past the local hour is 35 past the UTC hour.
    assert [slot.at for slot in slots] == [utc(2026, 3, 2, 1, 35), utc(2026, 3, 2, 2, 35)]
    assert all(slot.at.astimezone(KOLKATA).minute == 5 for slot in slots)


def test_next_and_latest_slot():
    now = utc(2026, 3, 2, 12)

    assert latest_slot(daily(0, 30), SHANGHAI, now).at == utc(2026, 3, 1, 16, 30)
    assert next_slot(daily(0, 30), SHANGHAI, now).at == utc(2026, 3, 2, 16, 30)
    assert next_slot(hourly(10), SHANGHAI, now).at == utc(2026, 3, 2, 12, 10)


# Daylight saving in New York, 2026: clocks jump from 02:00 to 03:00 on 8 March and fall
# back from 02:00 to 01:00 on 1 November.


def test_a_daily_time_skipped_by_the_spring_jump_still_runs_that_day():
    slots = slots_between(daily(2, 30), NEW_YORK, utc(2026, 3, 7), utc(2026, 3, 10))

    assert [slot.day for slot in slots] == [date(2026, 3, 7), date(2026, 3, 8), date(2026, 3, 9)]
    assert [slot.at.astimezone(NEW_YORK).time() for slot in slots] == [
        time(2, 30),
        time(3, 30),  # 02:30 does not exist that night; it runs an hour of clock later
        time(2, 30),
    ]


def test_a_daily_time_repeated_by_the_autumn_fall_back_runs_once():
    slots = slots_between(daily(1, 30), NEW_YORK, utc(2026, 10, 31), utc(2026, 11, 3))

    assert [slot.day for slot in slots] == [
        date(2026, 10, 31),
        date(2026, 11, 1),
        date(2026, 11, 2),
    ]
    # The first of the two 01:30s, still on daylight time (UTC-4).
    assert slots[1].at == utc(2026, 11, 1, 5, 30)


@pytest.mark.parametrize(
    ("at", "start", "end"),
    [
        (time(2, 30), utc(2026, 3, 6), utc(2026, 3, 11)),
        (time(1, 30), utc(2026, 10, 30), utc(2026, 11, 4)),
        (time(0, 5), utc(2026, 10, 30), utc(2026, 11, 4)),
        (time(3, 0), utc(2026, 3, 6), utc(2026, 3, 11)),
    ],
)
def test_a_scheduler_ticking_through_a_transition_runs_a_daily_job_once_a_day(at, start, end):
    ran = tick_through(
        Timing(Cadence.DAILY, at), NEW_YORK, start=start, end=end, every=timedelta(minutes=1)
    )

    days = [slot.day for slot in ran]
    assert len(days) == len(set(days)), "a day ran twice"
    first = start.astimezone(NEW_YORK).date()
    assert days == [first + timedelta(days=n) for n in range(1, len(days) + 1)], "a day was skipped"
    assert len(days) >= 4


def test_an_hourly_job_runs_once_per_elapsed_hour_across_both_transitions():
    spring = tick_through(
        hourly(5), NEW_YORK, start=utc(2026, 3, 8, 4, 30), end=utc(2026, 3, 9, 4, 30)
    )
    autumn = tick_through(
        hourly(5), NEW_YORK, start=utc(2026, 11, 1, 3, 30), end=utc(2026, 11, 2, 5, 30)
    )

    # 8 March has 23 local hours, 1 November has 25: one run in each of them.
    assert len([slot for slot in spring if slot.day == date(2026, 3, 8)]) == 23
    assert len([slot for slot in autumn if slot.day == date(2026, 11, 1)]) == 25
    assert len({slot.at for slot in autumn}) == len(autumn)


def test_after_downtime_a_daily_job_told_its_day_runs_each_missed_day_in_order():
    last = utc(2026, 3, 1, 16, 30)  # the run of 2 March
    now = utc(2026, 3, 5, 17)  # after the slot of 6 March

    due = due_slots(daily(0, 30), SHANGHAI, last=last, now=now, window=WEEK, every_missed=True)

    assert [slot.day for slot in due] == [date(2026, 3, d) for d in (3, 4, 5, 6)]


def test_catch_up_goes_back_no_further_than_the_window():
    last = utc(2026, 2, 1, 16, 30)
    now = utc(2026, 3, 5, 17)

    due = due_slots(daily(0, 30), SHANGHAI, last=last, now=now, window=WEEK, every_missed=True)

    assert [slot.day for slot in due] == [date(2026, 2, 28) + timedelta(days=n) for n in range(7)]


def test_a_daily_job_not_told_its_day_runs_only_its_newest_missed_slot():
    last = utc(2026, 3, 1, 17)
    now = utc(2026, 3, 5, 18)

    due = due_slots(daily(1, 0), SHANGHAI, last=last, now=now, window=WEEK, every_missed=False)

    assert [slot.day for slot in due] == [date(2026, 3, 6)]


def test_an_hourly_job_runs_only_its_newest_missed_slot():
    last = utc(2026, 3, 2, 1, 5)
    now = utc(2026, 3, 2, 9, 30)

    due = due_slots(hourly(5), SHANGHAI, last=last, now=now, window=WEEK, every_missed=False)

    assert [slot.at for slot in due] == [utc(2026, 3, 2, 9, 5)]


def test_a_job_that_never_ran_starts_with_its_newest_slot():
    due = due_slots(
        daily(0, 30), SHANGHAI, last=None, now=utc(2026, 3, 5, 17), window=WEEK, every_missed=True
    )

    assert [slot.day for slot in due] == [date(2026, 3, 6)]


def test_slot_arithmetic_refuses_naive_moments():
    with pytest.raises(ValueError, match="aware"):
        slots_between(daily(0, 30), SHANGHAI, datetime(2026, 3, 1), datetime(2026, 3, 2))  # noqa: DTZ001


def test_a_timing_is_whole_minutes_and_an_hourly_one_has_no_hour():
    with pytest.raises(ValueError, match="whole minutes"):
        Timing(Cadence.DAILY, time(0, 30, 15))
    with pytest.raises(ValueError, match="only its minute"):
        Timing(Cadence.HOURLY, time(2, 5))
    assert daily(0, 30).describe() == "daily 00:30"
    assert hourly(5).describe() == "hourly :05"
