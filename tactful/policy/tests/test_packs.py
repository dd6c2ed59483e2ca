"""Pack files: every pack loads, compiles once, and bad packs are refused with a clear error."""

from __future__ import annotations

import copy
from typing import Any

import pytest
import yaml

from tactful.policy import PackError, UnknownPack, load_pack, pack_names
from tactful.policy.packs import PACK_DIRECTORY, compile_pack
from tactful.policy.schema import KINDS, read_pack

EXPECTED_PACKS = ("cn", "id", "in", "ke", "ph", "uk", "us")


def _document(name: str = "cn") -> dict[str, Any]:
    data = yaml.safe_load((PACK_DIRECTORY / f"{name}.yaml").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def _refusal(data: object) -> PackError:
    with pytest.raises(PackError) as caught:
        read_pack(data, "test.yaml")
    return caught.value


def test_the_seven_packs_are_shipped() -> None:
    assert pack_names() == EXPECTED_PACKS


@pytest.mark.parametrize("name", EXPECTED_PACKS)
def test_each_pack_loads_with_citations_confidence_and_both_languages(name: str) -> None:
    pack = load_pack(name)
    assert pack.name == name
    for rule in pack.rules:
        assert rule.spec.citation
        assert rule.spec.confidence in ("H", "M", "L")
        assert set(rule.reasons) == {"en", "zh-Hans"}
        assert rule.category == KINDS[rule.kind].category
        assert "{" not in rule.reasons["en"].message.replace("{fact}", "")


def test_a_pack_compiles_once() -> None:
    assert load_pack("us") is load_pack("us")


def test_the_cn_unreachable_threshold_is_a_pack_parameter() -> None:
    assert load_pack("cn").unreachable_after_unanswered_days == 3
    assert load_pack("uk").unreachable_after_unanswered_days is None


def test_the_kenyan_window_is_marked_low_confidence() -> None:
    window = next(rule for rule in load_pack("ke").rules if rule.kind == "time_window")
    assert window.spec.confidence == "L"


def test_an_unknown_pack_is_refused_by_name() -> None:
    with pytest.raises(UnknownPack, match="no such pack"):
        load_pack("xx")
    with pytest.raises(UnknownPack):
        load_pack("../packs/cn")


def _rule(data: dict[str, Any], rule_id: str) -> dict[str, Any]:
    return next(rule for rule in data["rules"] if rule["id"] == rule_id)


THREATS = "cn.soft_violence2019.no_threats"
BREAKAGES: list[tuple[str, str, Any, str | None, str]] = [
    # rule id, field path inside the rule, new value (None: delete), expected field, text
    ("cn.gbt45251.quiet_hours", "parameters.start", 480, "parameters.start", "quoted time"),
    ("cn.gbt45251.quiet_hours", "parameters.end", "25:00", "parameters.end", "HH:MM"),
    ("cn.gbt45251.quiet_hours", "parameters.end", "07:00", "parameters.end", "start before"),
    (
        "cn.gbt45251.quiet_hours",
        "parameters.weekdays",
        ["mon", "funday"],
        "parameters.weekdays",
        "funday",
    ),
    ("cn.gbt45251.quiet_hours", "parameters.holidays", ["XX"], "parameters.holidays", "XX"),
    ("cn.gbt45251.quiet_hours", "parameters.start", None, "parameters.start", "missing"),
    ("cn.gbt45251.quiet_hours", "applies_to.channels", ["fax"], "applies_to.channels", "fax"),
    ("cn.gbt45251.connected_call_cap", "parameters.max", 0, "parameters.max", "at least 1"),
    (
        "cn.gbt45251.connected_call_cap",
        "parameters.outcomes",
        ["busy"],
        "parameters.outcomes",
        "busy",
    ),
    (
        "cn.gbt45251.connected_call_cap",
        "parameters.every",
        2,
        "parameters.every",
        "not a parameter",
    ),
    ("cn.gbt45251.connected_call_cap", "category", "cooling_off", "category", "frequency"),
    ("cn.gbt45251.connected_call_cap", "kind", "speed_limit", "kind", "one of"),
    ("cn.gbt45251.connected_call_cap", "confidence", "high", "confidence", "H, M or L"),
    ("cn.gbt45251.connected_call_cap", "citation", " ", "citation", "missing"),
    ("cn.gbt45251.connected_call_cap", "messages.zh-Hans", None, "messages.zh-Hans", "missing"),
    ("cn.gbt45251.connected_call_cap", "messages.en", "At most {limit}", "messages.en", "limit"),
    ("cn.gbt45251.connected_call_cap", "colour", "red", "colour", "not a rule field"),
    ("cn.gbt45251.connected_call_cap", "messages.zh-Hant", " ", "messages.zh-Hant", "missing"),
    ("cn.gbt45251.connected_call_cap", "messages.fr", "Bonjour", "messages.fr", "language"),
    (THREATS, "parameters.finding", "rudeness", "parameters.finding", "one of"),
    (THREATS, "parameters.finding", None, "parameters.finding", "missing"),
    (THREATS, "messages.zh-Hant", None, "messages.zh-Hant", "missing"),
]


@pytest.mark.parametrize(("rule_id", "path", "value", "field", "text"), BREAKAGES)
def test_a_broken_rule_is_refused_naming_file_rule_and_field(
    rule_id: str, path: str, value: Any, field: str, text: str
) -> None:
    data = copy.deepcopy(_document())
    target = _rule(data, rule_id)
    *parents, last = path.split(".")
    for key in parents:
        target = target.setdefault(key, {})
    if value is None:
        target.pop(last)
    else:
        target[last] = value
    error = _refusal(data)
    assert (error.source, error.rule, error.field) == ("test.yaml", rule_id, field)
    assert text in str(error)
    assert str(error).startswith(f"test.yaml: rule {rule_id}: {field}: ")


def test_a_duplicate_rule_id_is_refused() -> None:
    data = copy.deepcopy(_document())
    data["rules"].append(copy.deepcopy(data["rules"][0]))
    assert _refusal(data).field == "id"


@pytest.mark.parametrize("kind", ["fail_closed", "hold", "opt_out", "certification", "content"])
def test_a_pack_without_a_rule_the_engine_relies_on_is_refused(kind: str) -> None:
    data = copy.deepcopy(_document())
    data["rules"] = [rule for rule in data["rules"] if rule["kind"] != kind]
    assert kind in str(_refusal(data))


def test_a_pack_without_a_content_rule_for_one_finding_is_refused() -> None:
    data = copy.deepcopy(_document())
    data["rules"] = [rule for rule in data["rules"] if rule["id"] != THREATS]
    error = _refusal(data)
    assert error.field == "rules"
    assert "a content rule for each finding; none for threat" in str(error)


def test_a_pack_with_two_content_rules_for_one_finding_is_refused() -> None:
    data = copy.deepcopy(_document())
    _rule(data, "cn.cba2026.no_insults")["parameters"] = {"finding": "threat"}
    error = _refusal(data)
    assert (error.rule, error.field) == ("cn.cba2026.no_insults", "parameters.finding")
    assert f"already has a content rule ({THREATS})" in str(error)


def test_any_rule_may_speak_traditional_chinese_and_its_reason_carries_it() -> None:
    data = copy.deepcopy(_document())
    _rule(data, "cn.tactful.holds")["messages"]["zh-Hant"] = "該帳戶處於暫停狀態，暫停聯絡。"
    holds = next(
        rule for rule in compile_pack(read_pack(data, "cn.yaml")).rules if rule.kind == "hold"
    )
    assert holds.reasons["zh-Hans"].messages["zh-Hant"] == "該帳戶處於暫停狀態，暫停聯絡。"
    assert "zh-Hant" not in load_pack("cn").rules[0].reasons["en"].messages


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"pack": None}, "pack"),
        ({"rules": []}, "rules"),
        ({"rules": ["a rule"]}, "rules[0]"),
        ({"owner": "me"}, "owner"),
    ],
)
def test_a_broken_pack_header_is_refused(change: dict[str, Any], field: str) -> None:
    data = {**copy.deepcopy(_document()), **change}
    assert _refusal(data).field == field


