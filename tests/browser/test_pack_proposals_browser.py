"""Two compliance officers change the gate's rules in a browser, on a phone.

The first officer proposes letting calls start an hour earlier and allowing more
unanswered dial attempts: the check refuses it at once and names both rules, with
example decisions it would have loosened. She then proposes a later start and a lower
cap on connected calls: the check finds nothing loosened and lists the decisions that
become stricter, and her own page offers her no approval. A second officer approves it
to take effect in two hours; the gate keeps the pack in force until then and decides
under the new rules from that moment. In English and simplified Chinese, 390 px wide.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tactful.accounts.roles import Role
from tactful.audit.models import AuditEvent
from tactful.policy import load_pack
from tactful.rulepacks.models import PackProposal
from tactful.rulepacks.selectors import forget_gate_pack, gate_pack
from tactful.rulepacks.tests.conftest import LOOSER, TIGHTER
from tactful.testing.personas import make_staff
from tests.browser.sessions import fits, staff_page, wider_than_screen

PHONE = {"width": 390, "height": 844}
LOCALES = {"en": "en-GB", "zh-hans": "zh-CN"}


def _propose(page, base_url: str, text: str) -> None:
    page.goto(f"{base_url}/staff/packs/new/")
    page.fill("textarea[name=override]", text)
    page.click("form.stack-form button[type=submit]")
    page.wait_for_selector("[data-state]")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_a_loosening_is_refused_and_a_tightening_takes_effect_at_its_time(
    live_server, phone_page, language
):
    forget_gate_pack()
    author = make_staff("li.compliance", Role.COMPLIANCE)
    second = make_staff("chen.compliance", Role.COMPLIANCE)
    browser = phone_page.context.browser
    assert browser is not None
    base = live_server.url
    context, page = staff_page(
        browser, base, author, language=language, locale=LOCALES[language], viewport=PHONE
    )
    try:
        _propose(page, base, LOOSER)
        assert page.get_attribute("[data-state]", "data-state") == "refused"
        named = page.inner_text("[data-loosened-rules]")
        assert "cn.gbt45251.quiet_hours" in named
        assert "cn.cba2026.unanswered_attempt_cap" in named
        assert page.locator("[data-examples=loosened] li").count() > 0
        assert page.locator("input[name=effective_at]").count() == 0
        assert fits(page), wider_than_screen(page)

        _propose(page, base, TIGHTER)
        assert page.get_attribute("[data-state]", "data-state") == "proposed"
        assert page.locator("[data-never-loosens]").count() == 1
        assert page.locator("[data-examples=tightened] li").count() > 0
        assert page.locator("input[name=effective_at]").count() == 0  # not her own
        assert fits(page), wider_than_screen(page)
    finally:
        context.close()

    proposal = PackProposal.objects.get(direction="tighter")
    context, page = staff_page(
        browser, base, second, language=language, locale=LOCALES[language], viewport=PHONE
    )
    try:
        page.goto(f"{base}/staff/packs/{proposal.reference}/")
        effective = (timezone.now() + timedelta(hours=2)).astimezone(second.zone)
        effective = effective.replace(second=0, microsecond=0)
        page.fill("input[name=effective_at]", effective.strftime("%Y-%m-%dT%H:%M"))
        page.click("form[action$='/approve/'] button[type=submit]")
        page.wait_for_selector("[data-approval]")
        assert page.get_attribute("[data-state]", "data-state") == "approved"
        assert fits(page), wider_than_screen(page)
        page.goto(f"{base}/staff/packs/")
        assert fits(page), wider_than_screen(page)
    finally:
        context.close()

    shipped = load_pack("cn").digest
    assert gate_pack(timezone.now()).digest == shipped
    assert gate_pack(effective - timedelta(seconds=1)).digest == shipped
    assert gate_pack(effective).digest == proposal.proposed_digest
    assert AuditEvent.objects.filter(action="rulepacks.override_approved").count() == 1
    forget_gate_pack()
