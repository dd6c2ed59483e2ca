"""Administrators make and revoke integrators' API keys on /staff/keys/.

The full key is on the page that answers its creation, once; only its digest is
stored; revoking takes a reason that the audit trail keeps, and the API refuses a
revoked key from its next request on.
"""

from __future__ import annotations

import hashlib
import logging

import pytest
from django.test import Client

from tactful.accounts.keys import issue_key
from tactful.accounts.models import ApiKey
from tactful.accounts.roles import Role
from tactful.audit.models import AuditEvent
from tactful.testing.api import ApiClient, create_loan
from tactful.testing.personas import make_staff, sign_in_staff

pytestmark = pytest.mark.django_db
URL = "/staff/keys/"


@pytest.fixture
def admin():
    return make_staff("gao.admin", Role.ADMIN)


@pytest.fixture
def key():
    return issue_key(name="Loan core", scopes=["loans:read"], actor="test")


def _client(user, language="en"):
    client = Client()
    sign_in_staff(client, user)
    client.cookies["django_language"] = language
    return client


def _revoke_url(prefix):
    return f"{URL}{prefix}/revoke/"


def _make(client, **changes):
    body = {"name": "Dialer", "scopes": ["permits:write", "permits:read"], **changes}
    return client.post(URL, body)


def test_anyone_not_signed_in_is_sent_to_the_staff_sign_in(key):
    prefix = key.api_key.prefix
    for method, path in [("get", URL), ("post", URL), ("get", f"{URL}{prefix}/"),
                         ("post", _revoke_url(prefix))]:  # fmt: skip
        answer = getattr(Client(), method)(path, {"reason": "x"} if method == "post" else None)
        assert answer.status_code == 302
        assert answer["Location"].startswith("/staff/login/")
    assert key.api_key.is_active
    assert ApiKey.objects.count() == 1


@pytest.mark.parametrize("role", [Role.COLLECTOR, Role.SUPERVISOR, Role.COMPLIANCE])
def test_staff_without_the_administrator_role_are_refused(role, key):
    client = _client(make_staff(f"someone-{role}", role))
    prefix = key.api_key.prefix
    assert client.get(URL).status_code == 403
    assert client.get(f"{URL}{prefix}/").status_code == 403
    assert _make(client).status_code == 403
    assert client.post(_revoke_url(prefix), {"reason": "leaked"}).status_code == 403
    assert ApiKey.objects.get().is_active
    assert ApiKey.objects.count() == 1


def test_an_administrator_sees_every_key_but_never_its_secret(admin, key):
    client = _client(admin)
    listing = client.get(URL)
    page = client.get(f"{URL}{key.api_key.prefix}/")

    assert listing.status_code == page.status_code == 200
    for answer in (listing, page):
        text = answer.content.decode()
        assert "Loan core" in text
        assert key.api_key.prefix in text
        assert "loans:read" in text
        assert key.token.split("_", 2)[2] not in text
    assert client.get(f"{URL}nope/").status_code == 404


def test_a_new_key_is_shown_once_and_only_its_digest_is_stored(admin, caplog):
    client = _client(admin)
    caplog.set_level(logging.DEBUG)

    answer = _make(client)

    assert answer.status_code == 200
    assert "no-store" in answer["Cache-Control"]
    token = answer.content.decode().split("data-new-key>")[1].split("<")[0]
    mark, prefix, secret = token.split("_", 2)
    stored = ApiKey.objects.get()
    assert (mark, stored.prefix, stored.name) == ("tk", prefix, "Dialer")
    assert stored.scopes == ["permits:write", "permits:read"]
    assert stored.secret_digest == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in str(ApiKey.objects.values().get())
    event = AuditEvent.objects.get(action="api_key.issued")
    assert event.actor == admin.audit_actor
    assert secret not in str(event.payload)
    assert secret not in caplog.text
    # Never again: not on the list, not on the key's own page.
    assert secret not in client.get(URL).content.decode()
    assert secret not in client.get(f"{URL}{prefix}/").content.decode()