def test_a_pack_that_is_not_a_mapping_is_refused() -> None:
    assert "mapping" in str(_refusal(["rules"]))


def test_compiling_a_valid_document_gives_the_same_routes_as_loading() -> None:
    compiled = compile_pack(read_pack(_document("us"), "us.yaml"))
    loaded = load_pack("us")
    key = ("call", "third_party", "collection")
    assert [r.id for r, _ in compiled.route(*key).rules] == [
        r.id for r, _ in loaded.route(*key).rules
    ]


def test_the_gate_document_lists_every_rule_of_every_pack() -> None:
    document = PACK_DIRECTORY.parents[2] / "docs" / "gate.md"
    text = document.read_text(encoding="utf-8")
    missing = [
        rule.id for name in pack_names() for rule in load_pack(name).rules if rule.id not in text
    ]
    assert missing == []


# --- the records section and the pack's own zone -------------------------------------------


@pytest.mark.parametrize("name", EXPECTED_PACKS)
def test_each_pack_names_its_zone_and_its_record_keeping_terms(name: str) -> None:
    spec = load_pack(name).spec
    assert spec.time_zone in (
        "Asia/Shanghai",
        "Europe/London",
        "Asia/Jakarta",
        "Asia/Kolkata",
        "UTC",
    )
    assert 0 < spec.records.max_emergency_contacts <= 5
    assert spec.records.retention_years >= 5
    assert spec.records.retention_basis


