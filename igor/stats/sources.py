"""Where the figures' numbers come from: grouped queries per period, all units (the figures
that read the same table share one pass, igor.stats.passes).

Each function returns {unit id: value} for every unit with data in the period; the formulas
module pools units and the dashboard picks what the viewer may see. Reading aggregates of every
unit here is deliberate: what leaves this module is counted, pooled and suppressed before anyone
sees it (rule A6), and a unit's own figures go only to its own staff (igor.stats.access).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from typing import Any

from django.db.models import Count as DbCount
from django.db.models import Q, QuerySet

from igor.audit.models import ChainHead
from igor.cases.models import Case, Incident, Party, PartyRole
from igor.people.models import Person
from igor.sharing.grounds import StatutoryGround
from igor.sharing.models import IN_FORCE, BasisKind, EndReason, SharingBasis
from igor.stats import formulas, passes, summaries
from igor.stats.formulas import ClosedCase, Count, LaterIncident, Share, Value
from igor.stats.periods import Period, during, local_date

Result = dict[int, Value]


def _counts(queryset: QuerySet[Any], unit_field: str, distinct: str | None = None) -> Result:
    counted = DbCount(distinct, distinct=True) if distinct else DbCount("pk")
    rows = queryset.order_by().values(unit_field).annotate(n=counted).values_list(unit_field, "n")
    return {unit: Count(n) for unit, n in rows}


def _shares(queryset: QuerySet[Any], unit_field: str, hit: Q) -> Result:
    rows = (
        queryset.order_by()
        .values(unit_field)
        .annotate(n=DbCount("pk"), hits=DbCount("pk", filter=hit))
        .values_list(unit_field, "hits", "n")
    )
    return {unit: Share(hits, n) for unit, hits, n in rows}


# --- Cases -------------------------------------------------------------------------------------


def cases_opened(period: Period, today: datetime.date) -> Result:
    return passes.counts(passes.opened_cases(period, today, data_version()), "opened")


def cases_closed(period: Period, today: datetime.date) -> Result:
    return {unit: Count(n) for unit, n in summaries.closed(period).items()}


def cases_without_police_report(period: Period, today: datetime.date) -> Result:
    return passes.shares(passes.opened_cases(period, today, data_version()), "unreported", "opened")


def victims_new(period: Period, today: datetime.date) -> Result:
    found = passes.new_parties(period, data_version())[PartyRole.VICTIM]
    return {unit: Count(n) for unit, n in found.items()}


def perpetrators_new(period: Period, today: datetime.date) -> Result:
    found = passes.new_parties(period, data_version())[PartyRole.PERPETRATOR]
    return {unit: Count(n) for unit, n in found.items()}


# --- Incidents ---------------------------------------------------------------------------------


def incidents(period: Period, today: datetime.date) -> Result:
    return passes.counts(passes.incidents_in(period, data_version()), "n")


def incidents_reported(period: Period, today: datetime.date) -> Result:
    return passes.shares(passes.incidents_in(period, data_version()), "reported", "n")


def incidents_with_children(period: Period, today: datetime.date) -> Result:
    return passes.shares(passes.incidents_in(period, data_version()), "children", "n")


# --- Sharing -----------------------------------------------------------------------------------


def consents_recorded(period: Period, today: datetime.date) -> Result:
    rows = SharingBasis.objects.filter(during(period, "recorded_at"), kind=BasisKind.CONSENT)
    return _counts(rows, "unit_id")


def consents_withdrawn(period: Period, today: datetime.date) -> Result:
    # Withdrawn by the person; not a consent replaced by a narrower one or a new purpose.
    rows = SharingBasis.objects.filter(
        during(period, "withdrawn_at"), kind=BasisKind.CONSENT, ended_reason=EndReason.WITHDRAWN
    )
    return _counts(rows, "unit_id")


def statutory_disclosures(period: Period, today: datetime.date) -> Result:
    # A request still awaiting the lead's approval, or refused, disclosed nothing.
    rows = SharingBasis.objects.filter(
        during(period, "recorded_at"), kind=BasisKind.STATUTORY, approval__in=IN_FORCE
    )
    return _counts(rows.exclude(ground=StatutoryGround.OROSANMALAN), "unit_id")


def child_concern_reports(period: Period, today: datetime.date) -> Result:
    rows = SharingBasis.objects.filter(during(period, "recorded_at"), kind=BasisKind.STATUTORY)
    return _counts(rows.filter(ground=StatutoryGround.OROSANMALAN), "unit_id")


# --- Re-offending ------------------------------------------------------------------------------


def person_key(organisation_id: int, person_id: int, identity_number: str) -> str:
    """One human within one organisation: its rows with the same identity number are one, but the
    police's person and social services' person stay two (the wall is never crossed)."""
    return f"{organisation_id}:n{identity_number}" if identity_number else f"p{person_id}"


def _roles(parties: QuerySet[Party]) -> dict[int, dict[str, set[str]]]:
    """Victims and perpetrators (as person keys) of the cases the party queryset covers."""
    found: dict[int, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    rows = parties.filter(role__in=[PartyRole.VICTIM, PartyRole.PERPETRATOR]).values_list(
        "case_id", "role", "person_id", "person__organisation_id", "person__identity_number"
    )
    for case_id, role, person_id, organisation_id, number in rows.iterator(chunk_size=5000):
        found[case_id][role].add(person_key(organisation_id, person_id, number))
    return found


def later_incidents(
    closed: QuerySet[Case], after: datetime.datetime, until: datetime.datetime
) -> list[LaterIncident]:
    """Incidents between `after` and `until` in any case of the same organisation where a
    perpetrator of the `closed` cases is a perpetrator again, the same row or the same identity
    number (subqueries only, so no list of ids is ever sent to the database). One pass per
    organisation: the police's cases are never matched with social services' by identity number."""
    organisations = closed.order_by().values_list("organisation_id", flat=True).distinct()
    found: list[LaterIncident] = []
    for organisation_id in sorted(organisations):
        own = closed.filter(organisation_id=organisation_id)
        found += _later_in(organisation_id, own, after, until)
    return found


def _later_in(
    organisation_id: int,
    closed: QuerySet[Case],
    after: datetime.datetime,
    until: datetime.datetime,
) -> list[LaterIncident]:
    perpetrators = Party.objects.filter(case__in=closed, role=PartyRole.PERPETRATOR)
    person_ids = perpetrators.values("person_id")
    numbers = (
        Person.objects.filter(pk__in=person_ids)
        .exclude(identity_number="")
        .values("identity_number")
    )
    again = Party.objects.filter(
        role=PartyRole.PERPETRATOR, case__organisation_id=organisation_id
    ).filter(Q(person_id__in=person_ids) | Q(person__identity_number__in=numbers))
    incidents = Incident.objects.filter(
        case_id__in=again.values("case_id"), occurred_at__gt=after, occurred_at__lt=until
    )
    roles = _roles(Party.objects.filter(case_id__in=incidents.values("case_id")))
    return [
        LaterIncident(
            local_date(at),
            frozenset(roles[case_id][PartyRole.PERPETRATOR]),
            frozenset(roles[case_id][PartyRole.VICTIM]),
        )
        for case_id, at in incidents.values_list("case_id", "occurred_at").iterator(chunk_size=5000)
    ]


def closed_cases(closed: QuerySet[Case]) -> dict[int, list[tuple[int, ClosedCase]]]:
    """The closed cases by unit, as (case id, ClosedCase)."""
    roles = _roles(Party.objects.filter(case__in=closed))
    by_unit: dict[int, list[tuple[int, ClosedCase]]] = defaultdict(list)
    for pk, unit_id, closed_at in closed.values_list("pk", "unit_id", "closed_at").iterator(
        chunk_size=5000
    ):
        assert closed_at is not None  # the callers ask for a closing time
        by_unit[unit_id].append(
            (
                pk,
                ClosedCase(
                    local_date(closed_at),
                    frozenset(roles[pk][PartyRole.PERPETRATOR]),
                    frozenset(roles[pk][PartyRole.VICTIM]),
                ),
            )
        )
    return by_unit


def data_version() -> str:
    """The audit chain head, which every action moves (see results.py)."""
    head = ChainHead.objects.filter(id=1).values_list("seq", "mac").first()
    return f"{head[0]}-{head[1]}" if head else "0"


@passes.remembered
def _reoffending_shares(
    period: Period, today: datetime.date, version: str
) -> dict[int, dict[formulas.Variant, Share]]:
    """All six re-offending figures of a period, by unit, from the daily summaries (each closing
    day counted with `closed_cases`, `later_incidents` and `formulas.reoffending_variants`)."""
    return summaries.reoffending(period, today)


def _reoffending(period: Period, today: datetime.date, months: int, partner: str) -> Result:
    shares = _reoffending_shares(period, today, data_version())
    return {unit: found[months, partner] for unit, found in shares.items()}


def reoffending_6(period: Period, today: datetime.date) -> Result:
    return _reoffending(period, today, 6, "any")


def reoffending_6_same(period: Period, today: datetime.date) -> Result:
    return _reoffending(period, today, 6, "same")


def reoffending_6_new(period: Period, today: datetime.date) -> Result:
    return _reoffending(period, today, 6, "new")


def reoffending_12(period: Period, today: datetime.date) -> Result:
    return _reoffending(period, today, 12, "any")


def reoffending_12_same(period: Period, today: datetime.date) -> Result:
    return _reoffending(period, today, 12, "same")


def reoffending_12_new(period: Period, today: datetime.date) -> Result:
    return _reoffending(period, today, 12, "new")
