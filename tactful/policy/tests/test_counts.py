"""Call caps (cn per local day, us 7 in 7 days) and the us cooling-off after a conversation."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from tactful.policy import HistoryEntry, format_instant
from tactful.policy.tests.builders import attempt, call, calls, decide_in, facts, local

CHICAGO = "America/Chicago"
SECOND = timedelta(seconds=1)


class TestChinaDailyCaps:
    now = local("2026-05-11 15:00")

    def _decide(self, *history: object, **attempt_changes: object):
        return decide_in("cn", self.now, attempt(**attempt_changes), facts(history=history))

    def test_two_connected_calls_today_leave_room_for_a_third(self) -> None:
        assert self._decide(*calls(self.now, 2, "connected")).allowed

    def test_three_connected_calls_today_deny_until_tomorrow_morning(self) -> None:
        decision = self._decide(*calls(self.now, 3, "connected"))
        assert decision.categories == ("frequency",)
        assert [r.rule for r in decision.reasons] == ["cn.gbt45251.connected_call_cap"]
        assert format_instant(decision.next_allowed_at) == "2026-05-12T00:00:00Z"

    def test_five_unanswered_attempts_leave_room_for_a_sixth(self) -> None:
        assert self._decide(*calls(self.now, 5, "no_answer")).allowed

    def test_six_unanswered_attempts_count_no_answer_and_failed_together(self) -> None:
        history = (*calls(self.now, 3, "no_answer"), *calls(self.now, 3, "failed"))
        decision = self._decide(*history)
        assert [r.rule for r in decision.reasons] == ["cn.cba2026.unanswered_attempt_cap"]
        assert format_instant(decision.next_allowed_at) == "2026-05-12T00:00:00Z"

    def test_both_caps_report_both_rules(self) -> None:
        history = (*calls(self.now, 3, "connected"), *calls(self.now, 6, "failed"))
        decision = self._decide(*history)
        assert len(decision.reasons) == 2
        assert decision.categories == ("frequency",)

    def test_delivered_calls_count_for_neither_cap(self) -> None:
        assert self._decide(*calls(self.now, 9, "delivered")).allowed

    def test_calls_about_any_debt_count(self) -> None:
        history = (call(self.now, "connected", debt="L-2"), *calls(self.now, 2, "connected"))
        assert self._decide(*history).categories == ("frequency",)

    def test_calls_to_someone_else_do_not_count(self) -> None:
        assert self._decide(*calls(self.now, 3, "connected", recipient="b-2")).allowed

    def test_messages_do_not_count_towards_call_caps(self) -> None:
        assert self._decide(*calls(self.now, 9, "connected", channel="sms")).allowed

    def test_messages_are_not_capped(self) -> None:
        assert self._decide(*calls(self.now, 9, "connected"), channel="sms").allowed

    def test_the_day_is_the_recipients_local_day(self) -> None:
        midnight = local("2026-05-11 00:00")
        yesterday = calls(midnight - SECOND, 3, "connected")
        assert self._decide(*yesterday).allowed
        assert self._decide(
            *calls(midnight + 2 * timedelta(minutes=1), 3, "connected")
        ).verdict == ("deny")

    def test_history_after_now_is_ignored_and_history_at_now_counts(self) -> None:
        later = calls(self.now + timedelta(minutes=5), 3, "connected")
        assert self._decide(*later).allowed
        at_now = (call(self.now, "connected"), *calls(self.now - SECOND, 2, "connected"))
        assert self._decide(*at_now).verdict == "deny"

    def test_night_and_a_full_cap_both_show_and_wait_for_the_morning(self) -> None:
        night = local("2026-05-11 22:30")
        history = calls(night, 3, "connected")
        decision = decide_in("cn", night, attempt(), facts(history=history))
        assert decision.categories == ("frequency", "time_window")
        assert format_instant(decision.next_allowed_at) == "2026-05-12T00:00:00Z"

    def test_the_cap_applies_to_emergency_contacts_too(self) -> None:
        history = calls(self.now, 3, "connected", recipient="ec-1")
        decision = self._decide(
            *history, recipient="ec-1", recipient_role="emergency_contact", purpose="locate"
        )
        unreachable = decide_in(
            "cn",
            self.now,
            attempt(recipient="ec-1", recipient_role="emergency_contact", purpose="locate"),
            facts(
                history=history, debtor_unreachable=True, consents=frozenset({"emergency_contact"})
            ),
        )
        assert "frequency" in decision.categories
        assert unreachable.categories == ("frequency",)


def _chicago(day: int, clock: str = "10:00") -> datetime:
    return local(f"2026-05-{day:02d} {clock}", CHICAGO)


class TestUnitedStatesSevenInSeven:
    now = local("2026-05-11 10:00", CHICAGO)

    def _decide(self, history, **changes):
        a = attempt(recipient_timezone=CHICAGO, **changes)
        return decide_in("us", self.now, a, facts(history=tuple(history)))

    def _daily(
        self, first: int, last: int, outcome: str = "no_answer", **kw: Any
    ) -> list[HistoryEntry]:
        return [call(_chicago(day), outcome, **kw) for day in range(first, last + 1)]

    def test_six_calls_in_seven_days_allow_a_seventh(self) -> None:
        assert self._decide(self._daily(5, 10)).allowed

    def test_seven_calls_in_seven_days_deny_until_the_oldest_leaves_the_window(self) -> None:
        decision = self._decide(self._daily(5, 11)[:-1] + [call(self.now, "no_answer")])
        assert decision.categories == ("frequency",)
        assert format_instant(decision.next_allowed_at) == "2026-05-12T13:00:00Z"

    def test_the_window_is_seven_local_days_ending_today(self) -> None:
        before_window = call(local("2026-05-04 23:59:59", CHICAGO))
        first_instant = call(local("2026-05-05 00:00", CHICAGO))
        assert self._decide([before_window, *self._daily(6, 11)]).allowed
        assert self._decide([first_instant, *self._daily(6, 11)]).verdict == "deny"

    def test_several_calls_on_one_day_keep_the_count_high_longer(self) -> None:
        history = [call(_chicago(5)), call(_chicago(6)), *[call(self.now) for _ in range(6)]]
        decision = self._decide(history)
        assert format_instant(decision.next_allowed_at) == "2026-05-13T13:00:00Z"

    def test_failed_calls_do_not_count(self) -> None:
        assert self._decide(self._daily(5, 11, "failed")).allowed

    def test_delivered_calls_count(self) -> None:
        assert self._decide(self._daily(5, 11, "delivered")).categories == ("frequency",)

    def test_calls_about_another_debt_do_not_count(self) -> None:
        assert self._decide(self._daily(5, 11, debt="D-2")).allowed

    def test_a_call_about_an_unknown_debt_counts(self) -> None:
        history = [*self._daily(5, 10), call(self.now, debt=None)]
        assert self._decide(history).categories == ("frequency",)

    def test_messages_are_not_counted_or_capped(self) -> None:
        assert self._decide(self._daily(5, 11, channel="sms")).allowed
        assert self._decide(self._daily(5, 11), channel="sms").allowed


class TestUnitedStatesCoolingOff:
    now = local("2026-05-11 10:00", CHICAGO)

    def _decide(self, *history: object, **changes: object):
        a = attempt(recipient_timezone=CHICAGO, **changes)
        return decide_in("us", self.now, a, facts(history=history))

    def test_a_conversation_six_days_ago_blocks_until_the_seventh_day_after(self) -> None:
        decision = self._decide(call(_chicago(5, "09:00"), "connected"))
        assert decision.categories == ("cooling_off",)
        assert format_instant(decision.next_allowed_at) == "2026-05-12T13:00:00Z"

    def test_a_conversation_seven_days_ago_no_longer_blocks(self) -> None:
        assert self._decide(call(_chicago(4, "23:00"), "connected")).allowed

    def test_a_conversation_today_blocks_for_seven_days_counting_today(self) -> None:
        decision = self._decide(call(self.now - timedelta(hours=1), "connected"))
        assert format_instant(decision.next_allowed_at) == "2026-05-18T13:00:00Z"

    def test_only_calls_are_paused(self) -> None:
        assert self._decide(call(self.now, "connected"), channel="sms").allowed

    def test_a_conversation_about_another_debt_does_not_pause_this_one(self) -> None:
        assert self._decide(call(self.now, "connected", debt="D-9")).allowed

    def test_cap_and_pause_together_wait_for_the_later_of_the_two(self) -> None:
        history = [call(_chicago(day)) for day in range(5, 10)]
        history += [call(_chicago(10), "connected"), call(self.now)]
        decision = self._decide(*history)
        assert decision.categories == ("cooling_off", "frequency")
        assert format_instant(decision.next_allowed_at) == "2026-05-17T13:00:00Z"
