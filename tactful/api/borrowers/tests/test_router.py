import json

import pytest

from tactful.audit.models import AuditEvent
from tactful.borrowers.models import Borrower, PhoneNumber
from tactful.testing.api import CN_ID, CN_PHONE, US_PHONE, ApiClient, borrower_body, issue_test_key

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]


@pytest.fixture
def client():
    return ApiClient(issue_test_key("borrowers:write"))


def test_put_creates_a_borrower_and_answers_201_with_masked_personal_data(client):
    response = client.put("/borrowers/b-1", borrower_body(phones=[CN_PHONE, US_PHONE]))

    assert response.status_code == 201
    body = response.json()
    assert body["external_id"] == "b-1"
    assert body["national_id_masked"] == "****002X"
    assert body["phones"] == [
        {"masked": "131****6789", "region": "cn", "time_zone": "Asia/Shanghai", "primary": True},
        {
            "masked": "202****0123",
            "region": "us",
            "time_zone": "America/New_York",
            "primary": False,
        },
    ]
    assert body["time_zone"] == "Asia/Shanghai"
    assert Borrower.objects.get().national_id == CN_ID


def test_the_response_never_contains_the_full_id_number_phone_or_name(client):
    response = client.put("/borrowers/b-1", borrower_body(phones=[CN_PHONE, US_PHONE]))
    text = json.dumps(response.json(), ensure_ascii=False)
    for secret in (CN_ID, "13123456789", "2025550123", "王小明"):
        assert secret not in text


def test_put_again_updates_and_answers_200(client):
    client.put("/borrowers/b-1", borrower_body())
    response = client.put(
        "/borrowers/b-1",
        borrower_body(name="王晓明", preferred_language="en", timezone_override="Asia/Hong_Kong"),
    )
    assert response.status_code == 200
    assert response.json()["preferred_language"] == "en"
    assert response.json()["time_zone"] == "Asia/Hong_Kong"
    assert Borrower.objects.get().name == "王晓明"
    assert Borrower.objects.count() == 1


def test_numbers_without_a_country_code_use_the_phone_region(client):
    response = client.put(
        "/borrowers/b-1", borrower_body(phones=["131 2345 6789"], phone_region="cn")
    )
    assert response.status_code == 201
    assert PhoneNumber.objects.get().e164 == CN_PHONE


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"national_id": "110105194912310021"}, "national_id"),
        ({"id_country": "china"}, "id_country"),
        ({"phones": ["+86 123"]}, "phones.0"),
        ({"phones": [CN_PHONE, "not a number"]}, "phones.1"),
        ({"phones": []}, "phones"),
        ({"phones": ["13123456789"]}, "phones.0"),
        ({"preferred_language": "fr"}, "preferred_language"),
        ({"timezone_override": "Mars/Olympus"}, "timezone_override"),
        ({"timezone_override": "localtime"}, "timezone_override"),
        ({"timezone_override": "Factory"}, "timezone_override"),
        ({"timezone_override": "posixrules"}, "timezone_override"),
        ({"phones": [CN_PHONE, CN_PHONE]}, "phones.1"),
        ({"phones": [CN_PHONE, "131 2345 6789"], "phone_region": "cn"}, "phones.1"),
        ({"name": "   "}, "name"),
        ({"name": "王\x00小明"}, "name"),
        ({"name": 42}, "name"),
        ({"phone_region": "c"}, "phone_region"),
    ],
)
def test_bad_input_is_refused_field_by_field_and_stores_nothing(client, overrides, field):
    response = client.put("/borrowers/b-1", borrower_body(**overrides))
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_input"
    assert field in response.json()["fields"]
    assert Borrower.objects.count() == 0
    assert PhoneNumber.objects.count() == 0
    assert AuditEvent.objects.filter(action__startswith="borrower.").count() == 0


def test_a_refused_number_is_not_quoted_back(client):
    """An error may reach a log or a ticket: it names the field, never the number."""
    for phones in (["+86 131 2345"], ["+1 202 555 0199 0"], [CN_PHONE, CN_PHONE]):
        response = client.put("/borrowers/b-1", borrower_body(phones=phones))
        assert response.status_code == 422
        text = response.content.decode()
        digits = "".join(ch for ch in text if ch.isdigit())
        assert "1312345" not in digits, text
        assert "2025550199" not in digits, text
        assert CN_PHONE not in text


def test_an_update_repeating_a_number_keeps_the_borrower_reachable(client):
    client.put("/borrowers/b-1", borrower_body())
    response = client.put("/borrowers/b-1", borrower_body(phones=[CN_PHONE, CN_PHONE]))
    assert response.status_code == 422
    primary = PhoneNumber.objects.get(is_primary=True)
    assert primary.e164 == CN_PHONE
    assert primary.time_zone == "Asia/Shanghai"


def test_a_number_of_another_borrower_is_refused(client):
    client.put("/borrowers/b-1", borrower_body())
    response = client.put("/borrowers/b-2", borrower_body())
    assert response.status_code == 422
    assert response.json()["fields"] == {
        "phones.0": "this number is registered to another borrower"
    }
    assert Borrower.objects.count() == 1


def test_an_external_id_outside_the_allowed_characters_is_refused(client):
    response = client.put("/borrowers/-b1", borrower_body())
    assert response.status_code == 422
    assert set(response.json()["fields"]) == {"external_id"}
    assert Borrower.objects.count() == 0
