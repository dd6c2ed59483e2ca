import pytest

from tactful.audit.models import AuditEvent
from tactful.borrowers.models import Borrower, PhoneNumber
from tactful.borrowers.services import BorrowerDetails, upsert_borrower
from tactful.errors import InvalidInput

pytestmark = pytest.mark.django_db

VALID_CN_ID = "11010519491231002X"


def details(**overrides):
    values = {
        "external_id": "b-1",
        "name": "王小明",
        "id_country": "cn",
        "national_id": VALID_CN_ID,
        "phones": ["+8613123456789"],
    }
    values.update(overrides)
    return BorrowerDetails(**values)


def test_it_creates_a_borrower_with_a_normalised_primary_number():
    borrower, created = upsert_borrower(
        details=details(phones=["131 2345 6789"], phone_region="cn"), actor="test"
    )
    assert created
    number = borrower.phone_numbers.get()
    assert (number.e164, number.region, number.is_primary) == ("+8613123456789", "cn", True)
    assert borrower.time_zone == "Asia/Shanghai"


def test_time_zone_is_unknown_when_the_region_spans_zones_and_no_override_is_given():
    borrower, _ = upsert_borrower(details=details(phones=["+1 212 555 0123"]), actor="test")
    assert borrower.phone_numbers.get().time_zone == "America/New_York"
    us_wide, _ = upsert_borrower(
        details=details(external_id="b-2", phones=["+1 800 555 0199"]), actor="test"
    )
    assert us_wide.time_zone is None


def test_override_wins_over_the_number():
    borrower, _ = upsert_borrower(
        details=details(phones=["+12125550123"], timezone_override="Asia/Shanghai"), actor="test"
    )
    assert borrower.time_zone == "Asia/Shanghai"


def test_second_upsert_updates_fields_and_replaces_numbers():
    upsert_borrower(details=details(), actor="test")
    borrower, created = upsert_borrower(
        details=details(name="王晓明", phones=["+12025550123", "+8613123456789"]), actor="test"
    )
    assert not created
    assert borrower.name == "王晓明"
    primary = borrower.phone_numbers.get(is_primary=True)
    assert primary.e164 == "+12025550123"
    assert borrower.phone_numbers.count() == 2
    assert list(AuditEvent.objects.values_list("action", flat=True)) == [
        "borrower.created",
        "borrower.updated",
    ]


@pytest.mark.parametrize(
    ("_case", "overrides", "field"),
    [
        ("bad check digit", {"national_id": "110105194912310021"}, "national_id"),
        ("not a number", {"phones": ["call me"]}, "phones[0]"),
        ("invalid number", {"phones": ["+86 123"]}, "phones[0]"),
        ("no number", {"phones": []}, "phones"),
        ("unknown zone", {"timezone_override": "Mars/Olympus"}, "timezone_override"),
        ("unknown language", {"preferred_language": "fr"}, "preferred_language"),
        ("empty name", {"name": "  "}, "name"),
    ],
)
def test_bad_input_names_the_field_and_stores_nothing(_case, overrides, field):
    with pytest.raises(InvalidInput) as error:
        upsert_borrower(details=details(**overrides), actor="test")
    assert field in error.value.fields
    assert Borrower.objects.count() == 0
    assert PhoneNumber.objects.count() == 0
    assert AuditEvent.objects.count() == 0


def test_a_number_cannot_belong_to_two_borrowers():
    upsert_borrower(details=details(), actor="test")
    with pytest.raises(InvalidInput) as error:
        upsert_borrower(details=details(external_id="b-2"), actor="test")
    assert "another borrower" in error.value.fields["phones[0]"]
    assert Borrower.objects.count() == 1
