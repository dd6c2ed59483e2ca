"""Background work of consent: run by the scheduler every hour."""

from __future__ import annotations

from django_tasks import task

from tactful.consent.services import send_due_invitations


@task()
def send_due_invitations_task() -> int:
    """Send the emergency-contact invitations quiet hours held back; return how many."""
    return send_due_invitations()
