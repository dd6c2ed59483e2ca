import pytest

from tactful.accounts.roles import Role
from tactful.audit.models import AppendOnlyError
from tactful.contacts.facts import PermitRequest
from tactful.contacts.models import ContactAttempt
from tactful.contacts.services import place_hold, request_permit
from tactful.contacts.tests.conftest import NOW
from tactful.testing.personas import make_staff, sign_in_staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def permit(loan, recipient, collector):
    return request_permit(
        request=PermitRequest(
            loan=loan,
            recipient=recipient,
            channel="call",
            purpose="collection",
            collector=collector,
        ),
        actor="test",
        now=NOW,
    )


def test_a_permit_can_be_neither_changed_nor_deleted(permit):
    permit.decision = "allow"
    with pytest.raises(AppendOnlyError):
        permit.save()
    with pytest.raises(AppendOnlyError):
        permit.delete()


def test_a_hold_can_be_neither_changed_nor_deleted(loan):
    hold = place_hold(kind="dispute", loan=loan, source="staff", actor="test")

    hold.kind = "nothing"
    with pytest.raises(AppendOnlyError):
        hold.save()


def test_the_admin_shows_permits_read_only(client, permit):
    admin = make_staff("root", Role.ADMIN)
    admin.is_superuser = True
    admin.save()
    sign_in_staff(client, admin)

    listing = client.get("/admin/contacts/contactattempt/")
    detail = client.get(f"/admin/contacts/contactattempt/{permit.pk}/change/")

    assert listing.status_code == 200
    assert permit.verification_code in listing.content.decode()
    assert detail.status_code == 200
    assert client.get("/admin/contacts/contactattempt/add/").status_code == 403
    assert client.post(f"/admin/contacts/contactattempt/{permit.pk}/delete/").status_code == 403
    assert ContactAttempt.objects.count() == 1
