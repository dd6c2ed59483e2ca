"""The training page and the quiz, as a new collector uses them."""

import pytest
from django.test import Client

from tactful.accounts.roles import Role
from tactful.contacts.selectors import holds_valid_certification
from tactful.testing.personas import make_staff, sign_in_staff
from tactful.training.models import QuizAttempt, QuizResult

pytestmark = pytest.mark.django_db
URL = "/staff/training/"


def _client(user, language="zh-hans"):
    client = Client()
    sign_in_staff(client, user)
    client.cookies["django_language"] = language
    return client


def test_a_new_collector_reads_the_rules_passes_the_quiz_and_is_certified():
    collector = make_staff("zhao.newcomer", Role.COLLECTOR)
    client = _client(collector)
    home = client.get(URL).content.decode()
    assert "仅可在收件人当地时间 08:00 至 22:00 之间联系。" in home  # the pack's own words
    assert "GB/T 45251-2025" in home
    started = client.post(f"{URL}quiz/")
    assert started.status_code == 302
    quiz = client.get(started["Location"]).content.decode()
    assert "情境 1" in quiz
    assert "当地时间" in quiz
    attempt = QuizAttempt.objects.get()
    answers = {f"q{n}": "allow" if q["allowed"] else "deny"
               for n, q in enumerate(attempt.questions)}  # fmt: skip
    done = client.post(started["Location"], answers)
    assert done.status_code == 302
    result = client.get(started["Location"]).content.decode()
    assert "通过" in result
    assert "T-CN-" in result
    from django.utils import timezone

    assert holds_valid_certification(collector, now=timezone.now())


def test_missing_answers_are_refused_and_nothing_is_graded():
    client = _client(make_staff("zhao.newcomer", Role.COLLECTOR), "en")
    location = client.post(f"{URL}quiz/")["Location"]
    answer = client.post(location, {"q0": "allow", "q1": "perhaps"})
    assert answer.status_code == 422
    assert "Answer every question" in answer.content.decode()
    assert QuizResult.objects.count() == 0


def test_a_quiz_is_seen_only_by_its_collector():
    location = _client(make_staff("zhao.newcomer", Role.COLLECTOR)).post(f"{URL}quiz/")["Location"]
    other = _client(make_staff("wang.collector", Role.COLLECTOR))
    assert other.get(location).status_code == 404
    assert other.post(location, {"q0": "allow"}).status_code == 404


def test_the_traditional_page_reads_in_traditional_characters():
    page = _client(make_staff("zhao.newcomer", Role.COLLECTOR), "zh-hant").get(URL)
    text = page.content.decode()
    assert "僅可在收件人當地時間" in text
    assert "仅可" not in text


def test_a_suspended_collector_is_told_and_a_passed_re_quiz_restores_them():
    from datetime import timedelta

    from django.utils import timezone

    from tactful.contacts.services import certify_collector, suspend_certification

    collector = make_staff("wang.collector", Role.COLLECTOR)
    now = timezone.now()
    certify_collector(
        collector=collector, certificate_number="CBA-1", valid_from=now - timedelta(days=1),
        valid_until=now + timedelta(days=300), actor="test", now=now - timedelta(days=1),
    )  # fmt: skip
    suspend_certification(collector=collector, reason="coaching", source="coaching:1", actor="t")
    client = _client(collector, "en")
    assert "Suspended: a coaching task" in client.get(URL).content.decode()
    location = client.post(f"{URL}quiz/")["Location"]
    attempt = QuizAttempt.objects.get()
    client.post(location, {f"q{n}": "allow" if q["allowed"] else "deny"
                           for n, q in enumerate(attempt.questions)})  # fmt: skip
    assert holds_valid_certification(collector, now=timezone.now())
    assert "Suspended" not in client.get(URL).content.decode()
