from __future__ import annotations

from decimal import Decimal

import pytest

from tactful.repayment import rules
from tactful.repayment.payments import (
    AccountRefused,
    BankAccount,
    ChargeRequest,
    ChargeResult,
    FakeProcessor,
)

D = Decimal


@pytest.mark.parametrize("name", rules.pack_names())
def test_every_pack_has_valid_settings(name: str) -> None:
    settings = rules.rules_for(name)
    assert settings.pack == name
    assert settings.months_options
    assert max(settings.months_options) <= settings.max_months
    assert settings.retry.max_attempts >= 1


def test_the_packs_match_the_gates_packs() -> None:
    from tactful.policy import pack_names

    assert set(rules.pack_names()) == set(pack_names())


def test_cn_flags_plans_above_24_percent_and_caps_at_the_contract_rate() -> None:
    cn = rules.rules_for("cn")
    caps = cn.caps_for(D("0.18"))
    assert caps.max_apr == D("0.24")
    assert caps.max_annual_rate == D("0.18")
    assert cn.plan_rate(D("0.30")) == D("0.30")
    assert cn.reage == "after_watch"


def test_an_unknown_pack_is_refused() -> None:
    with pytest.raises(rules.RulesError):
        rules.rules_for("atlantis")


def test_a_malformed_pack_file_is_refused(tmp_path, monkeypatch) -> None:
    (tmp_path / "zz.yaml").write_text("pack: zz\nversion: '1'\ncurrency: CNY\n")
    monkeypatch.setattr(rules, "PACK_DIRECTORY", tmp_path)
    rules.rules_for.cache_clear()
    try:
        with pytest.raises(rules.RulesError):
            rules.rules_for("zz")
    finally:
        rules.rules_for.cache_clear()


def test_the_fake_processor_charges_a_key_once(tmp_path) -> None:
    journal = tmp_path / "charges.jsonl"
    processor = FakeProcessor(journal=journal)
    token = processor.register_account(BankAccount("ICBC", "6222 0202 0011 2233")).token
    request = ChargeRequest(token=token, amount=D("10.00"), currency="CNY", idempotency_key="k1")
    first = processor.charge(request)
    again = processor.charge(request)
    assert first == again
    assert len(processor.charges) == 1
    reborn = FakeProcessor(journal=journal)
    assert reborn.charge(request) == first
    assert len(reborn.charges) == 1


def test_the_fake_processor_fails_as_scripted() -> None:
    processor = FakeProcessor()
    token = processor.register_account(BankAccount("ICBC", "62220202001122")).token
    processor.fail_accounts[token] = ChargeResult(False, failure_code="insufficient_funds")
    result = processor.charge(ChargeRequest(token, D("5.00"), "CNY", "k2"))
    assert (result.succeeded, result.failure_code) == (False, "insufficient_funds")
    assert processor.collected() == 0
    with pytest.raises(AccountRefused):
        processor.register_account(BankAccount("ICBC", "12ab"))
