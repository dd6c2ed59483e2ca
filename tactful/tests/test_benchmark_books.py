"""The benchmarks' book writers, run small: a bench whose book no longer fits the models
fails here, not on the day its figures are needed.

Each bench writes its book in bulk, beside the services (that is what makes a million
accounts quick to write), so a model change the services absorb can still break it.
"""

from __future__ import annotations

import argparse
import importlib.util
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import ModuleType

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def bench(name: str) -> ModuleType:
    """Load `benchmarks/<name>.py` (the folder is scripts, not a package)."""
    spec = importlib.util.spec_from_file_location(f"bench_{name}", ROOT / "benchmarks" / name)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.django_db
def test_the_workbench_and_load_benches_book_is_written_and_its_plan_is_shown() -> None:
    from tactful.contacts.models import ContactAttempt
    from tactful.treatments.selectors import latest_plan, plan_entries

    workbench = bench("workbench_bench.py")
    collector, sample = workbench.prepare(argparse.Namespace(borrowers=4, attempts=30, mine=2))

    plan = latest_plan(pack="cn")
    assert plan is not None, "the bench's plan must be complete, or no page shows it"
    assert plan_entries(plan).count() == 5  # the four loans and the sample account
    assert ContactAttempt.objects.count() >= 30
    assert collector.username
    assert sample


@pytest.mark.django_db
def test_the_plan_benchs_copied_book_is_planned_like_the_template() -> None:
    if connection.vendor != "postgresql":
        pytest.skip(
            "the plan bench copies its book in PostgreSQL's SQL: the PostgreSQL pass runs this"
        )
    from tactful.loans.models import Loan
    from tactful.treatments.selectors import accounts_frame_of

    plan_bench = bench("plan_bench.py")
    assert plan_bench.write_book(3) == 3
    loans = list(
        Loan.objects.filter(external_id__startswith=plan_bench.PREFIX).values_list("pk", flat=True)
    )
    template = Loan.objects.get(external_id="plan-template-loan")
    day = plan_bench._next_day()
    at = datetime.combine(day, datetime.min.time(), tzinfo=UTC) + timedelta(hours=2)

    frame = accounts_frame_of([template.pk, *loans], as_of=day, at=at)

    assert frame.height == 4
    # Each copy has the template's number and recipient: the gate's columns are read alike.
    assert frame.get_column("recipient_timezone").n_unique() == 1
    assert frame.get_column("recipient_timezone")[0] != ""
