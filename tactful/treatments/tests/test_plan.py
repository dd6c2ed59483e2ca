import pytest
from django.utils import timezone

from tactful.audit.models import AuditEvent
from tactful.contacts.models import Hold
from tactful.demo.seed import seed_demo
from tactful.errors import Conflict
from tactful.loans.models import Loan
from tactful.loans.selectors import loan_status
from tactful.policy.packs import pack_names
from tactful.screening import strategy as strategy_module
from tactful.screening.columns import BEHAVIOUR_COLUMNS, STATUS_COLUMNS
from tactful.screening.strategy import (
    StrategyError,
    load_strategy,
    parse_strategy,
    strategy_for_pack,
)
from tactful.treatments import selectors
from tactful.treatments.models import DailyPlan, PlanEntry, StrategyVersion
from tactful.treatments.services import build_daily_plan, record_strategy
from tactful.treatments.tasks import build_nightly_plan
from tactful.treatments.tests.conftest import DAY, MORNING

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_book(db):
    """Eight demo borrowers, a few of them overdue on DAY: enough to plan under each pack."""
    return seed_demo(borrowers=8, seed=7, today=DAY)


def overdue_ids():
    return {
        loan.pk for loan in Loan.objects.all() if loan_status(loan, as_of=DAY).days_past_due >= 1
    }


def test_the_ledger_of_each_demo_loan_maps_to_the_model_columns(portfolio):
    frame = selectors.plan_accounts_frame(as_of=DAY, at=MORNING)

    assert set(frame.get_column("account").cast(int).to_list()) == overdue_ids()
    assert set(BEHAVIOUR_COLUMNS) <= set(frame.columns)
    assert frame.get_column(STATUS_COLUMNS[0]).min() >= 1  # overdue now reads as late now
    assert frame.get_column("recipient_timezone").unique().to_list() == ["Asia/Shanghai"]
    assert frame.null_count().row(0) == (0,) * frame.width


def test_the_nightly_plan_gives_every_overdue_loan_a_treatment(portfolio):
    plan = build_daily_plan(plan_date=DAY, at=MORNING, actor="test")

    entries = list(PlanEntry.objects.filter(plan=plan))
    assert {entry.loan_id for entry in entries} == overdue_ids()
    assert {entry.treatment for entry in entries} <= {"wait", "reminder", "offer", "call", "review"}
    assert all(entry.reasons.count(";") == 2 for entry in entries)
    assert plan.summary["accounts"] == len(entries)
    assert plan.strategy.version == load_strategy("cn").version
    assert AuditEvent.objects.filter(action="treatments.plan_built").count() == 1


@pytest.mark.parametrize("pack", pack_names())
def test_the_nightly_plan_uses_the_strategy_of_the_configured_pack(small_book, settings, pack):
    settings.GATE_PACK = pack
    strategy = strategy_for_pack(pack)

    plan = build_daily_plan(plan_date=DAY, at=MORNING, actor="test")

    entries = list(PlanEntry.objects.filter(plan=plan))
    assert entries
    assert (plan.pack, plan.strategy.name, plan.strategy.version) == (pack, pack, strategy.version)
    assert plan.strategy.sha256 == strategy.sha256
    assert {entry.loan_id for entry in entries} == overdue_ids()
    assert {entry.bucket for entry in entries} <= {bucket.name for bucket in strategy.buckets}
    assert all(entry.channel == strategy.channels.get(entry.treatment, "") for entry in entries)


def test_a_pack_without_a_strategy_is_refused_naming_it(db, settings, monkeypatch, tmp_path):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    settings.GATE_PACK = "uk"
    monkeypatch.setattr(strategy_module, "STRATEGY_DIR", tmp_path)

    with pytest.raises(StrategyError, match="strategy for pack uk: none is shipped"):
        build_daily_plan(plan_date=DAY, at=MORNING, actor="test")
    with pytest.raises(CommandError, match="strategy for pack uk"):
        call_command("build_plan", "--date", DAY.isoformat())
    assert not DailyPlan.objects.exists()
    assert not StrategyVersion.objects.exists()


def test_no_plan_row_names_anyone_but_the_borrower(portfolio):
    plan = build_daily_plan(plan_date=DAY, at=MORNING, actor="test")

    channels = set(PlanEntry.objects.filter(plan=plan).values_list("channel", flat=True))
    assert channels <= {"", "sms", "call"}


def test_a_day_is_planned_once(portfolio):
    first = build_daily_plan(plan_date=DAY, at=MORNING, actor="test")
    again = build_daily_plan(plan_date=DAY, at=MORNING, actor="test")

    assert again.pk == first.pk
    assert DailyPlan.objects.count() == 1
    assert AuditEvent.objects.filter(action="treatments.plan_built").count() == 1


def test_a_hold_blocks_the_contact_in_the_plan(portfolio):
    contacted = _first_contacted_loan()
    Hold.objects.create(
        kind="complaint",
        loan=contacted,
        starts_at=MORNING.replace(year=2025, month=1),
        source="test",
        placed_at=timezone.now(),
        placed_by="test",
    )

    plan = build_daily_plan(plan_date=DAY, at=MORNING, actor="test")

    entry = PlanEntry.objects.get(plan=plan, loan=contacted)
    assert entry.allowed_now is False
    assert "hold" in entry.blocked_by


def _first_contacted_loan():
    # Which loans the strategy contacts is the model's call: plan once in memory to find one.
    from tactful.contacts.packs import configured_pack
    from tactful.screening.daily import PlanSettings, plan_day
    from tactful.treatments.services import shipped_bundle

    settings = PlanSettings(shipped_bundle(), load_strategy("cn"), configured_pack())
    frame = plan_day(
        selectors.plan_accounts_frame(as_of=DAY, at=MORNING), settings=settings, at=MORNING
    )
    contacted = frame.filter(frame.get_column("channel").is_not_null())
    return Loan.objects.get(pk=int(contacted.get_column("account")[0]))


def test_the_nightly_task_builds_the_plan(portfolio):
    result = build_nightly_plan.enqueue(plan_date=DAY.isoformat())

    assert DailyPlan.objects.get(plan_date=DAY).reference.hex == result.return_value.replace(
        "-", ""
    )


def test_a_strategy_changed_without_a_new_version_is_refused(db):
    strategy = load_strategy("cn")
    record_strategy(strategy=strategy, actor="test")
    changed = parse_strategy(strategy.text.replace("min_self_cure: 0.65", "min_self_cure: 0.7"))

    with pytest.raises(Conflict) as error:
        record_strategy(strategy=changed, actor="test")

    assert error.value.code == "strategy_changed_without_new_version"
    assert StrategyVersion.objects.count() == 1


def test_the_build_plan_command_builds_once(portfolio, capsys):
    from django.core.management import call_command

    call_command("build_plan", "--date", DAY.isoformat())
    call_command("build_plan", "--date", DAY.isoformat())

    assert DailyPlan.objects.filter(plan_date=DAY).count() == 1
    assert "contacts_avoided" in capsys.readouterr().out


def test_the_build_plan_command_refuses_a_bad_date(db):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("build_plan", "--date", "tomorrow")
    assert not DailyPlan.objects.exists()


def test_a_loan_finds_its_latest_plan_row_with_reasons_in_words(portfolio):
    plan = build_daily_plan(plan_date=DAY, at=MORNING, actor="test")
    entry = PlanEntry.objects.filter(plan=plan).first()

    found = selectors.latest_entry_for_loan(entry.loan)

    assert found == entry
    words = selectors.reasons_in(found, "zh-Hans")
    assert len(words) == 3
    assert all(text.endswith("估计风险。") for text in words)
