"""Administrators manage staff accounts on /staff/people/: make one, change roles, close one.

Every change is audited with its reason; an administrator cannot demote or close their
own account; a new account must set up an authenticator at its first sign-in; a closed
one cannot sign in at all.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from tactful.accounts.models import User
from tactful.accounts.roles import Role
from tactful.audit.models import AuditEvent
from tactful.testing.personas import STAFF_PASSWORD, current_token, make_staff, sign_in_staff

pytestmark = pytest.mark.django_db
URL = "/staff/people/"
NEW_PASSWORD = "another-long-unusual-passphrase-7"


@pytest.fixture
def admin():
    return make_staff("gao.admin", Role.ADMIN)


@pytest.fixture
def collector():
    return make_staff("wang.collector", Role.COLLECTOR)


def _client(user, language="en"):
    client = Client()
    sign_in_staff(client, user)
    client.cookies["django_language"] = language
    return client


def _roles_url(user):
    return f"{URL}{user.pk}/roles/"


def _close_url(user):
    return f"{URL}{user.pk}/deactivate/"


def _new(client, **changes):
    body = {"username": "zhou.new", "password": NEW_PASSWORD, "roles": ["collector"], **changes}
    return client.post(URL, body)


def _snapshot():
    """Everything a refused request must leave as it was."""
    users = list(User.objects.order_by("pk").values_list("username", "is_active", "is_staff"))
    groups = sorted(User.groups.through.objects.values_list("user_id", "group__name"))
    return users, groups, AuditEvent.objects.count()


def test_anyone_not_signed_in_is_sent_to_the_staff_sign_in(collector):
    before = _snapshot()
    routes = [
        ("get", URL),
        ("post", URL),
        ("get", f"{URL}{collector.pk}/"),
        ("post", _roles_url(collector)),
        ("post", _close_url(collector)),
    ]
    for method, path in routes:
        answer = getattr(Client(), method)(path, {"reason": "x", "roles": ["admin"]})
        assert answer.status_code == 302
        assert answer["Location"].startswith("/staff/login/")
    assert _snapshot() == before


@pytest.mark.parametrize("role", [Role.COLLECTOR, Role.SUPERVISOR, Role.COMPLIANCE])
def test_staff_without_the_administrator_role_are_refused(role, collector):
    client = _client(make_staff(f"someone-{role}", role))
    before = _snapshot()
    assert client.get(URL).status_code == 403
    assert client.get(f"{URL}{collector.pk}/").status_code == 403
    assert _new(client).status_code == 403
    assert (
        client.post(_roles_url(collector), {"roles": ["admin"], "reason": "x"}).status_code == 403
    )
    assert client.post(_close_url(collector), {"reason": "x"}).status_code == 403
    assert _snapshot() == before


def test_an_administrator_sees_everyone_with_roles_authenticator_and_last_sign_in(admin, collector):
    pending = make_staff("li.pending", Role.SUPERVISOR, with_device=False)
    client = _client(admin)

    listing = client.get(URL)
    page = client.get(f"{URL}{pending.pk}/")

    assert listing.status_code == page.status_code == 200
    text = listing.content.decode()
    assert all(name in text for name in ("gao.admin", "wang.collector", "li.pending"))
    assert all(word in text for word in ("Administrator", "Collector", "Supervisor"))
    assert "Not set up yet" in text
    assert "Never" in text
    assert "Supervisor" in page.content.decode()
    assert client.get(f"{URL}999999/").status_code == 404


def test_a_new_member_of_staff_must_set_up_an_authenticator_at_first_sign_in(admin):
    answer = _new(_client(admin), roles=["collector", "supervisor"])

    assert answer.status_code == 302
    user = User.objects.get(username="zhou.new")
    assert answer["Location"] == f"{URL}{user.pk}/"
    assert user.roles() == {Role.COLLECTOR, Role.SUPERVISOR}
    assert not user.is_staff
    assert not TOTPDevice.objects.filter(user=user).exists()
    event = AuditEvent.objects.get(action="staff.created", object_id=str(user.pk))
    assert event.actor == admin.audit_actor
    assert NEW_PASSWORD not in str(event.payload)

    first = Client().post("/staff/login/", {"username": "zhou.new", "password": NEW_PASSWORD})
    assert first.status_code == 302
    assert first["Location"] == "/staff/otp/setup/"


def test_a_new_administrator_may_open_the_django_admin(admin):
    _new(_client(admin), username="qian.admin", roles=["admin"])
    assert User.objects.get(username="qian.admin").is_staff


@pytest.mark.parametrize(
    "changes",
    [
        {"roles": ["janitor"]},
        {"roles": []},
        {"roles": "collector,admin"},
        {"username": ""},
        {"username": "zhou new"},
        {"username": "x" * 151},
        {"username": "gao.admin"},  # taken
        {"password": ""},
        {"password": "password123"},
    ],
    ids=[
        "unknown-role",
        "no-role",
        "roles-as-text",
        "no-username",
        "space-in-username",
        "long-username",
        "taken-username",
        "no-password",
        "weak-password",
    ],  # fmt: skip
)
def test_a_bad_new_account_is_refused_and_nothing_is_stored(admin, changes):
    before = _snapshot()

    answer = _new(_client(admin), **changes)

    assert answer.status_code == 422
    assert "field-error" in answer.content.decode()
    assert _snapshot() == before


def test_changing_roles_is_audited_with_the_reason(admin, collector):
    answer = _client(admin).post(
        _roles_url(collector), {"roles": ["supervisor", "admin"], "reason": "promoted to lead"}
    )

    assert answer.status_code == 302
    collector.refresh_from_db()
    assert collector.roles() == {Role.SUPERVISOR, Role.ADMIN}
    assert collector.is_staff
    event = AuditEvent.objects.get(action="staff.roles_changed")
    assert event.actor == admin.audit_actor
    assert event.object_id == str(collector.pk)
    assert event.payload == {
        "before": ["collector"],
        "after": ["admin", "supervisor"],
        "reason": "promoted to lead",
    }
    page = _client(admin).get(answer["Location"]).content.decode()
    assert "promoted to lead" in page


@pytest.mark.parametrize(
    "body",
    [
        {"roles": ["supervisor"]},
        {"roles": ["supervisor"], "reason": "   "},
        {"roles": ["supervisor"], "reason": "x" * 501},
        {"roles": ["supervisor"], "reason": "two\nlines"},
        {"roles": ["janitor"], "reason": "new job"},
        {"roles": [], "reason": "new job"},
        {"roles": ["collector"], "reason": "no change"},
    ],
    ids=[
        "no-reason",
        "blank-reason",
        "long-reason",
        "two-line-reason",
        "unknown-role",
        "no-role",
        "same-roles",
    ],  # fmt: skip
)
def test_a_bad_role_change_changes_nothing(admin, collector, body):
    before = _snapshot()

    answer = _client(admin).post(_roles_url(collector), body)

    assert answer.status_code == 422
    assert "field-error" in answer.content.decode()
    assert _snapshot() == before


def test_an_administrator_cannot_take_their_own_administrator_role(admin):
    before = _snapshot()

    answer = _client(admin).post(_roles_url(admin), {"roles": ["collector"], "reason": "oops"})

    assert answer.status_code == 409
    assert "cannot take the administrator role from yourself" in answer.content.decode()
    assert _snapshot() == before


def test_an_administrator_may_add_a_role_to_their_own_account(admin):
    body = {"roles": ["admin", "compliance"], "reason": "covering compliance"}
    assert _client(admin).post(_roles_url(admin), body).status_code == 302
    assert admin.roles() == {Role.ADMIN, Role.COMPLIANCE}


def test_closing_an_account_is_audited_and_its_owner_cannot_sign_in(admin, collector):
    their_session = _client(collector)
    assert their_session.get("/staff/").status_code == 200
    code = current_token(collector)

    answer = _client(admin).post(_close_url(collector), {"reason": "left the company"})

    assert answer.status_code == 302
    collector.refresh_from_db()
    assert not collector.is_active
    assert collector.roles() == set()
    event = AuditEvent.objects.get(action="staff.closed")
    assert (event.actor, event.payload) == (admin.audit_actor, {"reason": "left the company"})
    # Their open session ends, and signing in again fails.
    assert their_session.get("/staff/")["Location"].startswith("/staff/login/")
    body = {"username": "wang.collector", "password": STAFF_PASSWORD, "otp_token": code}
    again = Client().post("/staff/login/", body)
    assert again.status_code == 200
    assert "_auth_user_id" not in again.wsgi_request.session


def test_an_administrator_cannot_close_their_own_account(admin):
    before = _snapshot()

    answer = _client(admin).post(_close_url(admin), {"reason": "leaving"})

    assert answer.status_code == 409
    assert "cannot close your own account" in answer.content.decode()
    assert _snapshot() == before


@pytest.mark.parametrize(
    "body", [{}, {"reason": ""}, {"reason": " "}, {"reason": "x" * 501}],
    ids=["no-reason", "empty", "blank", "too-long"],
)  # fmt: skip
def test_closing_without_a_proper_reason_changes_nothing(admin, collector, body):
    before = _snapshot()

    answer = _client(admin).post(_close_url(collector), body)

    assert answer.status_code == 422
    assert _snapshot() == before


def test_a_closed_account_stays_closed(admin, collector):
    client = _client(admin)
    client.post(_close_url(collector), {"reason": "left"})
    before = _snapshot()

    again = client.post(_close_url(collector), {"reason": "again"})
    roles = client.post(_roles_url(collector), {"roles": ["collector"], "reason": "back"})

    assert again.status_code == roles.status_code == 409
    assert _snapshot() == before


def test_a_form_sent_without_its_csrf_token_is_refused(admin, collector):
    client = Client(enforce_csrf_checks=True)
    sign_in_staff(client, admin)
    before = _snapshot()

    assert _new(client).status_code == 403
    assert (
        client.post(_roles_url(collector), {"roles": ["admin"], "reason": "x"}).status_code == 403
    )
    assert client.post(_close_url(collector), {"reason": "x"}).status_code == 403
    assert _snapshot() == before
