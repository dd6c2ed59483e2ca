"""/healthz answers while the process lives; /readyz only while it can serve."""

from __future__ import annotations

import pytest
from django.db import OperationalError
from django.test import Client

from tactful.policy import pack_digests

pytestmark = pytest.mark.django_db


@pytest.fixture
def ready_settings(settings):
    settings.DEMO_MODE = True  # the test keys are derived from SECRET_KEY
    return settings


def test_healthz_says_alive():
    answer = Client().get("/healthz")
    assert answer.status_code == 200
    assert answer.json() == {"status": "alive"}


def test_readyz_is_ready_with_every_check_passing(ready_settings):
    answer = Client().get("/readyz")
    assert answer.status_code == 200
    body = answer.json()
    assert body["status"] == "ready"
    assert body["checks"] == {
        "database": True,
        "migrations": True,
        "rule_pack": True,
        "pii_keys": True,
    }
    assert body["pack"]["sha256"] == pack_digests.SHIPPED[ready_settings.GATE_PACK]


def test_readyz_fails_when_the_database_is_down(ready_settings, monkeypatch):
    from django.db.backends.utils import CursorWrapper

    def down(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(CursorWrapper, "execute", down)
    answer = Client().get("/readyz")
    assert answer.status_code == 503
    assert answer.json()["checks"]["database"] is False


def test_readyz_fails_when_the_pack_on_disk_is_not_the_one_shipped(ready_settings, monkeypatch):
    changed = {**pack_digests.SHIPPED, ready_settings.GATE_PACK: "0" * 64}
    monkeypatch.setattr("tactful.policy.packs.SHIPPED", changed)
    answer = Client().get("/readyz")
    assert answer.status_code == 503
    assert answer.json()["checks"]["rule_pack"] is False


def test_readyz_fails_on_keys_derived_from_the_secret_outside_demo_mode(settings):
    settings.DEMO_MODE = False
    settings.DEBUG = False
    answer = Client().get("/readyz")
    assert answer.status_code == 503
    assert answer.json()["checks"]["pii_keys"] is False


def test_readyz_refuses_writes():
    assert Client().post("/readyz").status_code == 405
