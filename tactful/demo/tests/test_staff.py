from __future__ import annotations

import hashlib
import hmac
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from tactful.accounts.models import User
from tactful.accounts.roles import Role
from tactful.contacts.selectors import holds_valid_certification
from tactful.demo.staff import DEMO_PASSWORD, DEMO_STAFF, create_demo_staff, current_code

USERNAMES = ["collector", "collector2", "supervisor", "compliance", "compliance2", "admin"]


@pytest.fixture
def demo_mode(settings):
    settings.DEMO_MODE = True


@pytest.mark.django_db
def test_demo_staff_get_one_role_each_the_demo_password_and_a_confirmed_totp_key(demo_mode):
    assert create_demo_staff() == USERNAMES

    for staff in DEMO_STAFF:
        user = User.objects.get(username=staff.username)
        assert user.roles() == {staff.role}
        assert user.check_password(DEMO_PASSWORD)
        device = TOTPDevice.objects.get(user=user)
        assert device.confirmed
        assert device.key == staff.totp_key_hex
    assert len({staff.totp_key_hex for staff in DEMO_STAFF}) == len(DEMO_STAFF)


@pytest.mark.django_db
def test_only_the_demo_admin_is_a_superuser(demo_mode):
    create_demo_staff()

    superusers = User.objects.filter(is_superuser=True)
    assert list(superusers.values_list("username", flat=True)) == ["admin"]
    assert User.objects.get(username="admin").has_role(Role.COMPLIANCE)


@pytest.mark.django_db
def test_demo_staff_are_created_once(demo_mode):
    create_demo_staff()

    assert create_demo_staff() == []
    assert User.objects.count() == len(DEMO_STAFF)


@pytest.mark.django_db
def test_an_existing_user_with_a_demo_name_is_left_alone(demo_mode):
    User.objects.create_user(username="admin", password="something-long-and-private")

    created = create_demo_staff()

    assert "admin" not in created
    admin = User.objects.get(username="admin")
    assert not admin.is_superuser
    assert not admin.check_password(DEMO_PASSWORD)


@pytest.mark.django_db
def test_no_demo_staff_outside_demo_mode(settings):
    settings.DEMO_MODE = False

    assert create_demo_staff() == []
    assert not User.objects.exists()
    assert not TOTPDevice.objects.exists()


@pytest.mark.django_db
def test_demo_totp_prints_a_code_the_users_device_accepts(demo_mode, capsys):
    create_demo_staff()

    call_command("demo_totp", "supervisor")

    out = capsys.readouterr()
    code = out.out.strip()
    assert len(code) == 6
    assert code.isdigit()
    assert "valid for about" in out.err
    assert TOTPDevice.objects.get(user__username="supervisor").verify_token(code)


def rfc6238_code(key_hex: str, unix_time: int) -> str:
    """The code any authenticator app shows for this key: RFC 6238, SHA-1, 30 s, 6 digits."""
    counter = (unix_time // 30).to_bytes(8, "big")
    digest = hmac.new(bytes.fromhex(key_hex), counter, hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = int.from_bytes(digest[offset : offset + 4], "big") & 0x7FFFFFFF
    return str(value % 1_000_000).zfill(6)


@pytest.mark.django_db
@pytest.mark.parametrize("staff", DEMO_STAFF, ids=lambda staff: staff.username)
def test_the_code_is_what_an_authenticator_app_shows_for_the_published_key(demo_mode, staff):
    create_demo_staff()
    step_start = 1_699_999_980  # a multiple of 30

    code = current_code(staff.username, now=step_start + 10)

    assert code.code == rfc6238_code(staff.totp_key_hex, step_start)
    assert code.seconds_left == 20
    assert current_code(staff.username, now=step_start + 30).code != code.code


@pytest.mark.django_db
def test_demo_totp_refuses_outside_demo_mode(settings, capsys):
    settings.DEMO_MODE = True
    create_demo_staff()
    settings.DEMO_MODE = False

    with pytest.raises(CommandError, match="only when TACTFUL_DEMO is on"):
        call_command("demo_totp", "collector")
    assert capsys.readouterr().out == ""


@pytest.mark.django_db
def test_demo_totp_refuses_users_who_are_not_demo_staff(demo_mode, capsys):
    user = User.objects.create_user(username="alice", password="something-long-and-private")
    TOTPDevice.objects.create(user=user, name="default", confirmed=True)

    with pytest.raises(CommandError, match="not one of the demo staff"):
        call_command("demo_totp", "alice")
    assert capsys.readouterr().out == ""


@pytest.mark.django_db
def test_demo_totp_says_when_the_demo_is_not_seeded(demo_mode):
    with pytest.raises(CommandError, match="seed the demo first"):
        call_command("demo_totp", "admin")


@pytest.mark.django_db
def test_collector_is_certified_since_before_the_demos_30_days_and_collector2_is_not(demo_mode):
    create_demo_staff()
    now = timezone.now()

    collector = User.objects.get(username="collector")
    newcomer = User.objects.get(username="collector2")
    assert holds_valid_certification(collector, now=now - timedelta(days=31))
    assert not holds_valid_certification(newcomer, now=now)
    assert newcomer.roles() == {Role.COLLECTOR}
