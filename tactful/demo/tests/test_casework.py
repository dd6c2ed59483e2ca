"""The demo's message library is approved by two officers and seeded once."""

import pytest

from tactful.casework.selectors import all_templates, templates_in_use
from tactful.demo.casework import seed_demo_templates
from tactful.demo.staff import create_demo_staff

pytestmark = pytest.mark.django_db


def test_the_demo_reminder_is_clean_approved_by_a_second_officer_and_seeded_once(settings):
    settings.DEMO_MODE = True
    create_demo_staff()
    assert seed_demo_templates() == 3
    assert seed_demo_templates() == 0
    in_use = templates_in_use(pack="cn")
    assert sorted(t.language for t in in_use) == ["en", "zh-hans", "zh-hant"]
    for template in in_use:
        assert template.findings == []
        assert template.approval.approved_by.username == "compliance2"
        assert template.written_by.username == "compliance"
    assert all_templates(pack="cn").count() == 3


def test_no_templates_outside_demo_mode(settings):
    settings.DEMO_MODE = False
    assert seed_demo_templates() == 0
