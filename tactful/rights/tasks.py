"""Background work of data-subject rights: run by the scheduler (once a day)."""

from __future__ import annotations

from django_tasks import task

from tactful.rights.services import purge_expired_records


@task()
def purge_expired_records_task() -> int:
    """Anonymise the records whose retention ended after an erasure request; return how many."""
    return purge_expired_records()
