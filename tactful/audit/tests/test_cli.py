from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tactful.audit.models import AuditEvent
from tactful.audit.tests.conftest import CHAIN_LENGTH
from tactful.cli import main


def test_verify_reports_an_intact_chain(chain, capsys):
    status = main(["audit", "verify"])

    assert status == 0
    assert capsys.readouterr().out.strip() == (
        f"Audit chain intact: {CHAIN_LENGTH} events checked, 0 signed checkpoints matched."
    )


def test_verify_names_the_tampered_event_and_exits_1(chain, capsys):
    AuditEvent.objects.filter(sequence=4).update(payload={"n": 400})

    status = main(["audit", "verify"])

    assert status == 1
    out = capsys.readouterr().out
    assert "BROKEN at event 4: payload altered" in out
    assert "3 events before it verified" in out


def test_verify_names_a_deleted_event(chain, capsys):
    AuditEvent.objects.filter(sequence=2).delete()

    assert main(["audit", "verify"]) == 1
    assert "BROKEN at event 2: event 2 deleted" in capsys.readouterr().out


def test_verify_prints_json_on_request(chain, capsys):
    AuditEvent.objects.filter(sequence=5).update(actor="staff:9")

    status = main(["audit", "verify", "--json"])

    assert status == 1
    result = json.loads(capsys.readouterr().out)
    assert result["intact"] is False
    assert result["sequence"] == 5
    assert result["events_checked"] == 4
    assert "altered" in result["problem"]


def test_verify_prints_json_for_an_intact_chain(chain, capsys):
    assert main(["audit", "verify", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {
        "intact": True,
        "events_checked": CHAIN_LENGTH,
        "sequence": None,
        "problem": None,
        "checkpoints_checked": 0,
    }


def test_management_command_exits_1_on_tampering(chain, capsys):
    AuditEvent.objects.filter(sequence=1).update(action="test.other")

    with pytest.raises(CommandError) as raised:
        call_command("verify_audit")

    assert raised.value.returncode == 1
    assert "BROKEN at event 1" in capsys.readouterr().out


def test_management_command_passes_an_intact_chain(chain, capsys):
    call_command("verify_audit", "--json")

    assert json.loads(capsys.readouterr().out)["intact"] is True
