"""Changing one's own password: checked, audited, and first when an administrator chose it."""

import pytest
from django.test import Client

from tactful.accounts.models import User
from tactful.accounts.roles import Role
from tactful.accounts.services import change_own_password, create_staff_user
from tactful.audit.models import AuditEvent
from tactful.errors import InvalidInput
from tactful.testing.personas import STAFF_PASSWORD, TOTP_KEY_HEX, make_staff, sign_in_staff

pytestmark = pytest.mark.django_db

NEW = "a-different-and-equally-long-passphrase-9"


def change(client: Client, current: str = STAFF_PASSWORD, new: str = NEW, again: str | None = None):
    return client.post(
        "/staff/password/",
        {"old_password": current, "new_password1": new, "new_password2": again or new},
    )


def signed_in(user: User) -> Client:
    client = Client()
    sign_in_staff(client, user)
    return client


def test_a_member_of_staff_changes_their_password_and_stays_signed_in():
    user = make_staff("mei", Role.COLLECTOR)
    client = signed_in(user)

    answer = change(client)

    assert answer.status_code == 302
    assert answer["Location"] == "/staff/"
    user.refresh_from_db()
    assert user.check_password(NEW)
    assert client.get("/staff/work/").status_code == 200
    event = AuditEvent.objects.get(action="staff.password_changed")
    assert event.actor == user.audit_actor
    assert NEW not in str(event.payload)
    assert STAFF_PASSWORD not in str(event.payload)


def test_other_sessions_of_the_account_end_when_the_password_changes():
    user = make_staff("mei", Role.COLLECTOR)
    elsewhere = signed_in(user)

    change(signed_in(user))

    assert elsewhere.get("/staff/work/").status_code == 302


@pytest.mark.parametrize(
    ("current", "new", "again", "field"),
    [
        ("not-the-password", NEW, None, "old_password"),
        (STAFF_PASSWORD, "short", None, "new_password2"),
        (STAFF_PASSWORD, "12345678901234", None, "new_password2"),
        (STAFF_PASSWORD, NEW, NEW + "x", "new_password2"),
        (STAFF_PASSWORD, STAFF_PASSWORD, None, "new_password1"),
        ("", NEW, None, "old_password"),
    ],
)
def test_a_wrong_current_password_or_a_weak_new_one_changes_nothing(current, new, again, field):
    user = make_staff("mei", Role.COLLECTOR)
    client = signed_in(user)

    answer = change(client, current, new, again)

    assert answer.status_code == 422
    assert answer.context["form"].errors[field]
    user.refresh_from_db()
    assert user.check_password(STAFF_PASSWORD)
    assert not AuditEvent.objects.filter(action="staff.password_changed").exists()


@pytest.mark.parametrize(("current", "new"), [(None, NEW), (STAFF_PASSWORD, 42), ([], {})])
def test_the_service_refuses_what_is_not_text(current, new):
    user = make_staff("mei", Role.COLLECTOR)

    with pytest.raises(InvalidInput):
        change_own_password(user=user, current=current, new=new)

    user.refresh_from_db()
    assert user.check_password(STAFF_PASSWORD)


def test_the_service_checks_the_current_password_itself():
    user = make_staff("mei", Role.COLLECTOR)

    with pytest.raises(InvalidInput) as refused:
        change_own_password(user=user, current="guessed-wrongly-here", new=NEW)

    assert "current" in refused.value.fields


def test_a_password_an_administrator_chose_must_be_changed_before_any_other_page():
    user = create_staff_user(
        username="zhou.new",
        password=STAFF_PASSWORD,
        roles=[Role.COLLECTOR],
        totp_key_hex=TOTP_KEY_HEX,
        must_change_password=True,
    )
    client = signed_in(user)

    for page in ("/staff/", "/staff/work/", "/staff/training/"):
        answer = client.get(page)
        assert answer.status_code == 302, page
        assert answer["Location"] == "/staff/password/", page
    form = client.get("/staff/password/")
    assert form.status_code == 200
    assert "密码是管理员为您设定的" in form.content.decode()

    change(client)

    assert client.get("/staff/work/").status_code == 200
    user.refresh_from_db()
    assert not user.must_change_password


def test_the_password_page_wants_the_second_factor_first():
    user = make_staff("mei", Role.COLLECTOR)
    client = Client()
    sign_in_staff(client, user, verified=False)

    answer = change(client)

    assert answer.status_code == 302
    assert answer["Location"].startswith("/staff/login/")
    user.refresh_from_db()
    assert user.check_password(STAFF_PASSWORD)


def test_the_change_needs_the_csrf_token():
    user = make_staff("mei", Role.COLLECTOR)
    client = Client(enforce_csrf_checks=True)
    sign_in_staff(client, user)

    assert change(client).status_code == 403
    user.refresh_from_db()
    assert user.check_password(STAFF_PASSWORD)


def test_an_administrator_adding_someone_makes_them_choose_their_own_password():
    admin = make_staff("gao.admin", Role.ADMIN)
    client = signed_in(admin)

    client.post(
        "/staff/people/",
        {"username": "zhou.new", "password": STAFF_PASSWORD, "roles": ["collector"]},
    )

    assert User.objects.get(username="zhou.new").must_change_password
