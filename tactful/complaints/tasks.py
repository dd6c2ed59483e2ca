"""Background work of complaints: run by the scheduler (e.g. every hour)."""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task

from tactful.complaints.services import escalate_due, retry_acknowledgements, send_due_replies


@task()
def escalate_due_complaints_task() -> int:
    """Escalate complaints due within two days or late; return how many were escalated."""
    return len(escalate_due(today=timezone.now().date()))


@task()
def retry_acknowledgements_task() -> int:
    """Acknowledge complaints that could not be acknowledged at once (e.g. at night)."""
    return retry_acknowledgements()


@task()
def send_due_replies_task() -> int:
    """Send the apologies and questions held until the rules allow them (e.g. 08:00)."""
    return send_due_replies()
