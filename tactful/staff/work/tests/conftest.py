"""The cast of the workbench pages: casework's people, and tonight's plan."""

import pytest
from django.utils import timezone

from tactful.casework.tests.conftest import (  # noqa: F401
    approver,
    author,
    borrower,
    collector,
    loan,
    recipient,
    supervisor,
    template,
    uncertified,
)
from tactful.contacts.tests.conftest import voice_calls  # noqa: F401
from tactful.treatments.services import build_daily_plan


@pytest.fixture
def plan(loan):  # noqa: F811
    now = timezone.now()
    return build_daily_plan(plan_date=now.date(), at=now, actor="test")
