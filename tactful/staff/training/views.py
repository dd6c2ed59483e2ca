"""Training (/staff/training/): the pack's rules in plain words, and the quiz that certifies.

The quiz's questions are situations the gate itself answered (`tactful.policy.drills`);
passing it records a certificate, which the gate's certification rule then reads.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any, cast
from uuid import UUID

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from tactful.accounts.models import User
from tactful.accounts.roles import Role
from tactful.contacts.packs import configured_pack, text_for_reader
from tactful.contacts.selectors import certifications_of, holds_valid_certification
from tactful.contacts.vocabulary import CATEGORY_LABELS
from tactful.errors import ServiceError
from tactful.policy.schema import render_message
from tactful.staff.training.situations import situation_lines
from tactful.training import selectors
from tactful.training.services import PASS_MARK, QUESTIONS, grade_quiz, start_quiz
from tactful.web.access import staff_required

TRAINEES = (Role.COLLECTOR, Role.SUPERVISOR)
EXPIRY_WARNING_DAYS = 30


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


@require_safe
@staff_required(*TRAINEES)
def training(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    now = timezone.now()
    certificates = certifications_of([user]).get(user.pk, [])
    current = next((c for c in certificates if c.valid_from <= now < c.valid_until), None)
    context: dict[str, Any] = {
        "pack": configured_pack(),
        "modules": _modules(),
        "certificate": current,
        "suspended": current is not None and not holds_valid_certification(user, now=now),
        "expiring": current is not None
        and current.valid_until - now < timedelta(days=EXPIRY_WARNING_DAYS),
        "days_left": (current.valid_until - now).days if current else None,
        "quizzes": selectors.recent_quizzes(user),
        "questions": QUESTIONS,
        "pass_mark": PASS_MARK,
    }
    return render(request, "staff/training/training.html", context)


def _modules() -> list[dict[str, Any]]:
    """Each rule of the pack in plain words: its kind of rule, what it says, its source."""
    pack = configured_pack()
    modules = []
    for rule in pack.spec.rules:
        shown = rule.shown_parameters()
        texts = {lang: render_message(text, shown).replace("{fact}", "…")
                 for lang, text in rule.messages.items()}  # fmt: skip
        modules.append({
            "category": str(CATEGORY_LABELS.get(rule.category, rule.category)),
            "text": text_for_reader(texts, texts.get("en", "")),
            "citation": rule.citation,
            "id": rule.id,
        })  # fmt: skip
    return modules


@require_POST
@staff_required(*TRAINEES)
def start(request: HttpRequest) -> HttpResponse:
    attempt = start_quiz(collector=_user(request))
    return redirect("staff:quiz", reference=attempt.reference)


@require_http_methods(["GET", "HEAD", "POST"])
@staff_required(*TRAINEES)
def quiz(request: HttpRequest, reference: UUID) -> HttpResponse:
    user = _user(request)
    attempt = selectors.quiz_of(user, reference)
    if attempt is None:
        raise Http404("no such quiz")
    status = 200
    if request.method == "POST":
        answers = [request.POST.get(f"q{n}", "") for n in range(len(attempt.questions))]
        try:
            grade_quiz(attempt=attempt, answers=answers, collector=user)
        except ServiceError as refusal:
            status = 409 if refusal.code == "quiz_already_graded" else 422
            messages.error(request, _("Answer every question with yes or no.")
                           if status == 422 else _("This quiz was answered already."))  # fmt: skip
        else:
            return redirect("staff:quiz", reference=reference)
    attempt = selectors.quiz_of(user, reference)
    assert attempt is not None
    result = getattr(attempt, "result", None)
    questions = [
        {
            "n": n,
            "lines": situation_lines(q),
            "allowed": q["allowed"],
            "answer": result.answers[n] if result else None,
            "reasons": [text_for_reader(r["messages"], r["message"]) for r in q["reasons"]],
        }
        for n, q in enumerate(attempt.questions)
    ]
    context = {"attempt": attempt, "result": result, "questions": questions}
    return render(request, "staff/training/quiz.html", context, status=status)
