"""The evaluation's figures of the support work, as counts over structured columns.

Aggregates only (no row leaves this module), for the statistics pages and research extracts: how
often staff asked before someone accepted, how many accepted, started, completed or dropped out
of treatment, and how many placements and transports there were. Which units and which period
are counted is the caller's question (the statistics app applies its own access rules).
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Min, Q
from django.utils import timezone

from igor.cases.models import Party, PartyRole
from igor.support.models import (
    Answer,
    Intervention,
    OutreachContact,
    ReferralEvent,
    ReferralStatus,
    ShelterPlacement,
    Transport,
)


@dataclass(frozen=True)
class RoleFigures:
    """Figures for one side: victims or persons using violence."""

    persons: int  # distinct persons of this role in the units' cases
    contacted: int  # persons with at least one outreach attempt made in the period
    offered: int  # persons offered support or treatment in the period
    accepted: int  # persons who accepted an offer in the period
    offers_before_acceptance: dict[int, int] = field(default_factory=dict)  # n → persons
    referrals_started: int = 0  # persons whose referral started in the period

    @property
    def went_on_to_support(self) -> float | None:
        """Share of the role's persons whose referral started ("1 in 4", "1 in 10")."""
        return self.referrals_started / self.persons if self.persons else None


@dataclass(frozen=True)
class SupportFigures:
    victims: RoleFigures
    perpetrators: RoleFigures
    referrals: dict[str, int]  # lifecycle steps taken in the period, by status
    placements: int  # placements begun in the period
    transports: int  # transports done or booked to depart in the period
    interventions: dict[str, int]  # interventions begun in the period, by kind
    without_police_report: int


def _aware(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _role(unit_ids: list[int], role: str, start: datetime.date, end: datetime.date) -> RoleFigures:
    in_units = Q(case__unit_id__in=unit_ids)
    begun, ended = _aware(start), _aware(end)
    made = OutreachContact.objects.filter(
        in_units, party_role=role, done_at__gte=begun, done_at__lt=ended
    )
    accepted_first = (
        made.filter(answer=Answer.ACCEPTED)
        .values("case_id", "person_id")
        .annotate(first=Min("offer_number"))
    )
    histogram = Counter(row["first"] - 1 for row in accepted_first)
    started = ReferralEvent.objects.filter(
        referral__case__unit_id__in=unit_ids,
        referral__party_role=role,
        status=ReferralStatus.STARTED,
        on__gte=start,
        on__lt=end,
    )
    return RoleFigures(
        persons=Party.objects.filter(in_units, role=role).values("person_id").distinct().count(),
        contacted=made.values("person_id").distinct().count(),
        offered=made.exclude(offer="").values("person_id").distinct().count(),
        accepted=len({(row["case_id"], row["person_id"]) for row in accepted_first}),
        offers_before_acceptance=dict(sorted(histogram.items())),
        referrals_started=started.values("referral__person_id").distinct().count(),
    )


def support_figures(
    *, unit_ids: list[int], start: datetime.date, end: datetime.date
) -> SupportFigures:
    """The figures of the given units for the period [start, end)."""
    in_units = Q(case__unit_id__in=unit_ids)
    steps = Counter(
        ReferralEvent.objects.filter(
            referral__case__unit_id__in=unit_ids, on__gte=start, on__lt=end
        ).values_list("status", flat=True)
    )
    interventions = Intervention.objects.filter(in_units, started_on__gte=start, started_on__lt=end)
    return SupportFigures(
        victims=_role(unit_ids, PartyRole.VICTIM, start, end),
        perpetrators=_role(unit_ids, PartyRole.PERPETRATOR, start, end),
        referrals=dict(sorted(steps.items())),
        placements=ShelterPlacement.objects.filter(
            in_units, moved_in_on__gte=start, moved_in_on__lt=end
        ).count(),
        transports=Transport.objects.filter(
            in_units,
            status__in=["booked", "done"],
            departs_at__gte=_aware(start),
            departs_at__lt=_aware(end),
        ).count(),
        interventions=dict(sorted(Counter(interventions.values_list("kind", flat=True)).items())),
        without_police_report=interventions.filter(without_police_report=True).count(),
    )
