import polars as pl
import pytest

from tactful.policy import load_pack
from tactful.policy.packs import pack_names
from tactful.policy.plan import plan_channels
from tactful.screening import strategy as strategy_module
from tactful.screening.strategy import (
    CONTACTING,
    TREATMENTS,
    StrategyError,
    load_strategy,
    parse_strategy,
    strategy_for_pack,
    strategy_names,
)


@pytest.fixture(scope="module")
def cn():
    return load_strategy("cn")


def test_the_cn_strategy_is_shipped_for_the_cn_pack(cn):
    assert "cn" in strategy_names()
    assert cn.pack == "cn"
    assert cn.version
    assert set(cn.table.values()) <= set(TREATMENTS)


@pytest.mark.parametrize(
    ("self_cure", "days", "treatment", "channel"),
    [
        (0.9, 5, "wait", None),
        (0.9, 45, "reminder", "sms"),
        (0.5, 5, "reminder", "sms"),
        (0.5, 90, "call", "call"),
        (0.1, 45, "call", "call"),
        (0.1, 200, "review", None),
    ],
)
def test_band_and_bucket_give_the_treatment(cn, self_cure, days, treatment, channel):
    assignment = cn.assign(self_cure=self_cure, days_past_due=days)

    assert (assignment.treatment, assignment.channel) == (treatment, channel)


def test_an_account_not_overdue_gets_no_treatment(cn):
    assert cn.assign(self_cure=0.5, days_past_due=0) is None


def test_the_vectorized_assignment_matches_the_one_at_a_time(cn):
    cases = pl.DataFrame(
        {"self_cure": [0.99, 0.65, 0.64, 0.35, 0.34, 0.0], "days": [1, 30, 31, 60, 61, 400]}
    )
    band = cn.band_expression(pl.col("self_cure"))
    bucket = cn.bucket_expression(pl.col("days"))
    vectorized = cases.select(cn.treatment_expression(band, bucket)).to_series().to_list()

    expected = [cn.assign(self_cure=s, days_past_due=d).treatment for s, d in cases.iter_rows()]
    assert vectorized == expected


def _with_cell(cn, old, new):
    return cn.text.replace(old, new, 1)


@pytest.mark.parametrize("word", ["emergency_contact", "locate", "third_party"])
def test_the_emergency_contact_path_is_never_a_treatment(cn, word):
    text = _with_cell(cn, "{M1: wait,", "{M1: " + word + ",")

    with pytest.raises(StrategyError, match="emergency-contact path is never a treatment"):
        parse_strategy(text)


@pytest.mark.parametrize(
    ("old", "new", "problem"),
    [
        ("{M1: wait,", "{M1: shout,", "must be one of"),
        ("{M1: wait, ", "{", "must be one of"),
        ("min_self_cure: 0.35", "min_self_cure: 0.75", "highest min_self_cure down"),
        ("min_self_cure: 0.0}", "min_self_cure: 0.1}", "last band"),
        ("max_days: 30}", "max_days: 29}", "meet exactly"),
        ("  call: call\n", "", "channels"),
        ("score: self_cure", "score: risk", "score must be self_cure"),
    ],
)
def test_a_broken_strategy_is_refused_with_the_reason(cn, old, new, problem):
    assert old in cn.text
    with pytest.raises(StrategyError, match=problem):
        parse_strategy(cn.text.replace(old, new, 1))


def test_an_unknown_strategy_names_the_shipped_ones():
    with pytest.raises(StrategyError, match="shipped: cn, id, in, ke, ph, uk, us"):
        load_strategy("atlantis")


def test_every_rule_pack_has_a_strategy_and_every_strategy_a_pack():
    assert strategy_names() == sorted(pack_names())


@pytest.mark.parametrize("pack", pack_names())
def test_the_strategy_of_each_pack_gives_every_cell_a_treatment(pack):
    strategy = strategy_for_pack(pack)

    cells = {(band.name, bucket.name) for band in strategy.bands for bucket in strategy.buckets}
    assert (strategy.name, strategy.pack) == (pack, pack)
    assert set(strategy.table) == cells
    assert set(strategy.table.values()) <= set(TREATMENTS)
    assert set(strategy.channels) == set(CONTACTING)


@pytest.mark.parametrize("pack", pack_names())
def test_each_strategy_contacts_on_channels_its_pack_opens_to_the_borrower(pack):
    strategy = strategy_for_pack(pack)
    governed = {plan.channel: plan for plan in plan_channels(load_pack(pack), "collection")}

    for channel in set(strategy.channels.values()):
        assert governed[channel].static == set(), f"{pack} never lets {channel} reach a debtor"
        assert governed[channel].windows, f"{pack} gives {channel} no hours"


def test_a_pack_without_a_strategy_is_refused_naming_the_pack(monkeypatch, tmp_path):
    monkeypatch.setattr(strategy_module, "STRATEGY_DIR", tmp_path)

    with pytest.raises(StrategyError, match="strategy for pack uk: none is shipped"):
        strategy_for_pack("uk")


def test_a_strategy_written_for_another_pack_is_refused(monkeypatch, tmp_path):
    (tmp_path / "uk.yaml").write_text(load_strategy("cn").text, encoding="utf-8")
    monkeypatch.setattr(strategy_module, "STRATEGY_DIR", tmp_path)

    with pytest.raises(StrategyError, match="uk.yaml is written for pack cn"):
        strategy_for_pack("uk")
