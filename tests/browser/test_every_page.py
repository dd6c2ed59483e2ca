"""Every page a borrower or anyone else opens, in zh-Hans, zh-Hant and en, on a 390-pixel
phone: no overflow, no serious or critical accessibility issue (axe-core, vendored), no
Simplified-only character on a Traditional page, no English left on a Chinese page and no
raw code (snake_case names, long decimals) on any page."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from django.urls import reverse

from tactful.repayment import services as repayment
from tactful.testing.personas import FIRST_PHONE, make_borrower, make_overdue_loan
from tactful.testing.zones import move_to_daytime
from tests.browser.conftest import CHROMIUM, PHONE_VIEWPORT
from tests.browser.sessions import publish_notices_again, sign_in_borrower

if TYPE_CHECKING:
    from playwright.sync_api import Page

AXE = Path(__file__).parents[1] / "vendor" / "axe-core" / "axe.min.js"
LANGUAGES = ("zh-hans", "zh-hant", "en")
# English that may stand on a Chinese page: names, codes people type, and zone names.
ALLOWED_ENGLISH = re.compile(r"Tactful|Asia/\w+|[A-Z]{3}\b|APR|PDF|JSON|English|Ed25519")
RAW_CODE = re.compile(r"\b[a-z]+_[a-z_]+\b|\b\d+\.\d{5,}\b|\b[a-z_]+:[0-9a-f-]{8,}")
ENGLISH_RUN = re.compile(r"\b[A-Za-z]{2,}(?:[ ,]+[A-Za-z]{2,}){2,}\b")


@cache
def simplified_only() -> frozenset[str]:
    """Characters OpenCC writes differently in Traditional Chinese and never as themselves."""
    import opencc

    table = Path(opencc.__file__).parent / "dictionary" / "STCharacters.txt"
    found = set()
    for line in table.read_text(encoding="utf-8").splitlines():
        simple, _, traditional = line.partition("\t")
        if simple and simple not in traditional.split():
            found.add(simple)
    return frozenset(found)


@pytest.fixture
def crawler(live_server) -> Iterator[Page]:
    """A phone browser that lets the test inject axe-core (the pages' CSP forbids inline)."""
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        context = browser.new_context(
            viewport=PHONE_VIEWPORT, is_mobile=True, has_touch=True, bypass_csp=True
        )
        page = context.new_page()
        page.set_default_timeout(15_000)
        try:
            yield page
        finally:
            context.close()
            browser.close()
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


def pages(loan: Any, offer: Any, complaint: Any) -> list[str]:
    portal = [
        reverse("portal:home"),
        reverse("portal:loan", args=[loan.reference]),
        reverse("portal:help"),
        reverse("portal:budget"),
        reverse("portal:points"),
        reverse("portal:plans", args=[loan.reference]),
        reverse("portal:offer", args=[offer.reference]),
        reverse("portal:hardship", args=[loan.reference]),
        reverse("portal:promise", args=[loan.reference]),
        reverse("portal:auto-debit", args=[loan.reference]),
        reverse("portal:privacy"),
        reverse("portal:contact-record"),
        reverse("portal:rights"),
        reverse("portal:complaints"),
        reverse("portal:terms"),
        reverse("portal:complaint", args=[complaint.reference]),
    ]
    public = [
        reverse("public:home"),
        reverse("public:help"),
        reverse("public:verify"),
        reverse("public:third-party-start"),
        reverse("public:complaint-new"),
        reverse("public:complaint-status", args=[complaint.reference]),
    ]
    return public + portal


def problems_on(page: Page, language: str, data: tuple[str, ...]) -> list[str]:
    found: list[str] = []
    width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    if width[0] > width[1]:
        found.append(f"overflows: {width[0]} px wide in {width[1]} px")
    page.add_script_tag(path=str(AXE))
    assert page.evaluate("typeof axe.run") == "function"
    result = page.evaluate(
        "axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'best-practice']})"
        ".then(r => r.violations.filter(v => ['serious', 'critical'].includes(v.impact))"
        ".map(v => v.id + ': ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | ')))"
    )
    found += [f"axe {violation}" for violation in result]
    text = page.inner_text("main") if page.locator("main").count() else page.inner_text("body")
    # The lender's product names and people's names are shown as they were given.
    for given in data:
        text = text.replace(given, "")
    found += [f"raw code {code!r}" for code in sorted(set(RAW_CODE.findall(text)))]
    if language != "en":
        english = set(ENGLISH_RUN.findall(ALLOWED_ENGLISH.sub("", text)))
        found += [f"English on a Chinese page: {run!r}" for run in sorted(english)]
    if language == "zh-hant":
        simplified = sorted({char for char in text if char in simplified_only()})
        if simplified:
            found.append(f"Simplified characters on a Traditional page: {''.join(simplified)}")
    return found


def a_life_on_the_record(borrower: Any, loan: Any) -> Any:
    """Give every page something to show: contacts allowed and denied (with the gate's
    reasons), a promise, an emergency contact, a consent, a complaint and its holds."""
    from datetime import timedelta
    from decimal import Decimal

    from django.utils import timezone

    from tactful.complaints import services as complaints
    from tactful.consent import services as consent
    from tactful.contacts.facts import PermitRequest
    from tactful.contacts.services import recipients_for_borrower, request_permit

    [own] = recipients_for_borrower(borrower=borrower)
    now = timezone.now()
    for hours in (0, 12):  # one now (daytime), one twelve hours later (night)
        request_permit(
            request=PermitRequest(
                loan=loan,
                recipient=own,
                channel="sms",
                purpose="reminder",
                automated=True,
                content="您好，本期账单已出，请按时还款。",
            ),
            actor="test",
            now=now + timedelta(hours=hours),
        )
    today = now.date()
    repayment.record_promise(
        loan=loan,
        amount=Decimal("500.00"),
        due_on=today + timedelta(days=3),
        channel="portal",
        actor="test",
        today=today,
    )
    consent.grant_consent(
        borrower=borrower,
        purpose="locate_via_emergency_contact",
        language="zh-hans",
        channel="portal",
        evidence={"method": "portal_session"},
        actor="test",
    )
    consent.designate_emergency_contact(
        borrower=borrower,
        phone="+8613123456789",
        relationship="sibling",
        language="zh-hans",
        actor="test",
    )
    return complaints.file_complaint(
        intake=complaints.Intake(
            channel="portal",
            category="harassment",
            description="一天打了好几次电话。",
            complainant_kind="borrower",
            borrower=borrower,
            loan=loan,
        ),
        actor="test",
    ).complaint


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_every_page_reads_right_in_every_language_on_a_phone(live_server, crawler, settings):
    publish_notices_again()
    borrower = move_to_daytime(make_borrower(external_id="b-crawl", phone=FIRST_PHONE, name="张伟"))
    loan = make_overdue_loan(borrower, external_id="l-crawl", days_ago=100)
    [offer, *_] = repayment.price_offers(loan=loan, request=repayment.OfferRequest(), actor="test")
    complaint = a_life_on_the_record(borrower, loan)
    sign_in_borrower(crawler, live_server.url, borrower)
    report: list[str] = []
    for language in LANGUAGES:
        crawler.context.add_cookies(
            [{"name": "django_language", "value": language, "url": live_server.url}]
        )
        for path in pages(loan, offer, complaint):
            response = crawler.goto(f"{live_server.url}{path}")
            assert response is not None
            if response.status != 200:
                report.append(f"{language} {path}: answered {response.status}")
                continue
            report += [
                f"{language} {path}: {problem}"
                for problem in problems_on(
                    crawler, language, (borrower.name, loan.product, complaint.description)
                )
            ]
    assert report == [], "\n".join(report)


def complaints_at_every_stage(borrower: Any, loan: Any) -> list[Any]:
    """A complaint received with a screenshot, one under investigation with a question
    answered, one upheld with its apology held and its closing asked for, one closed."""
    from datetime import timedelta

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from tactful.accounts.roles import Role
    from tactful.complaints import services as complaints
    from tactful.testing.personas import make_staff

    officer = make_staff("li.compliance", Role.COMPLIANCE)

    def filed(category: str, **extra: Any) -> Any:
        return complaints.file_complaint(
            intake=complaints.Intake(
                channel="portal",
                category=category,
                description="一天打了好几次电话。",
                complainant_kind="borrower",
                borrower=borrower,
                loan=loan,
                **extra,
            ),
            actor="test",
        ).complaint

    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    received = filed("harassment", attachments=[SimpleUploadedFile("a.png", png)])
    asked = complaints.start_investigation(complaint=filed("privacy"), actor=officer)
    question = complaints.request_information(complaint=asked, question="几点？", actor=officer)
    complaints.answer_information_request(reply=question, answer="晚上十点。")
    upheld = complaints.start_investigation(complaint=filed("wrong_amount"), actor=officer)
    upheld = complaints.resolve(
        complaint=upheld, resolution="upheld", summary="属实。", actor=officer
    )
    night = timezone.now() + timedelta(hours=14)  # it is day where the borrower lives now
    complaints.send_apology(complaint=upheld, actor=officer, now=night)
    complaints.close(complaint=upheld, actor=officer)
    closed = complaints.start_investigation(complaint=filed("other"), actor=officer)
    closed = complaints.resolve(
        complaint=closed, resolution="not_upheld", summary="无误。", actor=officer
    )
    closed = complaints.close(complaint=closed, actor=officer)
    return [officer, received, asked, upheld, closed]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_complaint_desk_reads_right_in_every_language_on_a_phone(live_server, crawler):
    from django.test import Client

    from tactful.testing.personas import sign_in_staff

    publish_notices_again()
    borrower = move_to_daytime(make_borrower(external_id="b-desk", phone=FIRST_PHONE, name="张伟"))
    loan = make_overdue_loan(borrower, external_id="l-desk", days_ago=100)
    officer, *complaints = complaints_at_every_stage(borrower, loan)
    client = Client()
    sign_in_staff(client, officer)
    crawler.context.add_cookies(
        [
            {"name": name, "value": morsel.value, "url": live_server.url}
            for name, morsel in client.cookies.items()
        ]
    )
    paths = [
        reverse("staff:complaints"),
        f"{reverse('staff:complaints')}?assignee=me&risk=due_soon",
        reverse("staff:complaint-new"),
        reverse("staff:complaint-reports"),
        reverse("staff:certifications"),
        *(reverse("staff:complaint", args=[c.reference]) for c in complaints),
        *(reverse("public:complaint-status", args=[c.reference]) for c in complaints),
    ]
    given = ("张伟", "一天打了好几次电话。", "几点？", "晚上十点。", "属实。", "无误。")
    report: list[str] = []
    for language in LANGUAGES:
        crawler.context.add_cookies(
            [{"name": "django_language", "value": language, "url": live_server.url}]
        )
        for path in paths:
            response = crawler.goto(f"{live_server.url}{path}")
            assert response is not None
            if response.status != 200:
                report.append(f"{language} {path}: answered {response.status}")
                continue
            report += [f"{language} {path}: {p}" for p in problems_on(crawler, language, given)]
        # A step refused for a missing field: the page that says so reads right too.
        crawler.goto(
            f"{live_server.url}{reverse('staff:complaint', args=[complaints[1].reference])}"
        )
        crawler.locator("#step-resolve button").click()
        crawler.wait_for_load_state()
        report += [f"{language} refused step: {p}" for p in problems_on(crawler, language, given)]
    assert report == [], "\n".join(report)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_workbench_reads_right_in_every_language_on_a_phone(live_server, crawler):
    from django.test import Client
    from django.utils import timezone

    from tactful.accounts.roles import Role
    from tactful.casework.services import approve_template, write_template
    from tactful.testing.personas import make_staff, sign_in_staff
    from tactful.treatments.services import build_daily_plan

    borrower = move_to_daytime(make_borrower(external_id="b-work", phone=FIRST_PHONE, name="张伟"))
    make_overdue_loan(borrower, external_id="l-work", days_ago=75)
    now = timezone.now()
    build_daily_plan(plan_date=now.date(), at=now, actor="test")
    author = make_staff("li.compliance", Role.COMPLIANCE)
    body = "您好，您的账户 {loan} 目前应还 {amount_due}。"
    template = write_template(
        name="reminder", language="zh-hans", audience="debtor", purpose="collection",
        body=body, author=author,
    )  # fmt: skip
    supervisor = make_staff("zhou.supervisor", Role.SUPERVISOR, Role.COMPLIANCE, Role.ADMIN)
    approve_template(template=template, approver=supervisor)
    from tactful.contacts.packs import configured_pack
    from tactful.policy.drills import DISCLOSING_TEXT, POLITE_REMINDER
    from tactful.training.services import start_quiz

    quiz = start_quiz(collector=supervisor)
    pack = configured_pack()
    from tactful.oversight.services import roll_up_recent
    from tactful.rulepacks.selectors import forget_gate_pack
    from tactful.rulepacks.services import propose_override
    from tactful.rulepacks.tests.conftest import LOOSER, TIGHTER

    forget_gate_pack()
    refused = propose_override(author=author, text=LOOSER)
    tighter = propose_override(author=author, text=TIGHTER)
    roll_up_recent(now=now)
    client = Client()
    sign_in_staff(client, supervisor)
    crawler.context.add_cookies(
        [
            {"name": name, "value": morsel.value, "url": live_server.url}
            for name, morsel in client.cookies.items()
        ]
    )
    paths = [
        f"{reverse('staff:work')}?who=all",
        f"{reverse('staff:work')}?who=pool&treatment=review",
        reverse("staff:work-account", args=["l-work"]),
        reverse("staff:templates"),
        reverse("staff:training"),
        reverse("staff:quiz", args=[quiz.reference]),
        reverse("staff:team"),
        reverse("staff:qa-queue"),
        reverse("staff:certifications"),
        reverse("staff:api-keys"),
        reverse("staff:people"),
        reverse("staff:person", args=[supervisor.pk]),
        reverse("staff:password"),
        reverse("staff:oversight"),
        f"{reverse('staff:oversight-records')}?chart=permits",
        f"{reverse('staff:oversight-records')}?chart=plan",
        reverse("staff:packs"),
        reverse("staff:pack-propose"),
        reverse("staff:pack-proposal", args=[refused.reference]),
        reverse("staff:pack-proposal", args=[tighter.reference]),
        reverse("staff:reports"),
    ]
    # The pack's title and sources are shown as the pack writes them; so are a drill's texts.
    # Rule ids too: an officer names them in an override, so its pages show them (as code).
    pack_words = (
        pack.title,
        *(rule.citation for rule in pack.spec.rules),
        *sorted((rule.id for rule in pack.spec.rules), key=len, reverse=True),
    )
    # People's names (masked too), the lender's product, the officers' own words, and the
    # names of the blanks an officer types into a template.
    blanks = ("{amount_due}", "{days_past_due}", "{loan}", "{help_link}")
    given = ("张伟", "张**", "消费分期", body, "您好，您的账户 l-work 目前应还", *blanks,
             *pack_words, POLITE_REMINDER, DISCLOSING_TEXT, LOOSER, TIGHTER,
             "tactful report verify FILE")  # fmt: skip
    report: list[str] = []
    for language in LANGUAGES:
        crawler.context.add_cookies(
            [{"name": "django_language", "value": language, "url": live_server.url}]
        )
        for path in paths:
            response = crawler.goto(f"{live_server.url}{path}")
            assert response is not None
            if response.status != 200:
                report.append(f"{language} {path}: answered {response.status}")
                continue
            report += [f"{language} {path}: {p}" for p in problems_on(crawler, language, given)]
    assert report == [], "\n".join(report)
