import pytest

pytestmark = pytest.mark.django_db


def test_a_link_with_a_verification_code_fills_it_in(client):
    page = client.get("/complaints/new/?code=K7Q2M9XD").content.decode()
    assert 'value="K7Q2M9XD"' in page


def test_the_form_starts_empty_without_a_code(client):
    page = client.get("/complaints/new/").content.decode()
    assert "K7Q2M9XD" not in page
