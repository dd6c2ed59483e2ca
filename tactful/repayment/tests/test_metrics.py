"""Each auto-debit run is counted, with its charges by result."""

from datetime import timedelta

from tactful.repayment.tests.test_auto_debit import mandate_for, run, run_day
from tactful.testing.metrics import sample


def charges() -> dict[str, float]:
    figures = {
        result: sample("tactful_auto_debit_charges_total", result=result)
        for result in ("collected", "failed", "unknown")
    }
    figures["runs"] = sample("tactful_auto_debit_runs_total")
    figures["resumed"] = sample("tactful_auto_debit_resumed_total")
    return figures


def moved(before: dict[str, float]) -> dict[str, float]:
    after = charges()
    return {name: after[name] - before[name] for name in before if after[name] != before[name]}


def test_a_run_counts_what_it_collected(loan, processor):
    mandate_for(loan, processor)
    before = charges()

    report = run(run_day(), processor)

    assert report.collected >= 1
    assert moved(before) == {"runs": 1, "collected": report.collected}


def test_a_charge_without_an_answer_is_unknown_until_a_later_run_resumes_it(loan, processor):
    mandate_for(loan, processor, maximum="1100.16")
    processor.unavailable = True
    before = charges()
    run(run_day(), processor)
    assert moved(before) == {"runs": 1, "unknown": 1}

    processor.unavailable = False
    before = charges()
    run(run_day(), processor, resume_after=timedelta(0))
    assert moved(before) == {"runs": 1, "resumed": 1, "collected": 1}
