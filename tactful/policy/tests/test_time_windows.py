"""Time windows of every pack: start included, end excluded, local time, DST, holidays."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tactful.policy import Attempt, Decision, decide, format_instant, load_pack
from tactful.policy.schema import KINDS
from tactful.policy.tests.builders import MONDAY, ZONE_OF_PACK, attempt, decide_in, facts, local

WINDOWS = {
    "cn": ("08:00", "22:00"),
    "us": ("08:00", "21:00"),
    "in": ("08:00", "19:00"),
    "ph": ("06:00", "22:00"),
    "id": ("08:00", "20:00"),
    "ke": ("08:00", "20:00"),
    "uk": ("08:00", "21:00"),
}
# Channels each pack leaves outside its window.
UNBOUNDED = {
    "cn": ("letter", "email"),
    "us": ("letter",),
    "in": ("letter", "email"),
    "ph": ("letter", "email"),
    "id": ("letter",),
    "ke": ("letter", "email"),
    "uk": ("letter",),
}
SECOND = timedelta(seconds=1)


def _try(pack: str, when: str, channel: str = "call", day: str = MONDAY) -> Decision:
    zone = ZONE_OF_PACK[pack]
    now = local(f"{day} {when}", zone)
    return decide_in(pack, now, attempt(channel=channel, recipient_timezone=zone))


@pytest.mark.parametrize("pack", sorted(WINDOWS))
def test_the_window_start_is_included(pack: str) -> None:
    assert _try(pack, WINDOWS[pack][0]).allowed


@pytest.mark.parametrize("pack", sorted(WINDOWS))
def test_a_second_before_the_start_is_outside_and_waits_for_the_start(pack: str) -> None:
    zone = ZONE_OF_PACK[pack]
    start = local(f"{MONDAY} {WINDOWS[pack][0]}", zone)
    decision = decide_in(pack, start - SECOND, attempt(recipient_timezone=zone))
    assert decision.categories == ("time_window",)
    assert decision.next_allowed_at == start


@pytest.mark.parametrize("pack", sorted(WINDOWS))
def test_the_last_second_before_the_end_is_inside(pack: str) -> None:
    zone = ZONE_OF_PACK[pack]
    end = local(f"{MONDAY} {WINDOWS[pack][1]}", zone)
    assert decide_in(pack, end - SECOND, attempt(recipient_timezone=zone)).allowed


@pytest.mark.parametrize("pack", sorted(WINDOWS))
def test_the_end_is_excluded_and_the_next_chance_is_tomorrow_at_the_start(pack: str) -> None:
    zone = ZONE_OF_PACK[pack]
    decision = decide_in(
        pack, local(f"{MONDAY} {WINDOWS[pack][1]}", zone), attempt(recipient_timezone=zone)
    )
    assert decision.verdict == "deny"
    assert decision.categories == ("time_window",)
    assert decision.next_allowed_at == local(f"2026-05-12 {WINDOWS[pack][0]}", zone)


@pytest.mark.parametrize(
    ("pack", "channel"),
    [(pack, channel) for pack, channels in sorted(UNBOUNDED.items()) for channel in channels],
)
def test_channels_outside_the_window_rule_are_allowed_at_night(pack: str, channel: str) -> None:
    assert _try(pack, "03:00", channel).allowed


@pytest.mark.parametrize(
    ("pack", "channel"),
    [
        (pack, channel)
        for pack in sorted(WINDOWS)
        for channel in ("call", "sms", "push", "email", "visit")
        if channel not in UNBOUNDED[pack]
    ],
)
def test_every_other_channel_waits_for_the_window(pack: str, channel: str) -> None:
    decision = _try(pack, "03:00", channel)
    assert decision.categories == ("time_window",)


def test_cn_22_00_00_is_outside() -> None:
    decision = decide_in("cn", local(f"{MONDAY} 22:00:00"))
    assert decision.categories == ("time_window",)
    assert format_instant(decision.next_allowed_at) == "2026-05-12T00:00:00Z"


def test_local_time_is_the_recipients_not_utc() -> None:
    # 13:30 UTC is 21:30 in Shanghai (inside) and 08:30 in Chicago (inside), 14:30 UTC is
    # 22:30 in Shanghai (outside).
    now = local("2026-05-11 14:30", "UTC")
    assert decide_in("cn", now).categories == ("time_window",)
    assert decide_in("us", now).allowed


class TestDaylightSaving:
    def test_us_spring_forward_night_waits_for_eight_in_daylight_time(self) -> None:
        # 2026-03-08: New York jumps from 02:00 EST to 03:00 EDT.
        zone = "America/New_York"
        night = local("2026-03-07 22:00", zone)
        decision = decide_in("us", night, attempt(recipient_timezone=zone))
        assert format_instant(decision.next_allowed_at) == "2026-03-08T12:00:00Z"

    def test_us_window_edges_on_the_day_clocks_change(self) -> None:
        zone = "America/New_York"
        a = attempt(recipient_timezone=zone)
        assert decide_in("us", local("2026-03-08 07:59:59", zone), a).verdict == "deny"
        assert decide_in("us", local("2026-03-08 08:00", zone), a).allowed
        assert decide_in("us", local("2026-11-01 20:59:59", zone), a).allowed
        assert decide_in("us", local("2026-11-01 21:00", zone), a).verdict == "deny"

    def test_uk_spring_forward_opening_is_eight_british_summer_time(self) -> None:
        zone = "Europe/London"
        decision = decide_in(
            "uk", local("2026-03-28 21:00", zone), attempt(recipient_timezone=zone)
        )
        assert format_instant(decision.next_allowed_at) == "2026-03-29T07:00:00Z"

    def test_uk_fall_back_opening_is_eight_greenwich_time(self) -> None:
        zone = "Europe/London"
        decision = decide_in(
            "uk", local("2026-10-24 21:30", zone), attempt(recipient_timezone=zone)
        )
        assert format_instant(decision.next_allowed_at) == "2026-10-25T08:00:00Z"

    def test_a_dst_free_zone_keeps_the_same_utc_opening_all_year(self) -> None:
        for day in ("2026-01-15", "2026-07-15"):
            decision = decide_in("cn", local(f"{day} 07:00"))
            assert decision.next_allowed_at == local(f"{day} 08:00")
            assert format_instant(decision.next_allowed_at) == f"{day}T00:00:00Z"


class TestIndonesianCalendar:
    zone = "Asia/Jakarta"

    def _decide(self, when: str) -> Decision:
        return decide_in("id", local(when, self.zone), attempt(recipient_timezone=self.zone))

    def test_sunday_is_closed_and_monday_morning_is_next(self) -> None:
        decision = self._decide("2026-05-10 10:00")
        assert decision.categories == ("time_window",)
        assert format_instant(decision.next_allowed_at) == "2026-05-11T01:00:00Z"

    def test_saturday_is_open(self) -> None:
        assert self._decide("2026-05-16 10:00").allowed

    def test_a_national_holiday_is_closed_and_the_next_working_day_is_next(self) -> None:
        # 2026-05-14 is Ascension Day, a public holiday in Indonesia.
        decision = self._decide("2026-05-14 10:00")
        assert decision.categories == ("time_window",)
        assert format_instant(decision.next_allowed_at) == "2026-05-15T01:00:00Z"

    def test_the_evening_before_a_holiday_skips_it(self) -> None:
        decision = self._decide("2026-05-13 20:00")
        assert format_instant(decision.next_allowed_at) == "2026-05-15T01:00:00Z"

    def test_saturday_evening_skips_sunday(self) -> None:
        decision = self._decide("2026-05-16 20:30")
        assert format_instant(decision.next_allowed_at) == "2026-05-18T01:00:00Z"

    def test_email_obeys_the_calendar_but_a_letter_does_not(self) -> None:
        now = local("2026-05-10 10:00", self.zone)
        email = decide_in("id", now, attempt(channel="email", recipient_timezone=self.zone))
        letter = decide_in("id", now, attempt(channel="letter", recipient_timezone=self.zone))
        assert email.categories == ("time_window",)
        assert letter.allowed


def _code_text(**changes: object) -> Attempt:
    """A sign-in code texted to the debtor, who asked for it moments ago."""
    values: dict[str, object] = {
        "channel": "sms",
        "purpose": "service",
        "requested_by_recipient": True,
        "collector_certified": None,
    }
    values.update(changes)
    return attempt(**values)


@pytest.mark.parametrize("pack", sorted(WINDOWS))
def test_a_message_the_recipient_just_asked_for_is_not_held_to_the_window(pack: str) -> None:
    """A person who asks for their sign-in code at 23:30 gets it: they made the contact."""
    zone = ZONE_OF_PACK[pack]
    night = local(f"{MONDAY} 23:30", zone)
    assert decide_in(pack, night, _code_text(recipient_timezone=zone)).allowed


@pytest.mark.parametrize("pack", sorted(WINDOWS))
@pytest.mark.parametrize(
    "changes",
    [
        {"requested_by_recipient": False},  # a service text nobody asked for
        {"requested_by_recipient": "true"},  # a malformed flag never exempts
        {"requested_by_recipient": 1},
        {"purpose": "reminder", "collector_certified": True},  # service messages only
        {"purpose": "collection", "collector_certified": True},
    ],
)
def test_anything_else_at_night_is_still_held_to_the_window(
    pack: str, changes: dict[str, object]
) -> None:
    zone = ZONE_OF_PACK[pack]
    night = local(f"{MONDAY} 23:30", zone)
    decision = decide_in(pack, night, _code_text(recipient_timezone=zone, **changes))
    assert "time_window" in decision.categories


def test_a_requested_message_still_has_its_words_checked_at_night() -> None:
    night = local(f"{MONDAY} 23:30")
    threat = _code_text(content="还钱，不然我们就通知你全家和你单位。")
    assert decide_in("cn", night, threat).categories == ("content",)


def test_a_lender_may_withdraw_the_exemption_but_not_grant_one() -> None:
    window = {"id": "cn.gbt45251.quiet_hours", "parameters": {"requested_exempt": False}}
    strict = load_pack("cn", override={"pack": "cn", "rules": [window]})
    night = local(f"{MONDAY} 23:30")
    assert decide(_code_text(), facts(), night, strict).categories == ("time_window",)
    added = {
        "id": "acme.no_requested_exemption_default",
        "kind": "time_window",
        "category": "time_window",
        "parameters": {
            "start": "07:00",
            "end": "23:00",
            "weekdays": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
            "holidays": [],
        },
        "citation": "ACME policy",
        "confidence": "H",
        "messages": {"en": "Only {start} to {end}.", "zh-Hans": "仅限 {start} 至 {end}。"},
    }
    # A rule added without the parameter holds requested messages too: absence never loosens.
    with_added = load_pack("cn", override={"pack": "cn", "rules": [added]})
    assert "time_window" in decide(_code_text(), facts(), night, with_added).categories
    # Tightening runs one way: from exempt to held, never back.
    exemption = KINDS["time_window"].params["requested_exempt"]
    assert exemption.stricter(True, False)
    assert not exemption.stricter(False, True)
