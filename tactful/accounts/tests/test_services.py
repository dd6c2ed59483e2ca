import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from tactful.accounts.models import User
from tactful.accounts.roles import Role
from tactful.accounts.services import (
    confirm_totp_enrolment,
    create_staff_user,
    start_totp_enrolment,
)
from tactful.audit.models import AuditEvent
from tactful.errors import Conflict, InvalidInput

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-and-unusual-passphrase-42"
KEY = "3132333435363738393031323334353637383930"


def test_it_creates_staff_in_their_role_groups_with_a_hashed_password():
    user = create_staff_user(
        username="mei", password=PASSWORD, roles=[Role.COLLECTOR, Role.SUPERVISOR]
    )

    assert user.roles() == {Role.COLLECTOR, Role.SUPERVISOR}
    assert user.check_password(PASSWORD)
    assert PASSWORD not in user.password
    assert not user.is_staff
    assert not TOTPDevice.objects.exists()


def test_role_names_are_accepted_as_plain_strings():
    user = create_staff_user(username="mei", password=PASSWORD, roles=["compliance"])

    assert user.roles() == {Role.COMPLIANCE}


def test_administrators_may_open_the_django_admin():
    assert create_staff_user(username="root", password=PASSWORD, roles=[Role.ADMIN]).is_staff


def test_a_given_totp_key_becomes_a_confirmed_device():
    user = create_staff_user(
        username="mei", password=PASSWORD, roles=[Role.ADMIN], totp_key_hex=KEY
    )

    device = TOTPDevice.objects.get(user=user)
    assert device.confirmed
    assert device.key == KEY


def test_creation_is_audited_without_the_password_or_key():
    user = create_staff_user(
        username="mei", password=PASSWORD, roles=[Role.ADMIN], totp_key_hex=KEY
    )

    event = AuditEvent.objects.get(action="staff.created")
    assert event.object_id == str(user.pk)
    assert event.payload == {
        "roles": ["admin"],
        "totp": True,
        "superuser": False,
        "must_change_password": False,
    }


def test_the_first_administrator_can_be_made_a_superuser():
    user = create_staff_user(username="root", password=PASSWORD, roles=[Role.ADMIN], superuser=True)

    assert user.is_superuser
    assert user.is_staff


@pytest.mark.parametrize(
    ("arguments", "field"),
    [
        ({"roles": ["janitor"]}, "roles"),
        ({"roles": []}, "roles"),
        ({"password": "short"}, "password"),
        ({"password": "password123"}, "password"),
        ({"username": " "}, "username"),
        ({"totp_key_hex": "not-hex"}, "totp_key_hex"),
        ({"totp_key_hex": "abcd"}, "totp_key_hex"),
    ],
)
def test_bad_arguments_are_refused_and_nothing_is_stored(arguments, field):
    values = {"username": "mei", "password": PASSWORD, "roles": [Role.COLLECTOR]}
    values.update(arguments)

    with pytest.raises(InvalidInput) as refused:
        create_staff_user(**values)

    assert field in refused.value.fields
    assert not User.objects.exists()
    assert not AuditEvent.objects.exists()


def test_a_taken_username_is_a_conflict():
    create_staff_user(username="mei", password=PASSWORD, roles=[Role.COLLECTOR])

    with pytest.raises(Conflict) as refused:
        create_staff_user(username="mei", password=PASSWORD, roles=[Role.ADMIN])

    assert refused.value.code == "username_taken"
    assert User.objects.count() == 1


def test_enrolment_reuses_the_pending_device_until_it_is_confirmed():
    user = create_staff_user(username="mei", password=PASSWORD, roles=[Role.COLLECTOR])

    first = start_totp_enrolment(user=user)
    second = start_totp_enrolment(user=user)

    assert first == second
    assert not first.confirmed


def test_a_wrong_code_leaves_the_device_unconfirmed():
    user = create_staff_user(username="mei", password=PASSWORD, roles=[Role.COLLECTOR])
    start_totp_enrolment(user=user)

    assert confirm_totp_enrolment(user=user, token="000000") is None

    assert not TOTPDevice.objects.get().confirmed
    assert not AuditEvent.objects.filter(action="staff.totp_enrolled").exists()
