import pytest
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from tactful.accounts.models import User
from tactful.accounts.roles import Role
from tactful.borrowers.models import Borrower
from tactful.testing.personas import (
    FIRST_PHONE,
    SECOND_PHONE,
    make_borrower,
    make_overdue_loan,
    make_staff,
    sign_in_borrower,
    sign_in_staff,
)
from tactful.web.access import staff_required

pytestmark = pytest.mark.django_db

STAFF_PAGES = ["/staff/"]
BORROWER_PAGES = ["/portal/"]


@pytest.mark.parametrize("path", STAFF_PAGES)
def test_anonymous_visitors_are_sent_to_the_staff_sign_in(client, path):
    response = client.get(path)

    assert response.status_code == 302
    assert response["Location"] == f"/staff/login/?next={path}"


@pytest.mark.parametrize("path", STAFF_PAGES)
def test_signed_in_borrowers_are_not_staff(client, path):
    sign_in_borrower(client, make_borrower(external_id="b-1", phone=FIRST_PHONE))

    response = client.get(path)

    assert response.status_code == 302
    assert response["Location"].startswith("/staff/login/")


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("path", STAFF_PAGES)
def test_each_verified_staff_role_opens_the_staff_pages(client, role, path):
    sign_in_staff(client, make_staff(f"staff-{role}", role))

    assert client.get(path).status_code == 200


@pytest.mark.parametrize("path", STAFF_PAGES)
def test_staff_who_skipped_the_code_must_sign_in_again(client, path):
    sign_in_staff(client, make_staff("mei", Role.ADMIN), verified=False)

    response = client.get(path)

    assert response.status_code == 302
    assert response["Location"].startswith("/staff/login/")


@pytest.mark.parametrize("path", STAFF_PAGES)
def test_a_user_without_a_staff_role_is_forbidden(client, path):
    user = User.objects.create_user(username="nobody", password="x")
    user.totpdevice_set.create(name="default", confirmed=True)
    sign_in_staff(client, user)

    response = client.get(path)

    assert response.status_code == 403
    assert "您无法打开此页面" in response.content.decode()


@pytest.mark.parametrize("path", BORROWER_PAGES)
def test_staff_are_not_borrowers(client, path):
    sign_in_staff(client, make_staff("mei", Role.ADMIN))

    response = client.get(path)

    assert response["Location"] == "/portal/sign-in/"


def _compliance_view():
    @staff_required(Role.COMPLIANCE)
    def view(request):
        return HttpResponse("ok")

    return view


def _verified_request(user):
    request = RequestFactory().get("/somewhere/")
    request.user = user
    user.is_verified = lambda: True
    return request


def test_a_page_for_one_role_forbids_staff_of_another_role():
    collector = make_staff("collector", Role.COLLECTOR)

    with pytest.raises(PermissionDenied):
        _compliance_view()(_verified_request(collector))


@pytest.mark.parametrize("role", [Role.COMPLIANCE])
def test_a_page_for_one_role_admits_that_role_and_superusers(role):
    officer = make_staff("officer", role)
    boss = User.objects.create_superuser(username="root", password="x")

    assert _compliance_view()(_verified_request(officer)).status_code == 200
    assert _compliance_view()(_verified_request(boss)).status_code == 200


def test_the_navigation_shows_administration_only_to_administrators(client):
    sign_in_staff(client, make_staff("collector", Role.COLLECTOR))
    collector_page = client.get("/staff/").content.decode()
    client.logout()
    sign_in_staff(client, make_staff("admin", Role.ADMIN))
    admin_page = client.get("/staff/").content.decode()

    assert 'href="/admin/"' not in collector_page
    assert 'href="/admin/"' in admin_page


# Who sees what: every page against every kind of visitor.
PERSONAS = [
    "anonymous",
    "borrower",
    *[f"verified {role}" for role in Role],
    "password only",
    "not enrolled",
]
PAGES = ["/", "/staff/login/", "/demo/outbox/", "/portal/sign-in/", "/portal/", "LOAN"]
PAGES += ["/staff/", "/staff/otp/setup/"]
TO_PORTAL_SIGN_IN = (302, "/portal/sign-in/")


def _expected(persona: str, page: str) -> tuple[int, str]:
    """Return the status and redirect target ("" for none) that `persona` gets on `page`."""
    borrower = persona == "borrower"
    verified = persona.startswith("verified")
    if page in {"/", "/staff/login/", "/demo/outbox/"}:
        return 200, ""
    if page == "/portal/sign-in/":
        return (302, "/portal/") if borrower else (200, "")
    if page in {"/portal/", "LOAN"}:
        return (200, "") if borrower else TO_PORTAL_SIGN_IN
    if persona == "not enrolled":
        return (302, "/staff/otp/setup/") if page == "/staff/" else (200, "")
    if page == "/staff/":
        return (200, "") if verified else (302, "/staff/login/?next=/staff/")
    return (302, "/staff/") if verified else (302, "/staff/login/")


def _become(client, persona: str) -> Borrower | None:
    """Sign `client` in as `persona`; return the borrower when the persona is one."""
    if persona == "borrower":
        borrower = make_borrower(external_id="b-me", phone=SECOND_PHONE)
        sign_in_borrower(client, borrower)
        return borrower
    if persona.startswith("verified"):
        role = Role(persona.split()[1])
        sign_in_staff(client, make_staff(f"staff-{role}", role))
    elif persona == "password only":
        sign_in_staff(client, make_staff("half", Role.COLLECTOR), verified=False)
    elif persona == "not enrolled":
        client.force_login(make_staff("fresh", Role.COLLECTOR, with_device=False))
    return None


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("page", PAGES)
def test_every_page_answers_every_kind_of_visitor_as_intended(client, settings, persona, page):
    settings.DEMO_MODE = True
    borrower = _become(client, persona)
    path = page
    if page == "LOAN":
        owner = borrower or make_borrower(external_id="b-owner", phone=FIRST_PHONE)
        path = reverse("portal:loan", args=[make_overdue_loan(owner, external_id="l-1").reference])

    response = client.get(path)

    status, location = _expected(persona, page)
    assert response.status_code == status
    if location:
        assert response["Location"] == location
