"""Compliance records a collector's certificate; the gate then lets them collect."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from tactful.accounts.roles import Role
from tactful.contacts.models import CollectorCertification
from tactful.contacts.selectors import holds_valid_certification
from tactful.testing.personas import make_staff, sign_in_staff

pytestmark = pytest.mark.django_db
URL = "/staff/certifications/"


@pytest.fixture
def officer():
    return make_staff("li.compliance", Role.COMPLIANCE)


@pytest.fixture
def collector():
    return make_staff("wang.collector", Role.COLLECTOR)


def _client(user, language="zh-hans"):
    client = Client()
    sign_in_staff(client, user)
    client.cookies["django_language"] = language
    return client


def _body(who, **changes):
    today = timezone.now().date()
    return {
        "collector": str(who.pk),
        "certificate_number": "CBA-2026-0042",
        "valid_from": (today - timedelta(days=1)).isoformat(),
        "valid_until": (today + timedelta(days=365)).isoformat(),
        **changes,
    }


def test_an_officer_certifies_a_collector_who_may_then_collect(officer, collector):
    client = _client(officer)
    before = client.get(URL).content.decode()
    assert "未认证" in before or "Not certified" in before
    assert not holds_valid_certification(collector, now=timezone.now())

    done = client.post(URL, _body(collector))

    assert done.status_code == 302
    assert holds_valid_certification(collector, now=timezone.now())
    after = client.get(URL).content.decode()
    assert "CBA-2026-0042" in after


@pytest.mark.parametrize(
    "changes",
    [
        {"valid_until": "2020-01-01"},  # before it starts
        {"valid_from": "yesterday"},
        {"certificate_number": ""},
        {"certificate_number": "x" * 65},
        {"collector": "999999"},
        {"collector": ""},
    ],
)
def test_bad_input_is_refused_and_records_nothing(officer, collector, changes):
    page = _client(officer).post(URL, _body(collector, **changes))
    assert page.status_code == 422
    assert "field-error" in page.content.decode()
    assert not CollectorCertification.objects.exists()


def test_a_non_collector_cannot_be_certified(officer):
    page = _client(officer).post(URL, _body(officer))
    assert page.status_code == 422
    assert not CollectorCertification.objects.exists()


def test_the_refusal_is_in_the_officers_language(officer, collector):
    page = _client(officer, "zh-hans").post(URL, _body(collector, valid_until="2020-01-01"))
    assert "最后一天不能早于第一天。" in page.content.decode()


def test_collectors_and_supervisors_cannot_certify(collector):
    for user in (collector, make_staff("sun.supervisor", Role.SUPERVISOR)):
        assert _client(user).post(URL, _body(collector)).status_code == 403
    assert not CollectorCertification.objects.exists()


# --- suspension -------------------------------------------------------------------------------


def _certified(collector, officer):
    response = _client(officer).post(URL, _body(collector))
    assert response.status_code == 302
    assert holds_valid_certification(collector, now=timezone.now())


def test_an_officer_suspends_a_certificate_with_a_reason_and_the_page_says_so(officer, collector):
    from tactful.audit.models import AuditEvent

    _certified(collector, officer)
    body = {"action": "suspend", "collector": str(collector.pk), "reason": "upheld complaint"}
    assert _client(officer).post(URL, body).status_code == 302
    assert not holds_valid_certification(collector, now=timezone.now())
    event = AuditEvent.objects.get(action="contact.certification_suspended")
    assert event.actor == officer.audit_actor
    page = _client(officer, "en").get(URL).content.decode()
    assert "is suspended" in page
    assert "data-suspended" in page


@pytest.mark.parametrize(
    "body",
    [
        {"action": "suspend", "reason": "no collector named"},
        {"action": "suspend", "collector": "999999", "reason": "nobody"},
        {"action": "suspend", "collector": "abc", "reason": "not a number"},
        {"action": "suspend", "collector": "COLLECTOR", "reason": ""},
        {"action": "suspend", "collector": "COLLECTOR", "reason": "x" * 201},
    ],
)
def test_a_bad_suspension_is_422_and_changes_nothing(officer, collector, body):
    from tactful.contacts.models import CertificationSuspension

    _certified(collector, officer)
    if body.get("collector") == "COLLECTOR":
        body = {**body, "collector": str(collector.pk)}
    assert _client(officer).post(URL, body).status_code == 422
    assert not CertificationSuspension.objects.exists()
    assert holds_valid_certification(collector, now=timezone.now())


@pytest.mark.parametrize("role", [Role.COLLECTOR, Role.SUPERVISOR])
def test_only_officers_and_admins_suspend(collector, role):
    from tactful.contacts.models import CertificationSuspension

    other = make_staff("someone", role)
    body = {"action": "suspend", "collector": str(collector.pk), "reason": "because"}
    assert _client(other).post(URL, body).status_code == 403
    assert not CertificationSuspension.objects.exists()
