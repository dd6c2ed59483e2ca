"""The demo's message library is approved by two officers and seeded once."""

import pytest

from tactful.casework.selectors import all_templates, templates_in_use
from tactful.demo.casework import seed_demo_templates
from tactful.demo.staff import create_demo_staff

pytestmark = pytest.mark.django_db


def test_the_demo_library_is_clean_approved_by_a_second_officer_and_seeded_once(settings):
    settings.DEMO_MODE = True
    create_demo_staff()
    assert seed_demo_templates() == 6
    assert seed_demo_templates() == 0
    in_use = templates_in_use(pack="cn")
    assert sorted((t.name, t.language) for t in in_use) == [
        (name, language)
        for name in ("hardship_help", "payment_reminder")
        for language in ("en", "zh-hans", "zh-hant")
    ]
    for template in in_use:
        assert template.findings == []
        assert template.approval.approved_by.username == "compliance2"
        assert template.written_by.username == "compliance"
    assert all_templates(pack="cn").count() == 6


def test_the_hardship_template_sends_the_way_to_help(settings):
    from tactful.casework.services import filled_template
    from tactful.testing.personas import FIRST_PHONE, make_borrower, make_overdue_loan

    settings.DEMO_MODE = True
    settings.SITE_URL = "https://lender.example"
    create_demo_staff()
    seed_demo_templates()
    [help_en] = [
        t for t in templates_in_use(pack="cn") if t.name == "hardship_help" and t.language == "en"
    ]
    loan = make_overdue_loan(make_borrower(external_id="b-1", phone=FIRST_PHONE), external_id="l-1")
    text = filled_template(help_en, loan=loan, today=loan.disbursed_on)
    assert "https://lender.example/portal/help/" in text


def test_no_templates_outside_demo_mode(settings):
    settings.DEMO_MODE = False
    assert seed_demo_templates() == 0
