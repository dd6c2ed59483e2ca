import hashlib

import pytest
from django.contrib.admin.sites import AdminSite
from django.contrib.messages.storage.fallback import FallbackStorage
from django.core.management import CommandError, call_command
from django.test import RequestFactory

from tactful.accounts.admin import ApiKeyAdmin
from tactful.accounts.models import ApiKey, User
from tactful.api.keys import SCOPES, authenticate_key, issue_key, revoke_key
from tactful.audit.models import AuditEvent
from tactful.errors import Conflict, InvalidInput, NotFound

pytestmark = pytest.mark.django_db


def test_a_key_is_stored_as_prefix_and_digest_never_as_its_secret():
    issued = issue_key(name="Lender core", scopes=["loans:read"], actor="test")
    mark, prefix, secret = issued.token.split("_", 2)
    stored = ApiKey.objects.get()
    assert (mark, stored.prefix) == ("tk", prefix)
    assert stored.secret_digest == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in str(ApiKey.objects.values().get())
    assert authenticate_key(issued.token) == stored


def test_issuing_and_revoking_are_audited_without_the_secret():
    issued = issue_key(name="Lender core", scopes=["loans:read"], actor="cli:apikey")
    revoke_key(prefix=issued.api_key.prefix, actor="cli:apikey", reason="the lender left")
    events = list(AuditEvent.objects.values_list("action", "payload"))
    assert events == [
        ("api_key.issued", {"prefix": issued.api_key.prefix, "scopes": ["loans:read"]}),
        ("api_key.revoked", {"prefix": issued.api_key.prefix, "reason": "the lender left"}),
    ]
    assert authenticate_key(issued.token) is None


def test_scopes_are_kept_in_canonical_order_without_duplicates():
    issued = issue_key(name="x", scopes=["payments:write", "loans:read", "loans:read"], actor="t")
    assert issued.api_key.scopes == ["loans:read", "payments:write"]


@pytest.mark.parametrize(
    ("name", "scopes", "field"),
    [
        ("Lender", ["loans:delete"], "scopes"),
        ("Lender", [], "scopes"),
        ("  ", ["loans:read"], "name"),
    ],
)
def test_a_bad_key_request_is_refused_and_stores_nothing(name, scopes, field):
    with pytest.raises(InvalidInput) as refused:
        issue_key(name=name, scopes=scopes, actor="test")
    assert field in refused.value.fields
    assert ApiKey.objects.count() == 0
    assert AuditEvent.objects.count() == 0


def test_revoking_an_unknown_or_revoked_key_says_so():
    issued = issue_key(name="x", scopes=["loans:read"], actor="t")
    revoke_key(prefix=issued.api_key.prefix, actor="t", reason="r")
    with pytest.raises(Conflict, match="already revoked"):
        revoke_key(prefix=issued.api_key.prefix, actor="t", reason="r")
    with pytest.raises(NotFound):
        revoke_key(prefix="nope", actor="t", reason="r")


def test_the_command_prints_a_new_key_once_and_lists_keys_without_secrets(capsys):
    call_command(
        "apikey", "create", "--name", "Core", "--scope", "loans:read", "--scope", "loans:write"
    )
    token = capsys.readouterr().out.strip()
    assert authenticate_key(token).scopes == ["loans:write", "loans:read"]

    call_command("apikey", "list")
    listing = capsys.readouterr().out
    assert token.split("_")[1] in listing
    assert token.split("_", 2)[2] not in listing
    assert "active" in listing


def test_the_command_revokes_by_prefix_and_exits_2_on_an_unknown_prefix(capsys):
    call_command("apikey", "create", "--name", "Core", "--scope", "loans:read")
    token = capsys.readouterr().out.strip()
    call_command("apikey", "revoke", token.split("_")[1])
    assert authenticate_key(token) is None
    with pytest.raises(CommandError) as failed:
        call_command("apikey", "revoke", "nope")
    assert failed.value.returncode == 2


def test_the_command_records_why_a_key_is_revoked(capsys):
    call_command("apikey", "create", "--name", "Core", "--scope", "loans:read")
    prefix = capsys.readouterr().out.strip().split("_")[1]
    call_command("apikey", "create", "--name", "Dialer", "--scope", "permits:write")
    other = capsys.readouterr().out.strip().split("_")[1]

    call_command("apikey", "revoke", prefix, "--reason", "rotated")
    call_command("apikey", "revoke", other)

    reasons = AuditEvent.objects.filter(action="api_key.revoked").order_by("sequence")
    assert [event.payload["reason"] for event in reasons] == [
        "rotated",
        "revoked with manage.py apikey",
    ]


def test_the_command_refuses_an_unknown_scope():
    with pytest.raises(CommandError):
        call_command("apikey", "create", "--name", "Core", "--scope", "loans:delete")
    assert ApiKey.objects.count() == 0


def test_the_admin_revokes_selected_keys_and_never_adds_or_deletes():
    issued = issue_key(name="x", scopes=list(SCOPES), actor="t")
    staff = User.objects.create_user(username="admin", password="x", is_staff=True)
    request = RequestFactory().post("/admin/accounts/apikey/")
    request.user = staff
    request.session = {}
    request._messages = FallbackStorage(request)
    model_admin = ApiKeyAdmin(ApiKey, AdminSite())

    model_admin.revoke(request, ApiKey.objects.all())

    assert authenticate_key(issued.token) is None
    assert AuditEvent.objects.filter(action="api_key.revoked", actor=f"user:{staff.pk}").exists()
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_delete_permission(request)
    assert "secret_digest" in model_admin.readonly_fields
