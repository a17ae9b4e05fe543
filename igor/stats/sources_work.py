"""Where the figures of the unit's work come from: tips, outreach, treatment referrals, victim
support, the legal process and protective measures. One grouped query per figure and period.

Like igor.stats.sources, each function returns {unit id: value}. Every query stays inside one
organisation's rows: a support row, a referral, a legal process or a measure is read with the case
it hangs on, and a tip with the case its own unit's triage linked it to, so no figure joins the
police's records to social services' (or the other way round) at the level of a person or a case.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from typing import Any

from django.db.models import Count as DbCount
from django.db.models import Exists, Min, OuterRef, Q, QuerySet, Subquery

from igor.audit.models import AuditEvent
from igor.cases.models import PartyRole
from igor.risk.models import MeasureStatus, ProtectiveMeasure
from igor.stats import passes
from igor.stats.formulas import Breakdown, Count, Durations, Share, days_between
from igor.stats.periods import STOCKHOLM, Period, during
from igor.stats.sources import Result, _counts, data_version
from igor.support.models import (
    Answer,
    ContactResult,
    Judgment,
    LegalProcess,
    Offer,
    OutreachContact,
    ProviderKind,
    Referral,
    ReferralStatus,
    ShelterPlacement,
    Transport,
    TransportStatus,
)
from igor.tips.models import Kind as TipKind
from igor.tips.models import Tip

NOT_STATED = "not_stated"
# The tip action that writes the sanitised summary, after which a tip has status "triaged"
# (igor.tips.actions.write_summary); its audit event carries the moment.
SUMMARY_PURPOSE = "sanitised summary"


def _on(period: Period, field: str) -> Q:
    """A date field (not a moment) within the period, both ends included."""
    return Q(**{f"{field}__gte": period.start, f"{field}__lte": period.end})


def _end_of(today: datetime.date) -> datetime.datetime:
    after = today + datetime.timedelta(days=1)
    return datetime.datetime.combine(after, datetime.time(), tzinfo=STOCKHOLM)


def _breakdown(queryset: QuerySet[Any], unit_field: str, category: str) -> Result:
    rows = (
        queryset.order_by()
        .values(unit_field, category)
        .annotate(n=DbCount("pk"))
        .values_list(unit_field, category, "n")
    )
    found: dict[int, dict[str, int]] = defaultdict(dict)
    for unit, key, n in rows:
        found[unit][key or NOT_STATED] = found[unit].get(key or NOT_STATED, 0) + n
    return {unit: Breakdown(tuple(sorted(counts.items()))) for unit, counts in found.items()}


def _persons(queryset: QuerySet[Any], hit: Q | None = None) -> Result:
    """Distinct persons by unit, or (with `hit`) the share of them with a row matching `hit`."""
    rows = queryset.order_by().values("case__unit_id")
    if hit is None:
        counted = rows.annotate(n=DbCount("person_id", distinct=True))
        return {unit: Count(n) for unit, n in counted.values_list("case__unit_id", "n")}
    shared = rows.annotate(
        n=DbCount("person_id", distinct=True),
        hits=DbCount("person_id", distinct=True, filter=hit),
    )
    return {unit: Share(h, n) for unit, h, n in shared.values_list("case__unit_id", "hits", "n")}


def _durations(rows: Any) -> Result:
    """(unit, start, end) rows as the days each took, by unit."""
    found: dict[int, list[float]] = defaultdict(list)
    for unit, start, end in rows:
        found[unit].append(days_between(start, end))
    return {unit: Durations(tuple(sorted(days))) for unit, days in found.items()}


# --- Tips --------------------------------------------------------------------------------------


def tips_by_channel(period: Period, today: datetime.date) -> Result:
    return _breakdown(Tip.objects.filter(during(period, "received_at")), "unit_id", "kind")


def tips_by_relation(period: Period, today: datetime.date) -> Result:
    tips = Tip.objects.filter(during(period, "received_at"), kind=TipKind.TIP)
    return _breakdown(tips, "unit_id", "how_known")


def tip_to_triage_days(period: Period, today: datetime.date) -> Result:
    tips = Tip.objects.filter(during(period, "received_at"))
    summaries = (
        AuditEvent.objects.filter(
            verb="update",
            at__gte=period.lower(),  # the (verb, at) index; a summary comes after its tip
            object_type="tip",
            purpose=SUMMARY_PURPOSE,
            object_id__in=tips.values("pk"),
        )
        .order_by()
        .values("object_id")
        .annotate(first=Min("at"))
        .values_list("object_id", "first")
    )
    triaged = dict(summaries)
    rows = tips.order_by().values_list("pk", "unit_id", "received_at")
    return _durations((unit, received, triaged[pk]) for pk, unit, received in rows if pk in triaged)


def tip_to_contact_days(period: Period, today: datetime.date) -> Result:
    reached = OutreachContact.objects.filter(
        case_id=OuterRef("case_id"),
        result=ContactResult.REACHED,
        done_at__gte=OuterRef("received_at"),
    ).order_by("done_at")
    tips = (
        Tip.objects.filter(during(period, "received_at"), case__isnull=False)
        .annotate(reached_at=Subquery(reached.values("done_at")[:1]))
        .filter(reached_at__isnull=False)
    )
    return _durations(tips.order_by().values_list("unit_id", "received_at", "reached_at"))


# --- Cases: the hidden-figure proxy ------------------------------------------------------------


Origin = passes.Origin


def cases_by_origin(period: Period, today: datetime.date) -> Result:
    """A tip linked no later than the case was opened comes first; then a police report on any
    incident; else the unit found the case by its own outreach and contacts."""
    rows = passes.opened_cases(period, today, data_version())
    return passes.breakdown(rows, (Origin.TIP, Origin.POLICE_REPORT, Origin.OWN_WORK))


# --- Outreach: victims and persons using violence ----------------------------------------------


def _contacts(period: Period, role: str) -> QuerySet[OutreachContact]:
    return OutreachContact.objects.filter(
        during(period, "done_at"), party_role=role, result=ContactResult.REACHED
    )


def _offers(period: Period, role: str, offer: str | None = None) -> QuerySet[OutreachContact]:
    offers = _contacts(period, role).exclude(offer=Offer.NONE)
    return offers.filter(offer=offer) if offer else offers


def victims_contacted(period: Period, today: datetime.date) -> Result:
    return _persons(_contacts(period, PartyRole.VICTIM))


def victims_offered_support(period: Period, today: datetime.date) -> Result:
    return _persons(_offers(period, PartyRole.VICTIM))


def victims_accepting_support(period: Period, today: datetime.date) -> Result:
    return _persons(_offers(period, PartyRole.VICTIM), Q(answer=Answer.ACCEPTED))


def perpetrators_contacted(period: Period, today: datetime.date) -> Result:
    return _persons(_contacts(period, PartyRole.PERPETRATOR))


def perpetrators_offered_treatment(period: Period, today: datetime.date) -> Result:
    return _persons(_offers(period, PartyRole.PERPETRATOR, Offer.TREATMENT))


def perpetrators_accepting_treatment(period: Period, today: datetime.date) -> Result:
    offers = _offers(period, PartyRole.PERPETRATOR, Offer.TREATMENT)
    return _persons(offers, Q(answer=Answer.ACCEPTED))


def _treatment() -> QuerySet[Referral]:
    return Referral.objects.filter(
        party_role=PartyRole.PERPETRATOR, provider__kind=ProviderKind.TREATMENT
    )


def perpetrators_starting_treatment(period: Period, today: datetime.date) -> Result:
    """Of those accepting treatment in the period, who has a treatment referral in the same case
    that started (whenever: a start after the period still counts for this period's yes)."""
    started = _treatment().filter(
        case_id=OuterRef("case_id"), person_id=OuterRef("person_id"), started_on__isnull=False
    )
    accepted = _offers(period, PartyRole.PERPETRATOR, Offer.TREATMENT).filter(
        answer=Answer.ACCEPTED
    )
    return _persons(accepted.annotate(started=Exists(started)), Q(started=True))


def perpetrators_completing_treatment(period: Period, today: datetime.date) -> Result:
    started = _treatment().filter(_on(period, "started_on"))
    return _persons(started, Q(status=ReferralStatus.COMPLETED))


def offers_before_acceptance(period: Period, today: datetime.date) -> Result:
    accepted = _offers(period, PartyRole.PERPETRATOR).filter(answer=Answer.ACCEPTED)
    found: dict[int, list[float]] = defaultdict(list)
    for unit, number in accepted.order_by().values_list("case__unit_id", "offer_number"):
        if number is not None:  # always set with an offer (outreach_offer_counted)
            found[unit].append(float(number))
    return {unit: Durations(tuple(sorted(numbers))) for unit, numbers in found.items()}


# --- Investigation and justice (police cases) ---------------------------------------------------


def victims_in_investigation(period: Period, today: datetime.date) -> Result:
    """Police cases opened in the period with a legal process: the share with a victim
    interview that has taken place."""
    rows = passes.opened_cases(period, today, data_version())
    return passes.shares(rows, "interviewed", "process")


def cases_to_prosecutor(period: Period, today: datetime.date) -> Result:
    return passes.counts(passes.opened_cases(period, today, data_version()), "handed")


def convictions(period: Period, today: datetime.date) -> Result:
    judged = LegalProcess.objects.filter(_on(period, "judged_on"), judgment=Judgment.CONVICTION)
    return _counts(judged, "case__unit_id")


# --- Protection and practical support ----------------------------------------------------------


def sheltered_housing_placements(period: Period, today: datetime.date) -> Result:
    placements = ShelterPlacement.objects.filter(_on(period, "moved_in_on"))
    return _counts(placements, "case__unit_id")


def transports(period: Period, today: datetime.date) -> Result:
    rides = Transport.objects.filter(during(period, "departs_at")).exclude(
        status=TransportStatus.CANCELLED
    )
    return _counts(rides, "case__unit_id")


def protective_measures(period: Period, today: datetime.date) -> Result:
    # Only a granted measure reaches "ended" (igor.risk.actions.ALLOWED_STATUS).
    granted = ProtectiveMeasure.objects.filter(
        _on(period, "decided_on"), status__in=[MeasureStatus.GRANTED, MeasureStatus.ENDED]
    )
    return _counts(granted, "unit_id")
