"""Quizzes: set from the gate's drills, graded once, a pass certifies the collector."""

import pytest
from django.utils import timezone

from tactful.accounts.roles import Role
from tactful.contacts.selectors import holds_valid_certification
from tactful.errors import Conflict, InvalidInput
from tactful.testing.personas import make_staff
from tactful.training.services import QUESTIONS, grade_quiz, start_quiz

pytestmark = pytest.mark.django_db


@pytest.fixture
def collector():
    return make_staff("zhao.newcomer", Role.COLLECTOR)


def _right(attempt):
    return ["allow" if q["allowed"] else "deny" for q in attempt.questions]


def test_a_quiz_mixes_allowed_and_denied_situations(collector):
    attempt = start_quiz(collector=collector)
    assert len(attempt.questions) == QUESTIONS
    answers = [q["allowed"] for q in attempt.questions]
    assert 2 <= sum(answers) < QUESTIONS
    assert all(q["reasons"] for q in attempt.questions if not q["allowed"])


def test_the_gates_answers_pass_and_certify(collector):
    assert not holds_valid_certification(collector, now=timezone.now())
    attempt = start_quiz(collector=collector)
    result = grade_quiz(attempt=attempt, answers=_right(attempt), collector=collector)
    assert result.passed
    assert result.correct == QUESTIONS
    assert result.certificate_number.startswith("T-CN-")
    assert holds_valid_certification(collector, now=timezone.now())
    with pytest.raises(Conflict):
        grade_quiz(attempt=attempt, answers=_right(attempt), collector=collector)


def test_saying_no_to_everything_does_not_pass(collector):
    attempt = start_quiz(collector=collector)
    result = grade_quiz(attempt=attempt, answers=["deny"] * QUESTIONS, collector=collector)
    assert not result.passed
    assert not holds_valid_certification(collector, now=timezone.now())


@pytest.mark.parametrize(
    "answers",
    [None, "allow", ["allow"], ["maybe"] * QUESTIONS, [True] * QUESTIONS,
     ["allow"] * (QUESTIONS + 1), [None] * QUESTIONS],
)  # fmt: skip
def test_malformed_answers_are_refused_and_nothing_is_graded(collector, answers):
    attempt = start_quiz(collector=collector)
    with pytest.raises(InvalidInput):
        grade_quiz(attempt=attempt, answers=answers, collector=collector)
    assert not hasattr(attempt, "result") or attempt.result is None


def test_only_the_collector_it_was_set_for_answers_it(collector):
    attempt = start_quiz(collector=collector)
    other = make_staff("wang.collector", Role.COLLECTOR)
    with pytest.raises(Conflict):
        grade_quiz(attempt=attempt, answers=_right(attempt), collector=other)


def test_a_compliance_officer_is_not_set_a_quiz():
    with pytest.raises(Conflict):
        start_quiz(collector=make_staff("li.compliance", Role.COMPLIANCE))
