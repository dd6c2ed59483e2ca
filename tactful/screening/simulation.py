"""What-if simulator: the same overdue borrowers under contact-list blasting and under Tactful.

Borrowers are drawn from overdue profiles of the data (self-cure probability from the
self-cure model, months late, the bill), shipped in the model bundle's metadata. Each
simulated day every strategy asks for the contacts it wants; each request goes through
the real gate (`tactful.policy.decide`) under the rule pack, and only permitted contacts
happen. How borrowers respond is not known from any data: it is modelled by the named
parameters of `Assumptions`, which the report prints. The results are model outputs,
not measurements.

Both strategies see the same borrowers and the same random draws (common random
numbers), so their difference comes from the strategy, not from luck.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Literal
from zoneinfo import ZoneInfo

from tactful.policy import Attempt, CompiledPack, Facts, HistoryEntry, decide
from tactful.policy.types import Channel, Outcome, Purpose, RecipientRole
from tactful.screening.strategy import Strategy, Treatment

StrategyName = Literal["blast", "tactful"]
STRATEGY_NAMES: tuple[StrategyName, ...] = ("blast", "tactful")
TIME_ZONE = "Asia/Shanghai"
FIRST_DAY = date(2026, 5, 4)
DAYS_PER_MONTH = 30
HISTORY_DAYS = 8  # longer than any pack's counting window
NOTICE = (
    "These figures are outputs of a model whose behavioural assumptions are listed under "
    "'assumptions'. They are not measurements of real borrowers."
)


@dataclass(frozen=True)
class Assumptions:
    """Every behavioural assumption of the simulation; change any from the command line."""

    # Share of the data's monthly chance of paying that happens with no contact at all.
    contact_free_share: float = 0.6
    # Multipliers of the daily chance of paying, for `effect_days` after a contact.
    reminder_lift: float = 1.3
    offer_lift: float = 1.6
    call_lift: float = 1.8
    third_party_lift: float = 1.1
    effect_days: int = 3
    call_answer_rate: float = 0.4
    unreachable_share: float = 0.08
    emergency_contact_consent_share: float = 0.5
    # Chance that one contact leads to a complaint (which places a hold on the account).
    complaint_per_sms: float = 0.0005
    complaint_per_connected_call: float = 0.003
    complaint_per_extra_call_in_a_day: float = 0.01
    complaint_per_third_party_contact: float = 0.03
    # What contact-list blasting asks for, every day.
    blast_calls_per_day: int = 8
    blast_sms_per_day: int = 3
    blast_third_parties_per_day: int = 5
    blast_emergency_contacts: int = 2
    # How often Tactful's treatments contact the borrower.
    reminder_every_days: int = 3
    offer_every_days: int = 7


@dataclass(frozen=True)
class Borrower:
    """One simulated overdue borrower."""

    key: str
    self_cure: float
    days_past_due: int
    balance: float
    unreachable: bool
    emergency_contact_consents: bool


@dataclass
class Tally:
    """What one strategy did and what followed, over the whole simulation."""

    contacts_requested: int = 0
    contacts_made: int = 0
    borrower_contacts: int = 0
    third_party_contacts: int = 0
    third_party_requests: int = 0
    denied_by_category: Counter[str] = field(default_factory=Counter)
    complaints: int = 0
    accounts_paid: int = 0
    amount_recovered: float = 0.0
    treatments: Counter[str] = field(default_factory=Counter)

    def to_json(self) -> dict[str, Any]:
        """Return the tally as JSON-ready values."""
        values = asdict(self)
        values["denied_by_category"] = dict(sorted(self.denied_by_category.items()))
        values["treatments"] = dict(sorted(self.treatments.items()))
        values["amount_recovered"] = round(self.amount_recovered)
        return values


@dataclass(frozen=True)
class Request:
    """A contact a strategy asks for: to whom, how, why and at what local hour."""

    recipient: str
    role: RecipientRole
    channel: Channel
    purpose: Purpose
    hour: float
    lift: float


def draw_borrowers(
    profiles: Sequence[Sequence[float]], *, count: int, assumptions: Assumptions, seed: int
) -> list[Borrower]:
    """Draw `count` overdue borrowers from the data's profiles [self-cure, months late, bill]."""
    rng = random.Random(f"borrowers:{seed}")
    borrowers = []
    for index in range(count):
        self_cure, months_late, bill = rng.choice(profiles)
        late_months = max(int(months_late), 1)
        borrowers.append(
            Borrower(
                key=f"b{index}",
                self_cure=float(self_cure),
                days_past_due=(late_months - 1) * DAYS_PER_MONTH + rng.randint(1, DAYS_PER_MONTH),
                balance=float(bill),
                unreachable=rng.random() < assumptions.unreachable_share,
                emergency_contact_consents=rng.random()
                < assumptions.emergency_contact_consent_share,
            )
        )
    return borrowers


