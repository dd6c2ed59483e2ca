import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from tactful.accounts.roles import Role
from tactful.audit.models import AuditEvent
from tactful.testing.personas import STAFF_PASSWORD, current_token, make_staff

pytestmark = pytest.mark.django_db


def sign_in(client: Client, username: str, password: str = STAFF_PASSWORD, token: str = ""):
    return client.post(
        "/staff/login/", {"username": username, "password": password, "otp_token": token}
    )


def test_password_and_current_code_open_the_staff_home(client):
    user = make_staff("mei", Role.COLLECTOR)

    response = sign_in(client, "mei", token=current_token(user))

    assert response.status_code == 302
    assert response["Location"] == "/staff/"
    assert DEVICE_ID_SESSION_KEY in client.session
    home = client.get("/staff/")
    assert home.status_code == 200
    assert "催收员" in home.content.decode()


def test_a_safe_next_address_is_honoured_and_another_site_is_not(client):
    user = make_staff("mei", Role.COLLECTOR)
    token = current_token(user)

    response = client.post(
        "/staff/login/",
        {
            "username": "mei",
            "password": STAFF_PASSWORD,
            "otp_token": token,
            "next": "https://attacker.example/",
        },
    )

    assert response["Location"] == "/staff/"


def test_a_wrong_password_is_refused_without_saying_which_part_was_wrong(client):
    user = make_staff("mei", Role.COLLECTOR)

    response = sign_in(client, "mei", password="not-the-password", token=current_token(user))

    assert response.status_code == 200
    assert "用户名、密码或验证码不正确" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_wrong_code_is_refused_and_counts_as_a_failed_attempt(client):
    make_staff("mei", Role.COLLECTOR)

    response = sign_in(client, "mei", token="000000")

    assert response.status_code == 200
    assert "用户名、密码或验证码不正确" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert AccessAttempt.objects.get().failures_since_start == 1


def test_a_missing_code_is_refused_for_staff_who_have_an_app(client):
    make_staff("mei", Role.COLLECTOR)

    response = sign_in(client, "mei")

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_sign_in_locks_after_the_failure_limit_even_for_the_right_credentials(client):
    user = make_staff("mei", Role.COLLECTOR)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "mei", password="wrong-password")

    response = sign_in(client, "mei", token=current_token(user))

    assert response.status_code == 429
    assert "登录已暂时锁定" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_lockout_page_is_shown_on_the_attempt_that_reaches_the_limit(client):
    make_staff("mei", Role.COLLECTOR)
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert sign_in(client, "mei", password="wrong-password").status_code == 200

    response = sign_in(client, "mei", password="wrong-password")

    assert response.status_code == 429
    assert "30" in response.content.decode()


class TestEnrolment:
    def test_staff_without_an_app_are_sent_to_enrol_after_the_password(self, client):
        make_staff("new", Role.SUPERVISOR, with_device=False)

        response = sign_in(client, "new")

        assert response["Location"] == "/staff/otp/setup/"
        assert client.get("/staff/")["Location"] == "/staff/otp/setup/"

    def test_the_enrolment_page_shows_the_key_and_the_set_up_link(self, client):
        make_staff("new", Role.SUPERVISOR, with_device=False)
        sign_in(client, "new")

        body = client.get("/staff/otp/setup/").content.decode()

        device = TOTPDevice.objects.get()
        assert not device.confirmed
        assert "otpauth://totp/Tactful%3Anew?secret=" in body
        assert 'class="secret"' in body

    def test_the_enrolment_page_draws_the_set_up_link_as_a_qr_code_here(self, client):
        import base64
        import re

        make_staff("new", Role.SUPERVISOR, with_device=False)
        sign_in(client, "new")

        body = client.get("/staff/otp/setup/").content.decode()

        found = re.search(r'src="data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)"', body)
        assert found is not None
        svg = base64.b64decode(found.group(1)).decode()
        assert svg.startswith(("<?xml", "<svg"))
        assert "<path" in svg
        # Drawn on the server: no outside QR service is named anywhere on the page.
        assert "chart.googleapis" not in body
        assert "api.qrserver" not in body

    def test_the_admin_never_shows_anyones_qr_code_enrolment_does(self, client):
        from django.urls import reverse

        from tactful.testing.personas import sign_in_staff

        admin = make_staff("root", Role.ADMIN)
        admin.is_superuser = True
        admin.save(update_fields=["is_superuser"])
        sign_in_staff(client, admin)
        device = TOTPDevice.objects.get(user=admin)

        for name in ("admin:otp_totp_totpdevice_qrcode", "admin:otp_totp_totpdevice_config"):
            answer = client.get(reverse(name, args=[device.pk]))
            assert answer.status_code == 403  # a secret is seen by its owner, once

    def test_a_wrong_code_does_not_confirm_the_app(self, client):
        make_staff("new", Role.SUPERVISOR, with_device=False)
        sign_in(client, "new")
        client.get("/staff/otp/setup/")

        response = client.post("/staff/otp/setup/", {"otp_token": "000000"})

        assert response.status_code == 200
        assert not TOTPDevice.objects.get().confirmed
        assert client.get("/staff/").status_code == 302

    def test_the_right_code_confirms_the_app_and_opens_the_staff_pages(self, client):
        user = make_staff("new", Role.SUPERVISOR, with_device=False)
        sign_in(client, "new")
        client.get("/staff/otp/setup/")

        response = client.post("/staff/otp/setup/", {"otp_token": current_token(user)})

        assert response["Location"] == "/staff/"
        assert TOTPDevice.objects.get().confirmed
        assert client.get("/staff/").status_code == 200
        assert AuditEvent.objects.filter(action="staff.totp_enrolled").count() == 1

    def test_staff_who_have_an_app_cannot_enrol_another_with_a_password_only(self, client):
        user = make_staff("mei", Role.COLLECTOR)
        client.force_login(user)

        response = client.get("/staff/otp/setup/")

        assert response["Location"] == "/staff/login/"
        assert TOTPDevice.objects.count() == 1

    def test_visitors_who_are_not_signed_in_are_sent_to_sign_in(self, client):
        assert client.get("/staff/otp/setup/")["Location"] == "/staff/login/"


def test_signing_out_needs_a_post_and_ends_the_session(client):
    user = make_staff("mei", Role.COLLECTOR)
    sign_in(client, "mei", token=current_token(user))

    assert client.get("/staff/sign-out/").status_code == 405
    response = client.post("/staff/sign-out/")

    assert response["Location"] == "/"
    assert client.get("/staff/").status_code == 302
