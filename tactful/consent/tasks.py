"""Background work of consent: run by the scheduler (e.g. once a day)."""

from __future__ import annotations

from django_tasks import task

from tactful.consent.rights import purge_expired_records


@task()
def purge_expired_records_task() -> int:
    """Anonymise the records whose retention ended after an erasure request; return how many."""
    return purge_expired_records()