def test_the_new_key_works_on_the_api_with_its_scopes(admin):
    loan = create_loan()
    answer = _make(_client(admin), scopes=["loans:read"])
    token = answer.content.decode().split("data-new-key>")[1].split("<")[0]

    api = ApiClient(token)
    assert api.get(f"/loans/{loan.external_id}").status_code == 200
    assert api.post(f"/loans/{loan.external_id}/payments", {}).status_code == 403


def test_revoking_records_the_reason_and_the_api_refuses_the_key_at_once(admin):
    loan = create_loan()
    issued = issue_key(name="Loan core", scopes=["loans:read"], actor="test")
    api = ApiClient(issued.token)
    assert api.get(f"/loans/{loan.external_id}").status_code == 200

    answer = _client(admin).post(_revoke_url(issued.api_key.prefix), {"reason": "key leaked"})

    assert answer.status_code == 302
    assert api.get(f"/loans/{loan.external_id}").status_code == 401
    event = AuditEvent.objects.get(action="api_key.revoked")
    assert event.actor == admin.audit_actor
    assert event.payload == {"prefix": issued.api_key.prefix, "reason": "key leaked"}
    page = _client(admin).get(answer["Location"]).content.decode()
    assert "key leaked" in page
    assert "gao.admin" in page


def test_a_revoked_key_cannot_be_revoked_again(admin, key):
    client = _client(admin)
    client.post(_revoke_url(key.api_key.prefix), {"reason": "leaked"})
    revoked_at = ApiKey.objects.get().revoked_at

    again = client.post(_revoke_url(key.api_key.prefix), {"reason": "twice"})

    assert again.status_code == 409
    assert "already revoked" in again.content.decode()
    assert ApiKey.objects.get().revoked_at == revoked_at
    assert AuditEvent.objects.filter(action="api_key.revoked").count() == 1


@pytest.mark.parametrize(
    "changes",
    [
        {"scopes": ["loans:delete"]},
        {"scopes": []},
        {"scopes": "loans:read,loans:write"},
        {"name": ""},
        {"name": "   "},
        {"name": "x" * 101},
        {"name": "Dialer\nline two"},
    ],
    ids=[
        "unknown-scope",
        "no-scope",
        "scopes-as-text",
        "no-name",
        "blank-name",
        "long-name",
        "two-line-name",
    ],  # fmt: skip
)
def test_a_bad_new_key_is_refused_and_nothing_is_stored(admin, changes):
    events = AuditEvent.objects.count()

    answer = _make(_client(admin), **changes)

    assert answer.status_code == 422
    assert "field-error" in answer.content.decode()
    assert ApiKey.objects.count() == 0
    assert AuditEvent.objects.count() == events


@pytest.mark.parametrize(
    "body",
    [{}, {"reason": ""}, {"reason": "   "}, {"reason": "x" * 501}, {"reason": "a\nb"}],
    ids=["no-reason", "empty", "blank", "too-long", "two-lines"],
)
def test_a_revocation_without_a_proper_reason_changes_nothing(admin, key, body):
    events = AuditEvent.objects.count()

    answer = _client(admin).post(_revoke_url(key.api_key.prefix), body)

    assert answer.status_code == 422
    assert "field-error" in answer.content.decode()
    assert ApiKey.objects.get().is_active
    assert AuditEvent.objects.count() == events


def test_an_unknown_key_cannot_be_revoked(admin):
    assert _client(admin).post(_revoke_url("nope"), {"reason": "x"}).status_code == 404


def test_a_form_sent_without_its_csrf_token_is_refused(admin, key):
    client = Client(enforce_csrf_checks=True)
    sign_in_staff(client, admin)

    assert _make(client).status_code == 403
    assert client.post(_revoke_url(key.api_key.prefix), {"reason": "x"}).status_code == 403
    assert ApiKey.objects.get().is_active
    assert ApiKey.objects.count() == 1
