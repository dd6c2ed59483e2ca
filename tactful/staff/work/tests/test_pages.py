"""The collector's worklist and account page: gate-driven actions, roles, masking, bad input."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tactful.accounts.roles import Role
from tactful.casework import selectors
from tactful.casework.models import CaseNote, TemplatedMessage
from tactful.contacts.models import ContactAttempt
from tactful.repayment.models import PromiseToPay
from tactful.testing.personas import (
    FIRST_PHONE,
    make_borrower,
    make_overdue_loan,
    make_staff,
    sign_in_borrower,
    sign_in_staff,
)
from tactful.testing.zones import move_to_daytime, move_to_night
from tactful.treatments.models import PlanEntry

pytestmark = pytest.mark.django_db
WORK = "/staff/work/"


def _client(user, language="en", **kwargs):
    client = Client(**kwargs)
    sign_in_staff(client, user)
    client.cookies["django_language"] = language
    return client


def _account(loan):
    return f"{WORK}{loan.external_id}/"


def _act(loan):
    return f"{WORK}{loan.external_id}/act/"


# --- the worklist -----------------------------------------------------------------------------


def test_the_worklist_shows_the_pool_and_then_the_accounts_a_collector_took(plan, loan, collector):
    client = _client(collector)
    entry = PlanEntry.objects.get(plan=plan, loan=loan)
    if entry.treatment in ("wait", "review"):
        pytest.fail(f"the test loan should be worked, got {entry.treatment}")
    mine = client.get(WORK).content.decode()
    assert loan.external_id not in mine
    pool = client.get(WORK, {"who": "pool"}).content.decode()
    assert f'href="{_account(loan)}"' in pool
    assert "CNY" in pool  # the amount due, from the plan

    client.post(_act(loan), {"action": "take"})
    assert loan.external_id in client.get(WORK).content.decode()


def test_the_worklist_reads_a_page_in_the_same_number_of_queries_for_one_or_many_rows(
    loan, collector
):
    now = timezone.now()
    from tactful.treatments.services import build_daily_plan

    build_daily_plan(plan_date=now.date(), at=now, actor="test")
    client = _client(collector)
    with CaptureQueriesContext(connection) as one:
        client.get(WORK, {"who": "all"})
    for n in range(2, 7):
        borrower = move_to_daytime(
            make_borrower(external_id=f"b-{n}", phone=f"+86131234567{n:02d}")
        )
        make_overdue_loan(borrower, external_id=f"l-{n}", days_ago=75)
    tomorrow = now.date() + timedelta(days=1)
    build_daily_plan(plan_date=tomorrow, at=now, actor="test")
    with CaptureQueriesContext(connection) as many:
        page = client.get(WORK, {"who": "all"})
    assert page.content.decode().count("data-work-row") == 6
    assert len(many) == len(one), [q["sql"][:80] for q in many]


def test_filters_with_unknown_values_fall_back_and_still_answer(plan, collector):
    client = _client(collector)
    for query in ({"who": "everyone'; drop"}, {"treatment": "review"}, {"bucket": "x" * 500},
                  {"page": "-1"}, {"page": "abc"}):  # fmt: skip
        assert client.get(WORK, query).status_code == 200


# --- the account page -------------------------------------------------------------------------


def test_the_account_page_offers_what_the_gate_allows_and_masks_the_number(
    loan, recipient, template, collector
):
    page = _client(collector).get(_account(loan)).content.decode()
    assert 'data-action="call"' in page
    assert 'data-action="sms"' in page
    assert " disabled" not in _button(page, "sms")
    assert " disabled" not in _button(page, "call")
    assert "CNY" in page
    assert "{amount_due}" not in page
    assert "The checker found nothing wrong" in page
    assert FIRST_PHONE not in page
    assert FIRST_PHONE[3:] not in page


def _button(page: str, action: str) -> str:
    start = page.index(f'data-action="{action}"')
    return page[page.rindex("<button", 0, start) : page.index(">", start) + 1]


def test_an_uncertified_collector_sees_the_buttons_disabled_with_the_reason(
    loan, recipient, template, uncertified
):
    page = _client(uncertified).get(_account(loan)).content.decode()
    assert " disabled" in _button(page, "call")
    assert "certif" in page.lower()


def test_at_night_the_call_button_is_disabled_and_says_when_it_opens(
    loan, recipient, template, collector
):
    move_to_night(loan.borrower)
    page = _client(collector).get(_account(loan)).content.decode()
    assert " disabled" in _button(page, "call")
    assert "Opens " in page


def test_the_page_reads_in_traditional_chinese(loan, recipient, template, collector):
    page = _client(collector, "zh-hant").get(_account(loan)).content.decode()
    assert "<h1>帳戶 l-1</h1>" in page
    assert "你現在可以做什麼" in page


# --- actions ----------------------------------------------------------------------------------


def test_a_collector_sends_the_templated_text_and_it_is_recorded(
    loan, recipient, template, collector, sms_outbox, django_capture_on_commit_callbacks
):
    client = _client(collector)
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(
            _act(loan),
            {"action": "sms", "recipient": recipient.public_id, "template": template.reference},
        )
    assert done.status_code == 302
    assert TemplatedMessage.objects.filter(template=template).count() == 1
    [sent] = sms_outbox.sent
    page = client.get(_account(loan)).content.decode()
    assert "payment_reminder v1" in page  # the history names the version


def test_a_call_is_placed_then_logged_from_the_page(
    loan, recipient, collector, voice_calls, django_capture_on_commit_callbacks
):
    client = _client(collector)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(_act(loan), {"action": "call", "recipient": recipient.public_id})
    [call] = voice_calls.placed
    attempt = ContactAttempt.objects.get(verification_code=call.verification_code)
    page = client.get(_account(loan)).content.decode()
    assert "Log the call" in page
    client.post(
        _act(loan), {"action": "log_call", "permit": attempt.permit_id, "result": "no_answer"}
    )
    page = client.get(_account(loan)).content.decode()
    assert "Log the call" not in page
    assert "No answer" in page


def test_a_promise_and_a_note_are_recorded_from_the_page(loan, collector):
    client = _client(collector)
    day = (timezone.now() + timedelta(days=3)).date().isoformat()
    done = client.post(
        _act(loan), {"action": "promise", "amount": "300.00", "due_on": day, "channel": "call"}
    )
    assert done.status_code == 302
    assert PromiseToPay.objects.filter(loan=loan).count() == 1
    client.post(_act(loan), {"action": "note", "text": "Asked for a call after work."})
    assert CaseNote.objects.filter(loan=loan).count() == 1


@pytest.mark.parametrize(
    "body",
    [
        {"action": "launch"},
        {"action": "sms", "recipient": "not-a-uuid", "template": "x"},
        {"action": "call"},
        {"action": "promise", "amount": "-5", "due_on": "2026-13-40", "channel": "call"},
        {"action": "promise", "amount": "abc", "due_on": "tomorrow", "channel": "pigeon"},
        {"action": "note", "text": ""},
        {"action": "note", "text": "x" * 2001},
        {"action": "log_call", "permit": "00000000-0000-0000-0000-000000000000",
         "result": "connected"},
        {"action": "assign", "collector": "999999"},
    ],
)  # fmt: skip
def test_bad_input_is_refused_in_words_and_changes_nothing(loan, collector, body):
    client = _client(collector)
    before = (
        ContactAttempt.objects.count(),
        CaseNote.objects.count(),
        PromiseToPay.objects.count(),
    )
    answer = client.post(_act(loan), body)
    assert answer.status_code in (302, 409, 422)
    if answer.status_code == 302:  # an unknown action: back to the page with a message
        assert body["action"] == "launch"
    after = (ContactAttempt.objects.count(), CaseNote.objects.count(), PromiseToPay.objects.count())
    assert after == before
    assert selectors.assignee_of(loan) is None


def test_a_recipient_of_another_borrower_is_refused(loan, template, collector, voice_calls):
    from tactful.contacts.services import recipients_for_borrower

    other = move_to_daytime(make_borrower(external_id="b-9", phone="+8613123456799"))
    [theirs] = recipients_for_borrower(borrower=other)
    answer = _client(collector).post(_act(loan), {"action": "call", "recipient": theirs.public_id})
    assert answer.status_code == 422
    assert voice_calls.placed == []


# --- who may ----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.COMPLIANCE])
def test_staff_without_a_collecting_role_are_refused(loan, role):
    client = _client(make_staff("someone", role))
    assert client.get(WORK).status_code == 403
    assert client.get(_account(loan)).status_code == 403
    assert client.post(_act(loan), {"action": "note", "text": "x"}).status_code == 403


def test_a_borrower_and_a_stranger_are_sent_to_the_staff_sign_in(loan, borrower):
    client = Client()
    sign_in_borrower(client, borrower)
    for answer in (client.get(WORK), client.get(_account(loan))):
        assert answer.status_code == 302
        assert "/staff/" in answer["Location"]
    assert Client().post(_act(loan), {"action": "note", "text": "x"}).status_code == 302
    assert CaseNote.objects.count() == 0


def test_actions_need_the_csrf_token(loan, collector):
    client = _client(collector, enforce_csrf_checks=True)
    assert client.post(_act(loan), {"action": "note", "text": "x"}).status_code == 403


def test_a_supervisor_assigns_and_a_collector_cannot(loan, collector, uncertified, supervisor):
    _client(collector).post(_act(loan), {"action": "take"})
    refused = _client(uncertified).post(_act(loan), {"action": "take"})
    assert refused.status_code == 409
    assert selectors.assignee_of(loan) == collector
    _client(supervisor).post(
        _act(loan), {"action": "assign", "collector": uncertified.pk, "reason": "leave"}
    )
    assert selectors.assignee_of(loan) == uncertified


def test_an_unknown_loan_is_404(collector):
    assert _client(collector).get(f"{WORK}no-such-loan/").status_code == 404


def test_a_supervisor_pauses_a_hardship_case_and_a_collector_cannot(loan, collector, supervisor):
    from tactful.repayment.models import HardshipPause

    day = (timezone.now() + timedelta(days=30)).date().isoformat()
    body = {
        "action": "review",
        "outcome": "pause",
        "reason": "lost her job last week",
        "pause_reason": "illness",
        "ends_on": day,
    }
    refused = _client(collector).post(_act(loan), body)
    assert refused.status_code == 409
    assert not HardshipPause.objects.exists()
    page = _client(supervisor).get(_account(loan)).content.decode()
    assert "Record the decision" in page
    assert _client(supervisor).post(_act(loan), body).status_code == 302
    assert HardshipPause.objects.get(loan=loan).reason == "illness"
    bad = _client(supervisor).post(_act(loan), {**body, "pause_reason": "boredom"})
    assert bad.status_code == 422
    assert HardshipPause.objects.count() == 1


def test_a_filter_changed_in_place_answers_only_the_rows(plan, loan, collector):
    client = _client(collector)
    rows = client.get(WORK, {"who": "pool"}, HTTP_HX_REQUEST="true").content.decode()
    assert rows.lstrip().startswith('<div id="work-rows"')
    assert loan.external_id in rows
    assert "<html" not in rows
    restored = client.get(
        WORK, {"who": "pool"}, HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true"
    ).content.decode()
    assert "<html" in restored


def test_the_contact_history_is_read_a_page_at_a_time(loan, recipient, collector, monkeypatch):
    from tactful.contacts.facts import PermitRequest
    from tactful.contacts.services import request_permit
    from tactful.staff.work import views

    monkeypatch.setattr(views, "HISTORY_ROWS", 2)
    codes = []
    for minutes in (30, 20, 10):
        attempt = request_permit(
            request=PermitRequest(
                loan=loan, recipient=recipient, channel="sms", purpose="collection",
                collector=collector,
            ),
            actor="test",
            now=timezone.now() - timedelta(minutes=minutes),
        )  # fmt: skip
        codes.append(attempt.verification_code)
    client = _client(collector)
    first = client.get(_account(loan)).content.decode()
    assert "?history=2" in first
    assert "Older contacts" in first
    second = client.get(_account(loan), {"history": "2"}).content.decode()
    assert "Newer contacts" in second
    assert "Older contacts" not in second
    beyond = client.get(_account(loan), {"history": "9"}).content.decode()
    assert "No older contacts." in beyond
    for bad in ("0", "-1", "abc", "99999999999999999999"):
        assert client.get(_account(loan), {"history": bad}).status_code == 200