def test_the_chinese_pack_keeps_its_terms() -> None:
    spec = load_pack("cn").spec
    assert spec.time_zone == "Asia/Shanghai"
    assert (spec.records.max_emergency_contacts, spec.records.contact_must_accept) == (2, True)
    assert spec.records.retention_years == 5


@pytest.mark.parametrize(
    ("records", "field"),
    [
        (None, "records"),
        ({"contact_must_accept": None}, "records.contact_must_accept"),
        ({"max_emergency_contacts": "2"}, "records.max_emergency_contacts"),
        ({"max_emergency_contacts": True}, "records.max_emergency_contacts"),
        ({"max_emergency_contacts": 9}, "records.max_emergency_contacts"),
        ({"contact_must_accept": "yes"}, "records.contact_must_accept"),
        ({"retention_years": 0}, "records.retention_years"),
        ({"retention_basis": " "}, "records.retention_basis"),
        ({"retention_months": 60}, "retention_months"),
    ],
)
def test_a_bad_records_section_is_refused_naming_the_field(
    records: dict[str, object] | None, field: str
) -> None:
    data = _document()
    data["records"] = None if records is None else {**data["records"], **records}
    assert _refusal(data).field == field


@pytest.mark.parametrize("zone", ["Asia/Shangai", "", 8, None])
def test_a_zone_that_is_not_an_iana_zone_is_refused(zone: object) -> None:
    data = _document()
    data["time_zone"] = zone
    assert _refusal(data).field == "time_zone"


def test_a_loosened_pack_that_keeps_its_version_is_refused(
    tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The review's finding: a valid but loosened cn.yaml loaded, still saying 2026.12."""
    from tactful.policy import packs

    for name in pack_names():
        (tmp_path / f"{name}.yaml").write_text(
            (PACK_DIRECTORY / f"{name}.yaml").read_text(encoding="utf-8"), encoding="utf-8"
        )
    shipped = (PACK_DIRECTORY / "cn.yaml").read_text(encoding="utf-8")
    loosened = shipped.replace('end: "22:00"', 'end: "23:30"', 1)
    assert loosened != shipped
    (tmp_path / "cn.yaml").write_text(loosened, encoding="utf-8")
    assert read_pack(yaml.safe_load(loosened), "cn.yaml").version == "2026.12.1"  # still valid
    monkeypatch.setattr(packs, "PACK_DIRECTORY", tmp_path)
    monkeypatch.setattr(packs, "_compiled_packs", {})
    packs._read_pack_file.cache_clear()
    try:
        with pytest.raises(PackError, match="not that of the pack Tactful ships"):
            load_pack("cn")
        assert load_pack("us").version == "2026.12.1"  # untouched packs still load
    finally:
        packs._read_pack_file.cache_clear()


def test_the_pinned_digests_are_those_of_the_shipped_files() -> None:
    from tactful.policy.pack_digests import SHIPPED, content_digest

    found = {
        name: content_digest((PACK_DIRECTORY / f"{name}.yaml").read_text(encoding="utf-8"))
        for name in pack_names()
    }
    assert found == SHIPPED, "run scripts/pack_digests.py and update pack_digests.py"
