from datetime import UTC, datetime

import polars as pl
import pytest

from tactful.policy import load_pack
from tactful.policy.packs import pack_names
from tactful.policy.plan import COUNT_COLUMN
from tactful.screening.daily import PLAN_COLUMNS, PlanSettings, plan_day, plan_summary
from tactful.screening.model import load_bundle
from tactful.screening.strategy import load_strategy, parse_strategy, strategy_for_pack
from tactful.screening.tests.builders import behaviour

# 02:00 UTC is 10:00 in Shanghai; 18:00 UTC is 02:00 there, inside the quiet hours.
DAYTIME = datetime(2026, 5, 11, 2, 0, tzinfo=UTC)
NIGHT = datetime(2026, 5, 11, 18, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def plan_settings():
    return PlanSettings(load_bundle(), load_strategy("cn"), load_pack("cn"))


def account(name, *, days, status, holds="", opted_out="false"):
    return {
        "account": name,
        **behaviour(status=status, paid=[0, 0, 2000, 2000, 2000, 2000]),
        "days_past_due": days,
        "recipient_timezone": "Asia/Shanghai",
        "holds": holds,
        "opted_out": opted_out,
        "collector_certified": "true",
        "calls_connected": "0",
        "calls_no_answer": "0",
        "calls_failed": "0",
    }


def plan(plan_settings, *rows, at=DAYTIME):
    return plan_day(pl.DataFrame(list(rows)), settings=plan_settings, at=at)


def test_only_overdue_accounts_are_planned(plan_settings):
    result = plan(
        plan_settings,
        account("current", days=0, status=[0] * 6),
        account("late", days=40, status=[2, 1, 0, 0, 0, 0]),
    )

    assert result.columns == list(PLAN_COLUMNS)
    assert result.get_column("account").to_list() == ["late"]


def test_each_row_has_a_treatment_scores_and_reasons(plan_settings):
    row = plan(plan_settings, account("late", days=40, status=[2, 1, 0, 0, 0, 0])).row(
        0, named=True
    )

    assert row["bucket"] == "M2"
    assert row["treatment"] in ("wait", "reminder", "offer", "call", "review")
    assert 0 < row["risk"] < 1
    assert 0 < row["self_cure"] < 1
    assert len(row["reasons"].split(";")) == 3


def test_the_gate_blocks_the_channel_of_an_account_on_hold(plan_settings):
    strategy = parse_strategy(plan_settings.strategy.text.replace("{M1: wait,", "{M1: call,"))
    calling = PlanSettings(plan_settings.bundle, _all_call(strategy), plan_settings.pack)

    row = plan(calling, account("held", days=10, status=[1] + [0] * 5, holds="complaint"))

    assert row.row(0, named=True)["blocked_by"] == "hold"
    assert row.row(0, named=True)["allowed_now"] is False


def test_at_night_the_plan_says_when_the_channel_opens(plan_settings):
    calling = PlanSettings(
        plan_settings.bundle, _all_call(plan_settings.strategy), plan_settings.pack
    )

    row = plan(calling, account("late", days=10, status=[1] + [0] * 5), at=NIGHT).row(0, named=True)

    assert row["allowed_now"] is False
    assert row["next_allowed_at"] == datetime(2026, 5, 12, 0, 0, tzinfo=UTC)  # 08:00 there


def test_no_contact_treatments_ask_the_gate_nothing(plan_settings):
    waiting = PlanSettings(
        plan_settings.bundle, _all(plan_settings.strategy, "wait"), plan_settings.pack
    )

    row = plan(waiting, account("late", days=10, status=[1] + [0] * 5, holds="dispute"))

    assert row.select("channel", "allowed_now", "blocked_by").row(0) == (None, None, "")


def test_the_summary_counts_contacts_avoided(plan_settings):
    result = plan(
        plan_settings,
        *[account(str(n), days=5 + 10 * n, status=[1 + n // 3] + [0] * 5) for n in range(12)],
    )

    summary = plan_summary(result)

    assert summary["accounts"] == 12
    assert summary["contacts_avoided"] == summary["wait"] + summary["review"]


def test_a_strategy_of_another_pack_is_refused(plan_settings):
    other = PlanSettings(plan_settings.bundle, plan_settings.strategy, load_pack("us"))

    with pytest.raises(ValueError, match="not us"):
        plan(other, account("late", days=10, status=[1] + [0] * 5))


def _all(strategy, treatment):
    text = strategy.text
    for cell in ("wait", "reminder", "offer", "call", "review"):
        for bucket in ("M1", "M2", "M3+"):
            text = text.replace(f"{bucket}: {cell}", f"{bucket}: {treatment}")
    return parse_strategy(text)


def _all_call(strategy):
    return _all(strategy, "call")


def test_a_hardship_hold_sends_the_account_to_review_whatever_its_score(plan_settings):
    strategy = parse_strategy(plan_settings.strategy.text.replace("{M1: wait,", "{M1: call,"))
    calling = PlanSettings(plan_settings.bundle, _all_call(strategy), plan_settings.pack)

    rows = plan(
        calling,
        account("struggling", days=10, status=[1] + [0] * 5, holds="hardship"),
        account("also-held", days=10, status=[1] + [0] * 5, holds="complaint; hardship"),
        account("other-hold", days=10, status=[1] + [0] * 5, holds="complaint"),
    )

    treatments = dict(zip(rows["account"], rows["treatment"], strict=True))
    assert treatments == {"struggling": "review", "also-held": "review", "other-hold": "call"}
    assert rows.filter(pl.col("treatment") == "review")["channel"].to_list() == [None, None]


@pytest.mark.parametrize("pack", pack_names())
def test_each_pack_plans_with_its_own_strategy(plan_settings, pack):
    strategy = strategy_for_pack(pack)
    settings = PlanSettings(plan_settings.bundle, strategy, load_pack(pack))

    # A week of call counts with no calls: the longest window any pack counts (us: 7 days).
    no_calls = {column: ";".join(["0"] * 7) for column in COUNT_COLUMN.values()}
    rows = [account(str(n), days=5 + 30 * n, status=[1 + n] + [0] * 5) for n in range(5)]

    result = plan(settings, *[row | no_calls for row in rows])

    assert result.height == 5
    for row in result.iter_rows(named=True):
        assert row["bucket"] == strategy.bucket_for(row["days_past_due"]).name
        assert row["channel"] == strategy.channels.get(row["treatment"])
        assert (row["allowed_now"] is None) == (row["channel"] is None)