@dataclass
class _Account:
    borrower: Borrower
    paid: bool = False
    on_hold: bool = False
    lift_until: dict[float, int] = field(default_factory=dict)
    history: list[HistoryEntry] = field(default_factory=list)
    located: bool = False  # a locate call reached someone: the borrower can be reached again


class Simulation:
    """Runs one strategy over the borrowers, day by day, through the gate."""

    def __init__(
        self,
        name: StrategyName,
        *,
        pack: CompiledPack,
        strategy: Strategy,
        assumptions: Assumptions,
        seed: int,
    ) -> None:
        self.name, self.pack, self.strategy = name, pack, strategy
        self.assumptions, self.seed = assumptions, seed
        self.zone = ZoneInfo(TIME_ZONE)
        self.tally = Tally()

    def run(self, borrowers: Sequence[Borrower], days: int) -> Tally:
        """Simulate `days` days and return the tally."""
        accounts = [_Account(borrower) for borrower in borrowers]
        for account in accounts:
            self._count_treatment(account, 0)
        for day in range(days):
            for index, account in enumerate(accounts):
                if not account.paid:
                    self._live_day(account, day, random.Random(f"{self.seed}:{index}:{day}"))
        return self.tally

    def _count_treatment(self, account: _Account, day: int) -> None:
        if self.name == "tactful":
            self.tally.treatments[self._treatment(account, day)] += 1

    def _treatment(self, account: _Account, day: int) -> Treatment:
        borrower = account.borrower
        assignment = self.strategy.assign(
            self_cure=borrower.self_cure, days_past_due=borrower.days_past_due + day
        )
        return assignment.treatment if assignment else "wait"

    def _live_day(self, account: _Account, day: int, rng: random.Random) -> None:
        calls_today = 0
        for request in self._requests(account, day):
            calls_today += self._attempt(account, request, day, rng, calls_today)
        self._maybe_pay(account, day, rng)

    # --- what each strategy asks for ------------------------------------------------------

    def _requests(self, account: _Account, day: int) -> list[Request]:
        if self.name == "blast":
            return self._blast_requests(account, day)
        return self._tactful_requests(account, day)

    def _blast_requests(self, account: _Account, day: int) -> list[Request]:
        a, key = self.assumptions, account.borrower.key
        # Spread over the whole day, early morning and late evening included.
        call_hours = [
            7 + 16 * n / max(a.blast_calls_per_day - 1, 1) for n in range(a.blast_calls_per_day)
        ]
        requests = [
            Request(key, "debtor", "call", "collection", h, a.call_lift) for h in call_hours
        ]
        requests += [
            Request(key, "debtor", "sms", "collection", 7 + 7 * n, a.reminder_lift)
            for n in range(a.blast_sms_per_day)
        ]
        requests += [
            Request(
                f"{key}:ec{n}", "emergency_contact", "call", "collection", 12, a.third_party_lift
            )
            for n in range(a.blast_emergency_contacts)
        ]
        requests += [
            Request(f"{key}:tp{n}", "third_party", "call", "collection", 13, a.third_party_lift)
            for n in range(a.blast_third_parties_per_day)
        ]
        return requests

    def _tactful_requests(self, account: _Account, day: int) -> list[Request]:
        a, key = self.assumptions, account.borrower.key
        treatment = self._treatment(account, day)
        # Each treatment goes out on the channel the strategy table names for it.
        channels = self.strategy.channels
        requests = []
        if treatment == "reminder" and day % a.reminder_every_days == 0:
            requests.append(
                Request(key, "debtor", channels[treatment], "reminder", 10, a.reminder_lift)
            )
        elif treatment == "offer" and day % a.offer_every_days == 0:
            requests.append(
                Request(key, "debtor", channels[treatment], "collection", 10, a.offer_lift)
            )
        elif treatment == "call":
            requests.append(
                Request(key, "debtor", channels[treatment], "collection", 10, a.call_lift)
            )
        if treatment in ("call", "offer") and self._unreachable(account):
            # Not a treatment: the gate-governed way to restore contact, never about the debt.
            requests.append(Request(f"{key}:ec0", "emergency_contact", "call", "locate", 11, 1.0))
        return requests

    def _unreachable(self, account: _Account) -> bool:
        return account.borrower.unreachable and not account.located

    # --- one contact through the gate -----------------------------------------------------

    def _attempt(
        self, account: _Account, request: Request, day: int, rng: random.Random, calls: int
    ) -> int:
        """Ask the gate; make the contact if permitted. Return 1 for a call made, else 0."""
        self.tally.contacts_requested += 1
        third_party = request.role != "debtor"
        self.tally.third_party_requests += third_party
        now = self._instant(day, request.hour)
        decision = decide(
            self._attempt_of(account, request), self._facts(account, day, now), now, self.pack
        )
        if not decision.allowed:
            self.tally.denied_by_category.update(decision.categories)
            return 0
        outcome = self._outcome(account, request, rng)
        account.history.append(
            HistoryEntry(now, request.channel, request.recipient, outcome, account.borrower.key)
        )
        self._count_contact(third_party)
        self._respond(account, request, outcome, day, rng, calls)
        return int(request.channel == "call")

    def _attempt_of(self, account: _Account, request: Request) -> Attempt:
        return Attempt(
            channel=request.channel,
            recipient=request.recipient,
            recipient_role=request.role,
            purpose=request.purpose,
            recipient_timezone=TIME_ZONE,
            debt=account.borrower.key,
            collector_certified=True,
        )

    def _facts(self, account: _Account, day: int, now: datetime) -> Facts:
        borrower = account.borrower
        recent = now - timedelta(days=HISTORY_DAYS)
        account.history = [entry for entry in account.history if entry.at >= recent]
        return Facts(
            days_past_due=borrower.days_past_due + day,
            holds=("complaint",) if account.on_hold else (),
            consents=frozenset({"emergency_contact"})
            if borrower.emergency_contact_consents
            else frozenset(),
            debtor_unreachable=self._unreachable(account) and day >= 3,
            opted_out=False,
            history=tuple(account.history),
        )

    def _instant(self, day: int, hour: float) -> datetime:
        local = datetime.combine(FIRST_DAY + timedelta(days=day), time(0), tzinfo=self.zone)
        return (local + timedelta(hours=hour)).astimezone(UTC)

    def _outcome(self, account: _Account, request: Request, rng: random.Random) -> Outcome:
        if request.channel != "call":
            return "delivered"
        reachable = request.role != "debtor" or not self._unreachable(account)
        answered = reachable and rng.random() < self.assumptions.call_answer_rate
        return "connected" if answered else "no_answer"

    def _count_contact(self, third_party: bool) -> None:
        self.tally.contacts_made += 1
        if third_party:
            self.tally.third_party_contacts += 1
        else:
            self.tally.borrower_contacts += 1

    def _respond(
        self,
        account: _Account,
        request: Request,
        outcome: Outcome,
        day: int,
        rng: random.Random,
        calls: int,
    ) -> None:
        a = self.assumptions
        if request.role != "debtor":
            chance = a.complaint_per_third_party_contact if request.purpose != "locate" else 0.0
        elif request.channel == "call":
            chance = a.complaint_per_connected_call if outcome == "connected" else 0.0
            chance += a.complaint_per_extra_call_in_a_day if calls >= 1 else 0.0
        else:
            chance = a.complaint_per_sms
        if rng.random() < chance:
            self.tally.complaints += 1
            account.on_hold = True  # a complaint places a hold at once
        if request.purpose == "locate":
            account.located = account.located or outcome == "connected"
            return
        reached = outcome in ("connected", "delivered")
        if reached:
            account.lift_until[request.lift] = day + a.effect_days

    def _maybe_pay(self, account: _Account, day: int, rng: random.Random) -> None:
        borrower = account.borrower
        monthly = min(max(self.assumptions.contact_free_share * borrower.self_cure, 0.0), 0.999)
        daily = 1 - (1 - monthly) ** (1 / DAYS_PER_MONTH)
        lifts = [lift for lift, until in account.lift_until.items() if until >= day]
        chance = min(daily * max(lifts, default=1.0), 1.0)
        if rng.random() < chance:
            account.paid = True
            self.tally.accounts_paid += 1
            self.tally.amount_recovered += borrower.balance


