"""Set a quiz from the pack's drills, grade it against the gate's answers, certify on a pass.

The answers are the gate's (`tactful.policy.drills`): a quiz is a sample of drills, half
of them at least allowed ones, so guessing "no" every time does not pass.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from tactful.accounts.models import User
from tactful.accounts.roles import Role
from tactful.audit.services import record_event
from tactful.contacts.packs import configured_pack
from tactful.contacts.services import certify_collector
from tactful.errors import Conflict, InvalidInput
from tactful.policy.drills import Drill, drills
from tactful.training.models import QuizAttempt, QuizResult

QUESTIONS = 8
ALLOWED_AT_LEAST = 2
PASS_MARK = 7  # of QUESTIONS
CERTIFICATE_DAYS = 365
ANSWERS = ("allow", "deny")


def start_quiz(*, collector: User, now: datetime | None = None) -> QuizAttempt:
    """Set a new quiz for `collector` under the configured pack."""
    if not collector.has_role(Role.COLLECTOR, Role.SUPERVISOR):
        raise Conflict("not_a_collector", "quizzes certify collectors")
    moment = now or timezone.now()
    pack = configured_pack()
    chosen = _sample(drills(pack, today=moment), random.Random())
    with transaction.atomic():
        attempt = QuizAttempt.objects.create(
            collector=collector,
            pack=pack.name,
            pack_version=pack.version,
            questions=[situation_record(drill) for drill in chosen],
            started_at=moment,
        )
        record_event(
            actor=collector.audit_actor,
            action="training.quiz_started",
            target=attempt,
            payload={"pack": pack.name, "questions": [d.key for d in chosen]},
        )
    return attempt


def _sample(every: list[Drill], rng: random.Random) -> list[Drill]:
    allowed = [d for d in every if d.allowed]
    denied = [d for d in every if not d.allowed]
    take_allowed = min(len(allowed), max(ALLOWED_AT_LEAST, QUESTIONS // 3))
    chosen = rng.sample(allowed, take_allowed) + rng.sample(
        denied, min(len(denied), QUESTIONS - take_allowed)
    )
    rng.shuffle(chosen)
    return chosen


def situation_record(drill: Drill) -> dict[str, Any]:
    """Return what a question shows and its answer, as JSON (no personal data)."""
    attempt, facts, now = drill.situation.attempt, drill.situation.facts, drill.situation.now
    return {
        "key": drill.key,
        "channel": attempt.channel,
        "role": attempt.recipient_role,
        "purpose": attempt.purpose,
        "weekday": now.weekday(),
        "local_time": f"{now:%H:%M}",
        "days_past_due": facts.days_past_due,
        "certified": bool(attempt.collector_certified),
        "holds": list(facts.holds),
        "opted_out": facts.opted_out,
        "calls_today": len(facts.history),
        "calls_outcome": facts.history[0].outcome if facts.history else None,
        "debtor_unreachable": facts.debtor_unreachable,
        "contact_consented": "emergency_contact" in facts.consents,
        "content": attempt.content,
        "allowed": drill.allowed,
        "reasons": [
            {
                "rule": reason.rule,
                "citation": reason.citation,
                "message": reason.message,
                "messages": dict(reason.messages),
            }
            for reason in drill.decision.reasons
        ],
    }


def grade_quiz(
    *, attempt: QuizAttempt, answers: object, collector: User, now: datetime | None = None
) -> QuizResult:
    """Grade `answers` ("allow" or "deny", one per question, in order); certify on a pass."""
    if attempt.collector_id != collector.pk:
        raise Conflict("not_your_quiz", "a quiz is answered by the collector it was set for")
    checked = _checked_answers(answers, len(attempt.questions))
    moment = now or timezone.now()
    correct = sum(
        (answer == "allow") == question["allowed"]
        for answer, question in zip(checked, attempt.questions, strict=True)
    )
    passed = correct >= PASS_MARK * len(attempt.questions) / QUESTIONS
    with transaction.atomic():
        locked = QuizAttempt.objects.select_for_update().get(pk=attempt.pk)
        if QuizResult.objects.filter(attempt=locked).exists():
            raise Conflict("quiz_already_graded", "this quiz was answered already")
        number = ""
        if passed:
            number = f"T-{locked.pack.upper()}-{locked.reference.hex[:8].upper()}"
            certify_collector(
                collector=collector,
                certificate_number=number,
                valid_from=moment,
                valid_until=moment + timedelta(days=CERTIFICATE_DAYS),
                actor=collector.audit_actor,
                now=moment,
            )
        result = QuizResult.objects.create(
            attempt=locked,
            answers=checked,
            correct=correct,
            total=len(locked.questions),
            passed=passed,
            certificate_number=number,
            graded_at=moment,
        )
        record_event(
            actor=collector.audit_actor,
            action="training.quiz_graded",
            target=locked,
            payload={"correct": correct, "total": result.total, "passed": passed},
        )
    return result


def _checked_answers(answers: object, count: int) -> list[str]:
    if not isinstance(answers, list) or len(answers) != count:
        raise InvalidInput({"answers": f"one answer for each of the {count} questions"})
    if not all(isinstance(answer, str) and answer in ANSWERS for answer in answers):
        raise InvalidInput({"answers": "each answer is allow or deny"})
    return list(answers)
