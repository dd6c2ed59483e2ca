"""Training drills: every pack yields allowed and denied situations, answered by decide()."""

from datetime import UTC, datetime

import pytest

from tactful.policy import decide, load_pack, pack_names
from tactful.policy.drills import CHANGES, drills

TODAY = datetime(2026, 12, 6, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize("name", pack_names())
def test_every_pack_has_drills_of_both_answers_each_the_gates_own(name):
    pack = load_pack(name)
    found = drills(pack, today=TODAY)
    assert [d.key for d in found] == [key for key, _ in CHANGES]
    assert any(d.allowed for d in found)
    assert any(not d.allowed for d in found)
    for drill in found:
        s = drill.situation
        assert decide(s.attempt, s.facts, s.now, pack) == drill.decision


def test_under_cn_the_ordinary_call_is_allowed_and_each_breach_is_named():
    by_key = {d.key: d for d in drills(load_pack("cn"), today=TODAY)}
    assert by_key["ordinary_call"].allowed
    assert by_key["late_evening"].decision.categories == ("time_window",)
    assert by_key["uncertified"].decision.categories == ("certification",)
    assert by_key["fourth_connected_call"].decision.categories == ("frequency",)
    assert by_key["third_connected_call"].allowed
    assert not by_key["text_to_contact_naming_debt"].allowed
    assert by_key["contact_borrower_unreachable"].allowed
    assert not by_key["contact_borrower_reachable"].allowed


def test_the_situation_is_on_a_wednesday_afternoon_in_the_packs_zone():
    [ordinary, *_] = drills(load_pack("uk"), today=TODAY)
    local = ordinary.situation.now
    assert local.weekday() == 2
    assert local.hour == 14
    assert str(local.tzinfo) == "Europe/London"
