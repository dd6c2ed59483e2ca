"""Anyone can check whether the number that contacted them is one of the lender's."""

import pytest

from tactful.consent.models import VerificationLookup

pytestmark = pytest.mark.django_db

OURS = "+8613123456789"


@pytest.fixture(autouse=True)
def _lender_numbers(settings):
    settings.LENDER_CALLER_NUMBERS = frozenset({OURS})


@pytest.fixture
def client():
    # Pages default to Simplified Chinese; these tests read the English wording.
    from django.test import Client

    return Client(HTTP_ACCEPT_LANGUAGE="en")


def test_the_answer_is_translated():
    from django.test import Client

    chinese = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    page = chinese.post("/verify/number/", {"number": OURS}).content.decode()
    assert "是的，这是我们的号码。" in page


def test_one_of_the_lenders_numbers_is_confirmed(client):
    page = client.post("/verify/number/", {"number": "131 2345 6789"}).content.decode()
    assert "Yes, this is one of our numbers." in page
    assert VerificationLookup.objects.count() == 1


def test_another_number_is_said_plainly_not_to_be_ours(client):
    page = client.post("/verify/number/", {"number": "+12025550123"}).content.decode()
    assert "This is not one of our numbers." in page
    assert "Yes, this is one of our numbers." not in page


def test_a_malformed_number_is_refused_and_nothing_is_counted(client):
    response = client.post("/verify/number/", {"number": "not a number"})
    page = response.content.decode()
    assert "one of our numbers" not in page.replace("Or check the number", "")
    assert VerificationLookup.objects.count() == 0


@pytest.mark.parametrize("language", ["zh-hans", "zh-hant"])
def test_a_short_service_number_gets_an_answer_in_the_readers_language(language):
    from django.test import Client

    page = Client(HTTP_ACCEPT_LANGUAGE=language).post("/verify/number/", {"number": "95588"})
    text = page.content.decode()
    assert "is not a valid phone number" not in text
    assert "95588" not in text.replace('value="95588"', "")


def test_with_no_published_numbers_no_number_reads_as_not_ours(client, settings):
    settings.LENDER_CALLER_NUMBERS = frozenset()
    page = client.post("/verify/number/", {"number": "+12025550123"}).content.decode()
    assert "This is not one of our numbers." not in page
    assert 'id="numbers-unpublished"' in page
    assert VerificationLookup.objects.count() == 0


def test_number_checks_count_against_the_hourly_allowance(client, settings):
    settings.VERIFY_PAGE_LOOKUPS_PER_HOUR = 2
    for _ in range(2):
        client.post("/verify/number/", {"number": "+12025550123"})
    assert client.post("/verify/number/", {"number": "+12025550123"}).status_code == 429


def test_the_page_starts_without_an_answer(client):
    page = client.get("/verify/").content.decode()
    assert "Check the number" in page
    assert "This is not one of our numbers." not in page
    assert "Yes, this is one of our numbers." not in page


def test_a_malformed_setting_stops_the_start(tmp_path):
    import os
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-c", "import tactful.settings"],
        env={**os.environ, "LENDER_CALLER_NUMBERS": "+86 123", "TACTFUL_VAR_DIR": str(tmp_path)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "LENDER_CALLER_NUMBERS" in result.stderr
