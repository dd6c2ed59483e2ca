import pytest

from tactful.accounts.models import User
from tactful.accounts.roles import Role
from tactful.testing.personas import (
    FIRST_PHONE,
    make_borrower,
    make_staff,
    sign_in_borrower,
    sign_in_staff,
)
from tactful.treatments.models import DailyPlan
from tactful.treatments.services import build_daily_plan
from tactful.treatments.tests.conftest import DAY, MORNING

pytestmark = pytest.mark.django_db
PAGE = "/staff/plan/"
BUILD = "/staff/plan/build/"


def test_anonymous_visitors_are_sent_to_the_staff_sign_in(client):
    response = client.get(PAGE)

    assert response.status_code == 302
    assert response["Location"] == f"/staff/login/?next={PAGE}"


def test_signed_in_borrowers_are_not_staff(client):
    sign_in_borrower(client, make_borrower(external_id="b-1", phone=FIRST_PHONE))

    assert client.get(PAGE)["Location"].startswith("/staff/login/")


def test_a_user_without_a_staff_role_is_forbidden(client):
    user = User.objects.create_user(username="nobody", password="x")
    user.totpdevice_set.create(name="default", confirmed=True)
    sign_in_staff(client, user)

    assert client.get(PAGE).status_code == 403


def test_staff_who_skipped_the_code_must_sign_in_again(client):
    sign_in_staff(client, make_staff("mei", Role.SUPERVISOR), verified=False)

    assert client.get(PAGE)["Location"].startswith("/staff/login/")


@pytest.mark.parametrize("role", list(Role))
def test_every_staff_role_reads_the_plan(client, role):
    sign_in_staff(client, make_staff(f"staff-{role}", role))

    response = client.get(PAGE)

    assert response.status_code == 200
    assert response.context["plan"] is None
    assert "尚未生成计划" in response.content.decode()


def test_a_plan_being_built_says_how_far_it_got_and_is_not_shown(client, portfolio):
    from tactful.treatments.services import open_plan

    _, run = open_plan(plan_date=DAY, at=MORNING, actor="test", chunk_size=5)
    assert run is not None
    sign_in_staff(client, make_staff("li", Role.COLLECTOR))

    response = client.get(PAGE, HTTP_ACCEPT_LANGUAGE="en")

    assert response.context["plan"] is None
    page = response.content.decode()
    assert (
        f"The plan of {DAY.isoformat()} is being built: 0 of {run.chunks} parts are done." in page
    )
    hant = client.get(PAGE, HTTP_ACCEPT_LANGUAGE="zh-hant").content.decode()
    assert f"{DAY.isoformat()} 的計劃正在產生" in hant


def test_the_page_shows_counts_the_strategy_table_and_reasons(client, portfolio):
    plan = build_daily_plan(plan_date=DAY, at=MORNING, actor="test")
    sign_in_staff(client, make_staff("li", Role.COLLECTOR))

    page = client.get(PAGE, HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert plan.model_id in page
    assert f"<dd>{plan.summary['accounts']}</dd>" in page
    assert "65%–100%" in page
    assert "the estimated risk." in page


def test_the_rows_can_be_narrowed_to_one_treatment(client, portfolio):
    build_daily_plan(plan_date=DAY, at=MORNING, actor="test")
    sign_in_staff(client, make_staff("li", Role.COLLECTOR))

    response = client.get(PAGE, {"treatment": "wait"})

    assert {row.entry.treatment for row in response.context["rows"]} <= {"wait"}


@pytest.mark.parametrize("role", [Role.COLLECTOR, Role.COMPLIANCE])
def test_only_supervisors_and_administrators_build_a_plan(client, role):
    sign_in_staff(client, make_staff(f"staff-{role}", role))

    response = client.post(BUILD)

    assert response.status_code == 403
    assert not DailyPlan.objects.exists()


def test_a_supervisor_builds_todays_plan(client):
    sign_in_staff(client, make_staff("wang", Role.SUPERVISOR))

    response = client.post(BUILD)

    assert response.status_code == 302
    assert DailyPlan.objects.count() == 1


def test_building_needs_a_post(client):
    sign_in_staff(client, make_staff("wang", Role.SUPERVISOR))

    assert client.get(BUILD).status_code == 405
    assert not DailyPlan.objects.exists()
