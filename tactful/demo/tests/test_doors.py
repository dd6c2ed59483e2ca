"""Demo doors: published credentials stop the server outside demo mode, and can be closed."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django_otp.plugins.otp_totp.models import TOTPDevice

from tactful.accounts.models import User
from tactful.accounts.roles import Role
from tactful.accounts.services import create_staff_user
from tactful.audit.models import AuditEvent
from tactful.demo.doors import check_no_demo_doors, open_demo_doors, refuse_to_serve
from tactful.demo.staff import DEMO_PASSWORD, DEMO_STAFF, create_demo_staff

pytestmark = pytest.mark.django_db
USERNAMES = sorted(staff.username for staff in DEMO_STAFF)


@pytest.fixture
def demo_database(settings):
    """A database seeded by `make run`, then served with TACTFUL_DEMO off."""
    settings.DEMO_MODE = True
    create_demo_staff()
    settings.DEMO_MODE = False


def test_check_deploy_fails_naming_every_demo_account(demo_database):
    with pytest.raises(SystemCheckError) as raised:
        call_command("check", deploy=True, fail_level="ERROR")
    message = str(raised.value)
    assert "tactful.E001" in message
    for username in USERNAMES:
        assert username in message
    assert "remove_demo_staff" in message


def test_the_web_server_refuses_to_start(demo_database):
    named = "admin, collector, collector2, compliance, compliance2, supervisor"
    with pytest.raises(ImproperlyConfigured, match=named):
        refuse_to_serve()


def test_in_demo_mode_the_demo_accounts_are_the_point(demo_database, settings):
    settings.DEMO_MODE = True
    assert check_no_demo_doors() == []
    refuse_to_serve()


def test_a_published_totp_key_under_another_name_is_a_door(settings):
    create_staff_user(
        username="ops-lead",
        password="a-long-private-passphrase-9",
        roles=[Role.ADMIN],
        totp_key_hex=DEMO_STAFF[-1].totp_key_hex.upper(),
    )
    settings.DEMO_MODE = False
    assert open_demo_doors() == ["ops-lead"]


def test_a_demo_username_with_its_own_password_and_key_is_no_door(settings):
    create_staff_user(
        username="admin",
        password="a-long-private-passphrase-9",
        roles=[Role.ADMIN],
        totp_key_hex="ab" * 20,
    )
    settings.DEMO_MODE = False
    assert open_demo_doors() == []
    assert check_no_demo_doors() == []


def test_the_demo_password_alone_is_a_door(settings):
    create_staff_user(username="collector", password=DEMO_PASSWORD, roles=[Role.COLLECTOR])
    settings.DEMO_MODE = False
    assert open_demo_doors() == ["collector"]


def test_removal_closes_every_door_and_keeps_the_history(demo_database, capsys):
    call_command("remove_demo_staff")
    assert f"closed {len(DEMO_STAFF)} demo account(s)" in capsys.readouterr().out
    assert open_demo_doors() == []
    call_command("check", deploy=True, fail_level="ERROR", tags=["security"])
    for user in User.objects.filter(username__in=USERNAMES):
        assert not user.is_active
        assert not user.has_usable_password()
        assert not user.is_superuser
        assert not user.groups.exists()
    assert not TOTPDevice.objects.exists()
    assert AuditEvent.objects.filter(action="staff.closed").count() == len(DEMO_STAFF)
    call_command("remove_demo_staff")
    assert "no demo accounts to close" in capsys.readouterr().out