def simulate(
    *,
    profiles: Sequence[Sequence[float]],
    accounts: int,
    days: int,
    seed: int,
    pack: CompiledPack,
    strategy: Strategy,
    assumptions: Assumptions | None = None,
) -> dict[str, Tally]:
    """Run both strategies on the same drawn borrowers; return each one's tally."""
    chosen = assumptions or Assumptions()
    borrowers = draw_borrowers(profiles, count=accounts, assumptions=chosen, seed=seed)
    return {
        name: Simulation(name, pack=pack, strategy=strategy, assumptions=chosen, seed=seed).run(
            borrowers, days
        )
        for name in STRATEGY_NAMES
    }


def report(
    tallies: dict[str, Tally],
    *,
    chosen: StrategyName,
    accounts: int,
    days: int,
    seed: int,
    pack: CompiledPack,
    strategy: Strategy,
    assumptions: Assumptions,
    model_id: str,
) -> dict[str, Any]:
    """Return the JSON report: the chosen strategy, the other for comparison, assumptions."""
    other: StrategyName = "blast" if chosen == "tactful" else "tactful"
    avoided = tallies["blast"].contacts_made - tallies[chosen].contacts_made
    return {
        "notice": NOTICE,
        "strategy": chosen,
        "compared_with": other,
        "accounts": accounts,
        "days": days,
        "seed": seed,
        "pack": f"{pack.name} {pack.version}",
        "strategy_table": f"{strategy.name} {strategy.version}",
        "model_id": model_id,
        "amounts": "in the data's currency (NT$), the bill of each drawn profile",
        "contacts_avoided": avoided,
        "results": {chosen: tallies[chosen].to_json(), other: tallies[other].to_json()},
        "assumptions": asdict(assumptions),
    }
