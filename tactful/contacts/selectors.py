"""Read paths of the contacts app: recipients, active holds, opt-outs, certifications, permits."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime, tzinfo
from typing import Any
from uuid import UUID

from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet
from django.db.models.functions import TruncDate

from tactful.accounts.models import User
from tactful.batches.lookups import among
from tactful.borrowers.models import Borrower
from tactful.contacts.models import (
    CertificationSuspension,
    CollectorCertification,
    ContactAttempt,
    Hold,
    HoldKind,
    OptOut,
    Recipient,
)
from tactful.loans.models import Loan
from tactful.loans.selectors import loans_of_borrower
from tactful.privacy.crypto import decrypt


def recipient_by_public_id(public_id: UUID) -> Recipient | None:
    return (
        Recipient.objects.select_related("borrower", "phone_number")
        .filter(public_id=public_id)
        .first()
    )


def same_person_ids(recipient: Recipient) -> QuerySet[Recipient, int]:
    """Return the ids of every recipient that reaches the same person as
    `recipient`, itself included.

    The borrower's own numbers all reach the borrower: caps, holds and opt-outs count
    for the person, not per number, or a second number would double every cap. And a
    number is one person whoever named it: the same number named as an emergency contact
    by two borrowers (or a borrower's own number named by another) is one person, so a
    hold or opt-out placed through one record reaches them through every record.

    One query that reads only by index: three lookups joined by UNION (the person's own
    records, and the records of their numbers named as an emergency contact or as
    someone's own number). Asked as one filter over outer joins, they became one scan of
    every recipient, whose cost grew with the book (13 ms a permit at 20,000 recipients;
    docs/capacity.md).
    """
    indexes: QuerySet[Recipient, Any]
    if recipient.is_own_number:
        own = Q(borrower_id=recipient.borrower_id, role="debtor")
        indexes = Recipient.objects.filter(own, phone_number__isnull=False).values(
            "phone_number__e164_index"
        )
    else:
        own = Q(pk=recipient.pk)
        # A designation erased, or none: no number, so no one else.
        indexes = (
            Recipient.objects.filter(pk=recipient.pk, emergency_contact__phone_index__isnull=False)
            .exclude(emergency_contact__phone_index="")
            .values("emergency_contact__phone_index")
        )
    ids = Recipient.objects.values_list("pk", flat=True)
    return ids.filter(own).union(
        ids.filter(emergency_contact__phone_index__in=indexes),
        ids.filter(phone_number__e164_index__in=indexes),
    )


def own_number_recipients(borrower: Borrower) -> QuerySet[Recipient]:
    """Return the recipients of the borrower's current numbers, primary number first."""
    return (
        Recipient.objects.select_related("borrower", "phone_number")
        .filter(borrower=borrower, role="debtor", phone_number__isnull=False)
        .order_by("-phone_number__is_primary", "pk")
    )


def own_number_recipient_ids_of(borrower_ids: Iterable[int]) -> dict[int, list[int]]:
    """Each borrower's own-number recipients' ids, primary number first (one query for all;
    nothing is decrypted)."""
    rows = (
        Recipient.objects.filter(
            among("borrower_id", list(borrower_ids)), role="debtor", phone_number__isnull=False
        )
        .order_by("borrower_id", "-phone_number__is_primary", "pk")
        .values_list("borrower_id", "pk")
    )
    found: dict[int, list[int]] = {}
    for borrower_id, recipient_id in rows:
        found.setdefault(borrower_id, []).append(recipient_id)
    return found


def number_of(recipient: Recipient) -> str | None:
    """Return the E.164 number that reaches `recipient`: its own, or its designation's.

    None when there is none to reach: a number dropped, or a designation erased.
    """
    if recipient.phone_number is not None:
        return recipient.phone_number.e164
    designated = (
        Recipient.objects.filter(pk=recipient.pk)
        .values_list("emergency_contact__phone_encrypted", flat=True)
        .first()
    )
    return decrypt(designated) if designated else None


def own_number_recipients_at(indexes: Sequence[str]) -> list[Recipient]:
    """Return the recipients of every borrower's own number stored under these blind indexes."""
    return list(
        Recipient.objects.filter(phone_number__e164_index__in=indexes)
        .select_related("borrower", "phone_number")
        .order_by("pk")
    )


def emergency_contact_recipients_at(indexes: Sequence[str]) -> list[Recipient]:
    """Return the recipients of the designations of this number that still stand.

    A removed or erased designation, or a refusal alone, is no one Tactful may contact.
    """
    standing = Q(
        emergency_contact__phone_index__in=indexes, emergency_contact__removed_at__isnull=True
    ) & ~Q(emergency_contact__phone_encrypted="")
    return list(Recipient.objects.filter(standing).select_related("borrower").order_by("pk"))


def designated_recipients_at(indexes: Sequence[str]) -> list[Recipient]:
    """Return the recipients of every designation of this number, ended ones too."""
    designated = Recipient.objects.filter(emergency_contact__phone_index__in=indexes)
    return list(designated.select_related("borrower").order_by("pk"))


def permitted_attempts_to_number(indexes: Sequence[str]) -> list[ContactAttempt]:
    """Return the permitted attempts to this number, newest first (a denial reached no one)."""
    at_number = Q(recipient__emergency_contact__phone_index__in=indexes) | Q(
        recipient__phone_number__e164_index__in=indexes
    )
    attempts = ContactAttempt.objects.filter(at_number, decision="allow")
    return list(attempts.select_related("outcome").order_by("-requested_at", "-pk"))


def attempts_about(borrower: Borrower) -> QuerySet[ContactAttempt]:
    """Return every attempt to reach anyone about `borrower`'s debts, denials included.

    A message a third party asked for themselves (the code of their own rights request),
    or one about no debt answering them (the acknowledgement of their own complaint), is
    theirs, not a contact about the borrower's debt: it is left out.
    """
    theirs = ~Q(recipient__role="debtor") & (
        Q(requested_by_recipient=True) | Q(purpose="service", loan__isnull=True)
    )
    return ContactAttempt.objects.filter(recipient__borrower=borrower).exclude(theirs)


def last_attempt_at(borrower: Borrower) -> datetime | None:
    """Return when anyone was last asked for about `borrower` (None if never)."""
    latest: datetime | None = attempts_about(borrower).aggregate(last=Max("requested_at"))["last"]
    return latest


def active_holds(*, loan: Loan | None, recipient_ids: list[int], now: datetime) -> QuerySet[Hold]:
    """Return the holds on `loan` or on these recipients that are in force at `now`."""
    scope = Q(recipient_id__in=recipient_ids)
    if loan is not None:
        scope |= Q(loan=loan)
    return (
        Hold.objects.filter(scope, starts_at__lte=now)
        .filter(Q(ends_at__isnull=True) | Q(ends_at__gt=now))
        .filter(Q(lift__isnull=True) | Q(lift__lifted_at__gt=now))
        .order_by("starts_at", "pk")
    )


def holds_in_force(
    *, loan_ids: Iterable[int], recipient_ids: Iterable[int], now: datetime
) -> list[Hold]:
    """The holds in force at `now` on any of these loans or recipients (one query for all),
    in the order `active_holds` gives them."""
    scope = Q(among("recipient_id", list(recipient_ids))) | Q(among("loan_id", list(loan_ids)))
    return list(
        Hold.objects.filter(scope, starts_at__lte=now)
        .filter(Q(ends_at__isnull=True) | Q(ends_at__gt=now))
        .filter(Q(lift__isnull=True) | Q(lift__lifted_at__gt=now))
        .order_by("starts_at", "pk")
        .only("pk", "kind", "loan_id", "recipient_id", "starts_at")
    )


def recipients_opted_out(*, recipient_ids: Iterable[int], now: datetime) -> set[int]:
    """Those of these recipients who opted out at or before `now` (one query for all)."""
    rows = OptOut.objects.filter(among("recipient_id", list(recipient_ids)), recorded_at__lte=now)
    return set(rows.values_list("recipient_id", flat=True))


def permitted_calls_between(
    *, recipient_ids: Iterable[int], since: datetime, until: datetime
) -> list[tuple[int, datetime, str | None]]:
    """(recipient id, requested at, outcome) of the calls permitted to these recipients in
    (`since`, `until`], oldest first (one query for all)."""
    rows = ContactAttempt.objects.filter(
        among("recipient_id", list(recipient_ids)),
        decision="allow",
        channel="call",
        requested_at__gt=since,
        requested_at__lte=until,
    ).order_by("requested_at", "pk")
    return list(rows.values_list("recipient_id", "requested_at", "outcome__outcome"))


def unlifted_hold(reference: UUID) -> Hold | None:
    """Return the hold `reference` unless it was lifted (it may still have ended by time)."""
    return Hold.objects.filter(reference=reference, lift__isnull=True).first()


def holds_of_borrower(borrower: Borrower, *, now: datetime) -> QuerySet[Hold]:
    """Return the holds in force at `now` on the borrower's loans or recipients."""
    return (
        Hold.objects.filter(Q(loan__borrower=borrower) | Q(recipient__borrower=borrower))
        .filter(starts_at__lte=now)
        .filter(Q(ends_at__isnull=True) | Q(ends_at__gt=now))
        .filter(Q(lift__isnull=True) | Q(lift__lifted_at__gt=now))
        .select_related("loan", "recipient__phone_number")
        .order_by("-starts_at", "-pk")
    )


def hardship_holds_on_loan(loan: Loan, *, now: datetime) -> list[Hold]:
    """Return the hardship holds in force at `now` on `loan` (what sends it to review)."""
    return list(
        Hold.objects.filter(loan=loan, kind=HoldKind.HARDSHIP, starts_at__lte=now)
        .filter(Q(ends_at__isnull=True) | Q(ends_at__gt=now))
        .filter(Q(lift__isnull=True) | Q(lift__lifted_at__gt=now))
        .order_by("starts_at", "pk")
    )


def opted_out(*, recipient_ids: list[int], now: datetime) -> bool:
    return OptOut.objects.filter(recipient_id__in=recipient_ids, recorded_at__lte=now).exists()


def certifications_of(collectors: Iterable[User]) -> dict[int, list[CollectorCertification]]:
    """Each collector's certificates, the one that ends last first."""
    found: dict[int, list[CollectorCertification]] = {}
    rows = CollectorCertification.objects.filter(collector__in=list(collectors)).order_by(
        "-valid_until", "-pk"
    )
    for certification in rows:
        found.setdefault(certification.collector_id, []).append(certification)
    return found


def holds_valid_certification(collector: User, *, now: datetime) -> bool:
    """Return True when `collector` holds a certificate valid at `now`, not suspended.

    A suspension voids the certificates recorded before it; one recorded after it counts.
    """
    # "Recorded after the latest suspension" is "no suspension since it was recorded": one
    # statement instead of the latest suspension read first (a permit by a collector asks).
    suspended_since = CertificationSuspension.objects.filter(
        collector=collector, suspended_at__lte=now, suspended_at__gte=OuterRef("recorded_at")
    )
    return (
        CollectorCertification.objects.filter(
            collector=collector, valid_from__lte=now, valid_until__gt=now
        )
        .filter(~Exists(suspended_since))
        .exists()
    )


def latest_suspension_at(collector: User, *, now: datetime) -> datetime | None:
    """Return when `collector`'s certification was last suspended (by `now`), if ever."""
    found = CertificationSuspension.objects.filter(collector=collector, suspended_at__lte=now)
    last: datetime | None = found.aggregate(last=Max("suspended_at"))["last"]
    return last


def attempt_by_pk(pk: int | str) -> ContactAttempt | None:
    """Return the attempt with this primary key (as an audit event names it), if any."""
    return ContactAttempt.objects.filter(pk=pk).first()


def attempts_with_codes(codes: Sequence[str]) -> QuerySet[ContactAttempt]:
    """Return the attempts whose verification codes are among `codes` (denied ones too)."""
    return ContactAttempt.objects.filter(verification_code__in=codes).select_related(
        "recipient", "loan"
    )


def attempt_with_code(code: str, *, permitted_only: bool = False) -> ContactAttempt | None:
    """Return the attempt that carried verification `code`; None if none (or none permitted)."""
    attempts = ContactAttempt.objects.select_related("recipient").filter(verification_code=code)
    if permitted_only:
        attempts = attempts.filter(decision="allow")
    return attempts.first()


def permitted_calls() -> QuerySet[ContactAttempt]:
    """Return every permitted call (a recording may belong to one)."""
    return ContactAttempt.objects.filter(channel="call", decision="allow")


def permit_by_id(permit_id: UUID) -> ContactAttempt | None:
    return ContactAttempt.objects.filter(permit_id=permit_id).first()


def permits_of_borrower(borrower: Borrower, *, limit: int = 100) -> QuerySet[ContactAttempt]:
    """Return the newest permits (allowed and denied) to any recipient of `borrower`."""
    return (
        ContactAttempt.objects.filter(recipient__borrower=borrower)
        .select_related("recipient__phone_number", "loan", "collector", "outcome")
        .order_by("-requested_at", "-pk")[:limit]
    )


def latest_loan(borrower: Borrower) -> Loan | None:
    """Return the borrower's most recently disbursed loan, if any."""
    return loans_of(borrower).first()


def loans_of(borrower: Borrower) -> QuerySet[Loan]:
    """Return the borrower's loans, the most recently disbursed first."""
    return loans_of_borrower(borrower.pk).order_by("-disbursed_on", "-pk")


def hold_kinds_of_loans(loans: Iterable[Loan], *, now: datetime) -> dict[int, list[str]]:
    """Return, per loan id, the kinds of hold in force at `now` on it or its borrower's numbers.

    One query for a whole page of loans (the collector's worklist).
    """
    by_borrower: dict[int, list[int]] = {}
    for loan in loans:
        by_borrower.setdefault(loan.borrower_id, []).append(loan.pk)
    loan_ids = [pk for pks in by_borrower.values() for pk in pks]
    rows = (
        Hold.objects.filter(Q(loan_id__in=loan_ids) | Q(recipient__borrower_id__in=by_borrower))
        .filter(starts_at__lte=now)
        .filter(Q(ends_at__isnull=True) | Q(ends_at__gt=now))
        .filter(Q(lift__isnull=True) | Q(lift__lifted_at__gt=now))
        .values_list("kind", "loan_id", "recipient__borrower_id")
    )
    kinds: dict[int, list[str]] = {pk: [] for pk in loan_ids}
    for kind, loan_id, borrower_id in rows:
        reached = [loan_id] if loan_id is not None else by_borrower.get(borrower_id, [])
        for pk in reached:
            if kind not in kinds[pk]:
                kinds[pk].append(kind)
    return kinds


def attempts_about_loan(
    loan: Loan, *, limit: int = 100, offset: int = 0
) -> QuerySet[ContactAttempt]:
    """Return the permits about `loan` or to its borrower's recipients, newest first."""
    # The recipients first: an OR across a join cannot use the indexes of the attempts,
    # an OR of two of its own columns can (a bitmap of both).
    reached = list(
        Recipient.objects.filter(borrower_id=loan.borrower_id).values_list("pk", flat=True)
    )
    # Then the page's ids, and only those joined to their rows: joined in one query, the
    # planner hashes every loan and recipient of the book to sort a few hundred attempts.
    page = list(
        ContactAttempt.objects.filter(Q(loan=loan) | Q(recipient_id__in=reached))
        .order_by("-requested_at", "-pk")
        .values_list("pk", flat=True)[offset : offset + limit]
    )
    return (
        ContactAttempt.objects.filter(pk__in=page)
        .select_related("recipient__phone_number", "collector", "outcome", "loan")
        .order_by("-requested_at", "-pk")
    )


def permit_counts_by_collector(*, since: datetime) -> dict[int, tuple[int, int]]:
    """Return, per collector id, (allowed, denied) permits they asked for since `since`."""
    rows = (
        ContactAttempt.objects.filter(collector__isnull=False, requested_at__gte=since)
        .values("collector_id", "decision")
        .annotate(n=Count("pk"))
    )
    counts: dict[int, tuple[int, int]] = {}
    for row in rows:
        allowed, denied = counts.get(row["collector_id"], (0, 0))
        if row["decision"] == "allow":
            allowed += row["n"]
        else:
            denied += row["n"]
        counts[row["collector_id"]] = (allowed, denied)
    return counts


# (local day, pack, the parts of the key, how many): what the oversight roll-ups store.
DayCounts = list[tuple[date, str, tuple[str, ...], int]]


def permit_counts_per_day(*, start: datetime, end: datetime, zone: tzinfo) -> DayCounts:
    """Count the permits requested in [start, end) per day in `zone`, pack, decision,
    channel, recipient role and reason categories (`;`-joined), grouped in the database."""
    rows = (
        ContactAttempt.objects.filter(requested_at__gte=start, requested_at__lt=end)
        .annotate(day=TruncDate("requested_at", tzinfo=zone))
        .values_list("day", "pack", "decision", "channel", "recipient__role", "categories")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return [
        (day, pack, (decision, channel, role, ";".join(categories)), n)
        for day, pack, decision, channel, role, categories, n in rows
    ]


def attempts_between(
    *,
    start: datetime,
    end: datetime,
    pack: str = "",
    decision: str = "",
    channel: str = "",
    category: str = "",
    roles: Sequence[str] = (),
) -> QuerySet[ContactAttempt]:
    """Return the permits requested in [start, end), narrowed by what is given, newest first."""
    attempts = ContactAttempt.objects.filter(requested_at__gte=start, requested_at__lt=end)
    if pack:
        attempts = attempts.filter(pack=pack)
    if decision:
        attempts = attempts.filter(decision=decision)
    if channel:
        attempts = attempts.filter(channel=channel)
    if category:
        # The list as text, the name quoted: `contains` on JSON is PostgreSQL's alone.
        attempts = attempts.filter(categories__icontains=f'"{category}"')
    if roles:
        attempts = attempts.filter(recipient__role__in=roles)
    return attempts.select_related("recipient", "collector", "loan").order_by(
        "-requested_at", "-pk"
    )


def opt_out_counts_per_day(*, start: datetime, end: datetime, zone: tzinfo) -> DayCounts:
    """Count the opt-outs recorded in [start, end) per day in `zone` and recipient role
    (opt-outs carry no pack: the pack is empty)."""
    rows = (
        OptOut.objects.filter(recorded_at__gte=start, recorded_at__lt=end)
        .annotate(day=TruncDate("recorded_at", tzinfo=zone))
        .values_list("day", "recipient__role")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return [(day, "", (role,), n) for day, role, n in rows]


def opt_outs_between(*, start: datetime, end: datetime, role: str = "") -> QuerySet[OptOut]:
    """Return the opt-outs recorded in [start, end), of recipients in `role` if given."""
    opt_outs = OptOut.objects.filter(recorded_at__gte=start, recorded_at__lt=end)
    if role:
        opt_outs = opt_outs.filter(recipient__role=role)
    return opt_outs.select_related("recipient").order_by("-recorded_at", "-pk")


def permit_counts_of_pack(
    *, pack: str, start: datetime, end: datetime
) -> list[tuple[str, str, str, str, int]]:
    """Count the permits of `pack` requested in [start, end) per channel, recipient role,
    purpose and decision, grouped in the database (the regulator's monthly report)."""
    rows = (
        ContactAttempt.objects.filter(pack=pack, requested_at__gte=start, requested_at__lt=end)
        .values_list("channel", "recipient__role", "purpose", "decision")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return [(channel, role, purpose, decision, n) for channel, role, purpose, decision, n in rows]
