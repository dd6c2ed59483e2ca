"""The message library page: four eyes, the checker, and who may do what."""

import pytest
from django.test import Client

from tactful.accounts.roles import Role
from tactful.casework import selectors
from tactful.casework.models import MessageTemplate
from tactful.testing.personas import make_staff, sign_in_staff

pytestmark = pytest.mark.django_db
URL = "/staff/templates/"
BODY = {
    "name": "gentle_reminder",
    "language": "en",
    "audience": "debtor",
    "purpose": "collection",
    "body": "Hello, {amount_due} is due on account {loan}. Ask us for a plan if paying is hard.",
}


def _client(user, language="en"):
    client = Client()
    sign_in_staff(client, user)
    client.cookies["django_language"] = language
    return client


def test_an_officer_writes_and_another_approves_before_collectors_can_use_it():
    writer = _client(make_staff("li.compliance", Role.COMPLIANCE))
    assert writer.post(URL, BODY).status_code == 302
    template = MessageTemplate.objects.get()
    approve = f"{URL}{template.reference}/approve/"
    assert approve not in writer.get(URL).content.decode()  # no button for the author
    writer.post(approve)
    assert not selectors.is_usable(template)

    second = _client(make_staff("chen.compliance", Role.COMPLIANCE), "zh-hant")
    assert approve in second.get(URL).content.decode()
    second.post(approve)
    assert selectors.is_usable(template)


def test_a_flagged_version_is_saved_but_never_approved():
    writer = _client(make_staff("li.compliance", Role.COMPLIANCE))
    writer.post(URL, {**BODY, "body": "Pay now or we will tell your boss and your whole family."})
    template = MessageTemplate.objects.get()
    assert template.findings
    _client(make_staff("chen.compliance", Role.COMPLIANCE)).post(
        f"{URL}{template.reference}/approve/"
    )
    assert not selectors.is_usable(template)


@pytest.mark.parametrize(
    "changes",
    [{"body": "Due: {secret}"}, {"body": ""}, {"language": "fr"}, {"name": "no spaces"},
     {"audience": "emergency_contact", "body": "Ask {loan} to call us."}],
)  # fmt: skip
def test_bad_versions_are_refused_and_nothing_is_stored(changes):
    writer = _client(make_staff("li.compliance", Role.COMPLIANCE))
    assert writer.post(URL, {**BODY, **changes}).status_code == 422
    assert MessageTemplate.objects.count() == 0


def test_a_supervisor_reads_but_cannot_write_and_a_collector_cannot_open_it():
    supervisor = _client(make_staff("zhou.supervisor", Role.SUPERVISOR))
    assert supervisor.get(URL).status_code == 200
    assert supervisor.post(URL, BODY).status_code == 403
    assert _client(make_staff("wang.collector", Role.COLLECTOR)).get(URL).status_code == 403
    assert MessageTemplate.objects.count() == 0
