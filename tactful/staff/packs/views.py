"""Rule-pack proposals (/staff/packs/): compliance proposes an override, the check says
rule by rule what it changes and sweeps for anything it would allow that the pack in force
denies; a second officer approves a tightening and names when it takes effect.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast
from uuid import UUID

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from tactful.accounts.models import User
from tactful.accounts.roles import Role
from tactful.contacts.packs import text_for_reader
from tactful.errors import ServiceError
from tactful.policy.packs import read_pack_file
from tactful.policy.schema import render_message
from tactful.rulepacks import selectors
from tactful.rulepacks.models import PackProposal
from tactful.rulepacks.services import (
    MAX_OVERRIDE_LENGTH,
    approve_proposal,
    propose_override,
)
from tactful.staff.packs.wording import VERDICTS, change_words, scenario_words
from tactful.web.access import staff_required

READERS = (Role.SUPERVISOR, Role.COMPLIANCE, Role.ADMIN)
REFUSALS = {
    "four_eyes": gettext_lazy("A proposal is approved by an officer who did not write it."),
    "proposal_loosens": gettext_lazy(
        "This proposal would allow what the pack in force denies; it can never be approved."
    ),
    "not_compliance": gettext_lazy("Only a compliance officer approves rule-pack changes."),
    "already_approved": gettext_lazy("This proposal is approved already."),
    "change_pending": gettext_lazy(
        "Another approved change has yet to take effect; approve this one after it does."
    ),
    "proposal_stale": gettext_lazy(
        "The pack in force changed since this was proposed; propose it again to check it."
    ),
}
STATES = {
    "refused": gettext_lazy("Refused: it loosens the pack"),
    "proposed": gettext_lazy("Waiting for a second officer"),
    "approved": gettext_lazy("Approved, takes effect later"),
    "in_force": gettext_lazy("In force"),
    "replaced": gettext_lazy("Replaced by a later change"),
}
SKELETON = """\
pack: {pack}
rules:
  - id: {rule}
    parameters: {{start: "{start}"}}
