"""Changing who may do what: roles, closing accounts, revoking API keys, each with a reason."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tactful.accounts.keys import AUDIT_OBJECT_TYPE, issue_key, key_changes, revoke_key
from tactful.accounts.models import User
from tactful.accounts.roles import Role
from tactful.accounts.selectors import access_changes, staff_overview
from tactful.accounts.services import (
    change_roles,
    checked_reason,
    create_staff_user,
    deactivate_staff,
)
from tactful.audit.models import AuditEvent
from tactful.errors import Conflict, InvalidInput
from tactful.testing.personas import make_staff

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-and-unusual-passphrase-42"


@pytest.fixture
def admin():
    return make_staff("gao.admin", Role.ADMIN)


@pytest.mark.parametrize("reason", ["", "   ", "x" * 501, "one\ntwo", "bell\x07"])
def test_a_reason_is_one_printable_line_of_at_most_500_characters(reason):
    with pytest.raises(InvalidInput) as refused:
        checked_reason(reason)
    assert set(refused.value.fields) == {"reason"}


def test_a_reason_is_kept_without_the_spaces_around_it():
    assert checked_reason("  left the company ") == "left the company"


def test_roles_change_with_the_roles_before_and_after_in_the_trail(admin):
    user = make_staff("mei", Role.ADMIN)

    change_roles(user=user, roles=["collector"], actor=admin.audit_actor, reason="moved")

    user.refresh_from_db()
    assert user.roles() == {Role.COLLECTOR}
    assert not user.is_staff  # no longer an administrator: no Django admin either
    [event] = access_changes(user)[1:]
    assert event.payload == {"before": ["admin"], "after": ["collector"], "reason": "moved"}


def test_no_one_demotes_or_closes_themselves(admin):
    with pytest.raises(Conflict) as demoted:
        change_roles(user=admin, roles=["collector"], actor=admin.audit_actor, reason="x")
    with pytest.raises(Conflict) as closed:
        deactivate_staff(user=admin, actor=admin.audit_actor, reason="x")

    assert (demoted.value.code, closed.value.code) == (
        "cannot_demote_self",
        "cannot_deactivate_self",
    )
    admin.refresh_from_db()
    assert admin.is_active
    assert admin.roles() == {Role.ADMIN}


def test_a_closed_account_gets_no_roles_back(admin):
    user = make_staff("mei", Role.COLLECTOR)
    deactivate_staff(user=user, actor=admin.audit_actor, reason="left")

    with pytest.raises(Conflict, match="deactivated"):
        change_roles(user=user, roles=["collector"], actor=admin.audit_actor, reason="back")
    with pytest.raises(Conflict, match="already"):
        deactivate_staff(user=user, actor=admin.audit_actor, reason="again")

    assert [event.action for event in access_changes(user)] == ["staff.created", "staff.closed"]


@pytest.mark.parametrize("username", ["zhou new", "zhou\tnew", "x" * 151, "周/新"])
def test_a_username_that_cannot_sign_in_is_refused(username):
    with pytest.raises(InvalidInput) as refused:
        create_staff_user(username=username, password=PASSWORD, roles=["collector"])
    assert set(refused.value.fields) == {"username"}
    assert not User.objects.exists()


def test_the_overview_reads_everyone_in_three_queries(admin):
    for n in range(5):
        make_staff(f"collector-{n}", Role.COLLECTOR, with_device=n % 2 == 0)

    with CaptureQueriesContext(connection) as queries:
        rows = staff_overview()

    assert len(queries) == 3
    assert [row.user.username for row in rows][:2] == ["collector-0", "collector-1"]
    assert {row.user.username: row.has_authenticator for row in rows}["collector-1"] is False
    assert all(row.roles == (Role.COLLECTOR,) for row in rows[:5])


def test_a_revocation_needs_a_reason_and_the_trail_keeps_it_under_the_keys_old_name():
    issued = issue_key(name="Loan core", scopes=["loans:read"], actor="test")

    with pytest.raises(InvalidInput):
        revoke_key(prefix=issued.api_key.prefix, actor="test", reason=" ")
    assert issued.api_key.is_active
    revoke_key(prefix=issued.api_key.prefix, actor="test", reason="leaked")

    events = key_changes(issued.api_key)
    assert [event.action for event in events] == ["api_key.issued", "api_key.revoked"]
    assert {event.object_type for event in events} == {AUDIT_OBJECT_TYPE} == {"api.apikey"}
    assert events[1].payload["reason"] == "leaked"
    assert AuditEvent.objects.count() == 2
