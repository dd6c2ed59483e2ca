import pytest

from tactful.policy import load_pack
from tactful.policy.packs import pack_names
from tactful.screening.model import load_bundle
from tactful.screening.simulation import NOTICE, Assumptions, report, simulate
from tactful.screening.strategy import load_strategy, strategy_for_pack


@pytest.fixture(scope="module")
def setting():
    bundle = load_bundle()
    return {
        "profiles": bundle.metadata["simulation"]["profiles"],
        "pack": load_pack("cn"),
        "strategy": load_strategy("cn"),
    }


@pytest.fixture(scope="module")
def tallies(setting):
    return simulate(accounts=60, days=10, seed=4, **setting)


def test_the_same_seed_gives_the_same_results(setting, tallies):
    again = simulate(accounts=60, days=10, seed=4, **setting)

    assert {k: v.to_json() for k, v in again.items()} == {
        k: v.to_json() for k, v in tallies.items()
    }


def test_blasting_third_parties_is_refused_by_the_gate(tallies):
    blast = tallies["blast"]

    assert blast.third_party_requests > 0
    assert blast.third_party_contacts == 0
    assert blast.denied_by_category["third_party"] > 0
    assert blast.denied_by_category["time_window"] > 0  # it calls at 07:00 and late at night


def test_tactful_contacts_far_fewer_people(tallies):
    assert tallies["tactful"].contacts_made < tallies["blast"].contacts_made / 5
    assert tallies["tactful"].treatments["wait"] > 0


def test_the_report_prints_every_assumption_and_says_it_is_a_model(setting, tallies):
    assumptions = Assumptions()

    result = report(
        tallies,
        chosen="tactful",
        accounts=60,
        days=10,
        seed=4,
        assumptions=assumptions,
        model_id="m",
        pack=setting["pack"],
        strategy=setting["strategy"],
    )

    assert result["notice"] == NOTICE
    assert set(result["assumptions"]) == set(Assumptions.__dataclass_fields__)
    assert result["contacts_avoided"] == (
        tallies["blast"].contacts_made - tallies["tactful"].contacts_made
    )
    assert set(result["results"]) == {"tactful", "blast"}


@pytest.mark.parametrize("pack", pack_names())
def test_the_simulator_runs_under_every_pack(setting, pack):
    tallies = simulate(
        profiles=setting["profiles"],
        accounts=20,
        days=5,
        seed=4,
        pack=load_pack(pack),
        strategy=strategy_for_pack(pack),
    )

    tactful, blast = tallies["tactful"], tallies["blast"]
    assert sum(tactful.treatments.values()) == 20
    assert 0 < tactful.contacts_made < blast.contacts_made
    assert blast.third_party_requests > 0
    assert blast.third_party_contacts == 0  # no pack lets a third party be dunned