"""


class ProposalForm(forms.Form):
    override = forms.CharField(
        label=gettext_lazy("Override (YAML)"),
        max_length=MAX_OVERRIDE_LENGTH,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 14, "spellcheck": "false", "class": "code"}),
        help_text=gettext_lazy(
            "The whole override that should be in force: the pack it changes and its rules. "
            "A rule of the pack may change its parameters and where it applies; a new rule "
            "is added whole."
        ),
    )


class ApprovalForm(forms.Form):
    effective_at = forms.DateTimeField(
        label=gettext_lazy("Takes effect at (your time zone)"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )


@require_safe
@staff_required(*READERS)
def proposals(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)
    now = timezone.now()
    rows = [
        {"proposal": proposal, "state": STATES[_state(proposal, now)]}
        for proposal in selectors.all_proposals(pack=settings.GATE_PACK)
    ]
    in_force = selectors.approval_in_force(pack=settings.GATE_PACK, at=now)
    context = {
        "pack": settings.GATE_PACK,
        "rows": rows,
        "in_force": in_force,
        "may_propose": user.has_role(Role.COMPLIANCE),
        "zone": user.zone,
    }
    return render(request, "staff/packs/list.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
@staff_required(Role.COMPLIANCE)
def propose(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)
    form = ProposalForm(request.POST or None, initial={"override": _starting_text()})
    if request.method == "POST" and form.is_valid():
        try:
            made = propose_override(author=user, text=form.cleaned_data["override"])
        except ServiceError as error:
            problem = error.fields.get("override", error.message)
            form.add_error(
                "override",
                _("The gate cannot read this override: %(problem)s") % {"problem": problem},
            )
        else:
            if made.loosens:
                messages.error(request, _("Refused: this change loosens the pack."))
            else:
                messages.success(request, _("Proposed. Another officer must now approve it."))
            return redirect("staff:pack-proposal", reference=made.reference)
    status = 422 if form.errors else 200
    return render(request, "staff/packs/propose.html", {"form": form}, status=status)


@require_safe
@staff_required(*READERS)
def proposal(request: HttpRequest, reference: UUID) -> HttpResponse:
    found = selectors.proposal_by_reference(reference)
    if found is None:
        raise Http404("no such proposal")
    return _proposal_page(
        request, found, ApprovalForm(initial={"effective_at": _local_now(request)})
    )


@require_POST
@staff_required(Role.COMPLIANCE)
def approve(request: HttpRequest, reference: UUID) -> HttpResponse:
    found = selectors.proposal_by_reference(reference)
    if found is None:
        raise Http404("no such proposal")
    user = cast(User, request.user)
    form = ApprovalForm(request.POST)
    if not form.is_valid():
        return _proposal_page(request, found, form, status=422)
    effective_at = _in_zone(form.cleaned_data["effective_at"], user)
    try:
        approve_proposal(proposal=found, approver=user, effective_at=effective_at)
    except ServiceError as refusal:
        if "effective_at" in refusal.fields:
            form.add_error("effective_at", _("Choose a time from now on."))
            return _proposal_page(request, found, form, status=422)
        messages.error(request, str(REFUSALS.get(refusal.code, _("Nothing was changed."))))
        return redirect("staff:pack-proposal", reference=found.reference)
    messages.success(request, _("Approved. The gate decides under it from the time you set."))
    return redirect("staff:pack-proposal", reference=found.reference)


def _proposal_page(
    request: HttpRequest, found: PackProposal, form: ApprovalForm, *, status: int = 200
) -> HttpResponse:
    user = cast(User, request.user)
    state = _state(found, timezone.now())
    titles = _rule_titles(found.pack)
    context: dict[str, Any] = {
        "proposal": found,
        "state": state,
        "state_words": STATES[state],
        "rules": [_rule_row(diff, titles) for diff in found.diff],
        "sweep": found.sweep,
        "loosened_rules": [
            {"rule": rule, "title": titles.get(rule, "")}
            for rule in sorted(
                {d["rule"] for d in found.diff if d["verdict"] in ("looser", "removed")}
                | set(found.sweep["loosened_rules"])
            )
        ],
        "loosened": [_example(change) for change in found.sweep["loosened_examples"]],
        "tightened": [_example(change) for change in found.sweep["tightened_examples"]],
        "form": form,
        "may_approve": state == "proposed"
        and user.has_role(Role.COMPLIANCE)
        and found.proposed_by_id != user.pk,
        "zone": user.zone,
    }
    return render(request, "staff/packs/proposal.html", context, status=status)


def _rule_titles(pack: str) -> dict[str, str]:
    """What each rule of the shipped pack says when it denies, in the reader's language:
    the officer reads the rule in words beside its id (the id is what an override names)."""
    titles = {}
    for rule in read_pack_file(pack).rules:
        shown = rule.shown_parameters()
        words = {language: render_message(text, shown) for language, text in rule.messages.items()}
        titles[rule.id] = text_for_reader(words, "").replace("{fact}", "…")
    return titles


def _rule_row(diff: dict[str, Any], titles: dict[str, str]) -> dict[str, Any]:
    return {
        "rule": diff["rule"],
        "title": titles.get(diff["rule"], ""),
        "verdict": diff["verdict"],
        "verdict_words": VERDICTS[diff["verdict"]],
        "changes": [change_words(change) for change in diff["changes"]],
    }


def _example(change: dict[str, Any]) -> dict[str, Any]:
    return {
        "scenario": scenario_words(change["scenario"]),
        "current": change["current"],
        "proposed": change["proposed"],
    }


def _state(found: PackProposal, now: datetime) -> str:
    if found.loosens:
        return "refused"
    approval = getattr(found, "approval", None)
    if approval is None:
        return "proposed"
    if approval.effective_at > now:
        return "approved"
    in_force = selectors.approval_in_force(pack=found.pack, at=now)
    return "in_force" if in_force is not None and in_force.pk == approval.pk else "replaced"


def _starting_text() -> str:
    found = selectors.approval_in_force(pack=settings.GATE_PACK, at=timezone.now())
    if found is not None:
        return found.proposal.override_text
    spec = read_pack_file(settings.GATE_PACK)
    window = next((rule for rule in spec.rules if rule.kind == "time_window"), None)
    if window is None:
        return f"pack: {spec.name}\nrules: []\n"
    start = window.shown_parameters()["start"]
    return SKELETON.format(pack=spec.name, rule=window.id, start=start)


def _local_now(request: HttpRequest) -> datetime:
    user = cast(User, request.user)
    return timezone.now().astimezone(user.zone).replace(second=0, microsecond=0, tzinfo=None)


def _in_zone(moment: datetime, user: User) -> datetime:
    # The form reads a wall time (made aware in the server's zone); the officer means
    # their own zone's.
    wall = timezone.make_naive(moment) if timezone.is_aware(moment) else moment
    return wall.replace(tzinfo=user.zone)
