import pytest

from tactful.privacy.masking import mask_national_id, mask_phone


@pytest.mark.parametrize(
    ("national_id", "masked"),
    [
        ("11010519491231002X", "****002X"),
        ("123-45-6789", "****6789"),
        ("1234", "****"),
        ("", "****"),
    ],
)
def test_a_national_id_shows_only_its_last_four_characters(national_id, masked):
    assert mask_national_id(national_id) == masked


@pytest.mark.parametrize(
    ("e164", "masked"),
    [
        ("+8613123456789", "131****6789"),
        ("+12025550123", "202****0123"),
        ("+85223456789", "****89"),
    ],
)
def test_a_phone_shows_three_leading_and_four_trailing_national_digits(e164, masked):
    assert mask_phone(e164) == masked
