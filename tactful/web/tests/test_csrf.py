import pytest
from django.test import Client

from tactful.accounts.roles import Role
from tactful.one_time_codes.models import OneTimeCode
from tactful.testing.personas import (
    FIRST_PHONE,
    STAFF_PASSWORD,
    make_borrower,
    make_staff,
    sign_in_borrower,
)

pytestmark = pytest.mark.django_db

FORMS = [
    ("/staff/login/", {"username": "mei", "password": STAFF_PASSWORD}),
    ("/staff/sign-out/", {}),
    ("/portal/sign-in/", {"phone_region": "US", "phone": FIRST_PHONE}),
    ("/portal/sign-in/code/", {"phone": FIRST_PHONE, "code": "123456"}),
    ("/portal/sign-out/", {}),
    ("/i18n/setlang/", {"language": "en"}),
]


@pytest.mark.parametrize(("path", "data"), FORMS)
def test_posts_without_a_csrf_token_are_refused(path, data, sms_outbox):
    client = Client(enforce_csrf_checks=True)
    make_staff("mei", Role.COLLECTOR)
    sign_in_borrower(client, make_borrower(external_id="b-1", phone=FIRST_PHONE))

    response = client.post(path, data)

    assert response.status_code == 403
    assert OneTimeCode.objects.count() == 0
    assert sms_outbox.sent == []


def test_the_enrolment_form_needs_a_csrf_token():
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_staff("new", Role.COLLECTOR, with_device=False))

    assert client.post("/staff/otp/setup/", {"otp_token": "123456"}).status_code == 403


def test_a_form_with_its_token_is_accepted():
    client = Client(enforce_csrf_checks=True)
    page = client.get("/portal/sign-in/")
    token = page.cookies["csrftoken"].value

    response = client.post(
        "/portal/sign-in/",
        {"phone_region": "US", "phone": FIRST_PHONE, "csrfmiddlewaretoken": token},
    )

    assert response.status_code == 200
