"""Reading support rows, always through the access policy (igor.sharing.policy).

Support rows belong to the organisation that controls their case (only its staff write them).
The other organisation sees them only while a basis covers the case and the category the row
falls in (`sees_category`):

- outreach, offers, referrals, interventions, transport, housing and outcome snapshots are the
  "support and treatment status" of the consent form: the `support` category (domain-sweden.md §8
  requirements 3, 34 and 35: a consent names the categories it shares; support and treatment are
  recordable interventions of their own);
- the police side's legal process (report number, interviews, prosecutor, court dates) stays with
  the `incidents` category. It tracks the crimes the incidents record, and it is förundersökning
  material, secret under OSL and kept apart from the support mission (§2.2 and requirement 24:
  investigation and support get different views). Sharing a victim's support status must not
  disclose the investigation, and the consent form's "Incidents" is the category that already
  names what happened and was reported. No category of its own, since the consent form names none.

Shelter addresses, and the places of a protected person's transport, are shown only to the owning
organisation's staff who may reveal protected details and do not work with the person using
violence (rule A5), and only on an explicit, logged reveal.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, Max, Min, OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from igor.accounts.models import User
from igor.accounts.roles import Cap
from igor.cases.models import Case, CaseStatus, Party, PartyRole
from igor.people.models import Person
from igor.risk import access as risk_access
from igor.sharing import policy
from igor.support.models import (
    HOUSING_KINDS,
    CaseClosure,
    Intervention,
    LegalEvent,
    LegalProcess,
    OutcomeSnapshot,
    OutreachContact,
    Provider,
    Referral,
    ShelterPlacement,
    Task,
    Transport,
)
from igor.support.rules import Capacity

SUPPORT = "support"  # outreach, offers, referrals, interventions, transport, housing, snapshots
LEGAL = "legal"  # the police side's legal process

# The sharing category (igor/sharing/categories.py) that lets the other organisation see each
# part of the support work (see the module docstring for why the legal process is `incidents`).
_SHARING_CATEGORY: dict[str, str] = {SUPPORT: "support", LEGAL: "incidents"}


def sharing_category(category: str) -> str:
    """The sharing category a basis must cover for the other organisation to see this part."""
    return _SHARING_CATEGORY[category]


def sees_category(access: policy.Access[Case], category: str) -> bool:
    """Whether the user may see this category of the case's support rows (A1, A2, A7)."""
    return policy.sees_case_category(access, sharing_category(category))


def case_for(user: User, pk: int, category: str = SUPPORT) -> policy.Access[Case]:
    """The case if the user may see its rows of this category; else Http404. Across the wall the
    access carries the basis that covers the category, so the disclosure names that basis."""
    access = policy.narrowed_to_category(policy.get_case_for(user, pk), sharing_category(category))
    if access is None:
        raise Http404
    return access


def case_for_edit(user: User, pk: int) -> Case:
    return policy.get_case_for(user, pk, for_edit=True).obj


# --- Who works with the person using violence (A5) --------------------------------------------------


def perpetrators_of(case: Case) -> list[Person]:
    """The persons using violence in this case and, through the victims' other cases of the same
    organisation, against the victims of this case."""
    victims = Party.objects.filter(case=case, role__in=[PartyRole.VICTIM, PartyRole.CHILD])
    cases = Party.objects.filter(person_id__in=victims.values("person_id")).values("case_id")
    parties = Party.objects.filter(
        Q(case=case) | Q(case_id__in=cases), role=PartyRole.PERPETRATOR
    ).select_related("person")
    return [party.person for party in parties]


def works_with_perpetrator(user: User, case: Case) -> bool:
    """Whether the user works with a person using violence against this case's victims: owns a
    case where that person (or the same identity number, in either organisation) uses violence,
    or went on or recorded an outreach contact or referral for them."""
    people = perpetrators_of(case)
    if not people:
        return False
    ids = {person.pk for person in people}
    numbers = {person.identity_number for person in people if person.identity_number}
    same = Q(person_id__in=ids)
    if numbers:
        same |= Q(person__identity_number__in=numbers)
    owned = Party.objects.filter(same, role=PartyRole.PERPETRATOR, case__owner=user)
    reached = OutreachContact.objects.filter(same).filter(Q(staff=user) | Q(recorded_by=user))
    referred = Referral.objects.filter(same, recorded_by=user)
    return owned.exists() or reached.exists() or referred.exists()


def may_see_protected_place(access: policy.Access[Case]) -> bool:
    """Shelter addresses and protected transport places: own organisation, the capability, the
    support role, and no work with the person using violence (A5)."""
    user = access.scope.user
    return (
        not access.cross_wall
        and user.can(Cap.REVEAL_PROTECTED)
        and not works_with_perpetrator(user, access.obj)
    )


# --- A case's support rows -------------------------------------------------------------------------


@dataclass
class SupportView:
    """What one user may see of one case's support work."""

    access: policy.Access[Case]
    parties: list[Party]
    outreach: list[OutreachContact] | None
    referrals: list[Referral] | None
    interventions: list[Intervention] | None
    transports: list[Transport] | None
    placements: list[ShelterPlacement] | None
    snapshots: list[OutcomeSnapshot] | None
    legal: list[LegalProcess] | None
    tasks: list[Task]
    closures: list[CaseClosure]
    may_reveal: bool = False
    revealed: dict[str, dict[int, dict[str, str]]] = field(default_factory=dict)

    @property
    def editable(self) -> bool:
        return self.access.editable

    @property
    def is_police_case(self) -> bool:
        return self.access.obj.organisation.kind == "police"

    def offers_summary(self) -> list[tuple[Person, int, int | None]]:
        """Per person reached: offers made, and offers before the first acceptance."""
        summary: dict[int, tuple[Person, list[str]]] = {}
        for contact in sorted(self.outreach or [], key=lambda c: (c.offer_number or 0, c.pk)):
            if contact.offer:
                summary.setdefault(contact.person_id, (contact.person, []))[1].append(
                    contact.answer
                )
        from igor.support.rules import offers_before_acceptance

        return [
            (person, len(answers), offers_before_acceptance(answers))
            for person, answers in summary.values()
        ]


def support_view(access: policy.Access[Case]) -> SupportView:
    case = access.obj
    supported = sees_category(access, SUPPORT)
    by_case = {"case": case}

    def rows(queryset: QuerySet[Any]) -> list[Any] | None:
        return list(queryset.filter(**by_case)) if supported else None

    own = not access.cross_wall
    return SupportView(
        access=access,
        parties=list(Party.objects.filter(case=case).select_related("person")),
        outreach=rows(
            OutreachContact.objects.select_related("person", "recorded_by")
            .prefetch_related("staff")
            .order_by("-recorded_at", "-id")
        ),
        referrals=rows(
            Referral.objects.select_related("person", "provider").prefetch_related("events")
        ),
        interventions=rows(Intervention.objects.select_related("person")),
        transports=rows(Transport.objects.select_related("person", "driver")),
        placements=rows(ShelterPlacement.objects.select_related("person", "provider")),
        snapshots=rows(OutcomeSnapshot.objects.select_related("person")),
        legal=(
            list(LegalProcess.objects.filter(case=case).prefetch_related("events").order_by("pk"))
            if sees_category(access, LEGAL)
            else None
        ),
        tasks=list(Task.objects.filter(case=case, done_at__isnull=True)) if own else [],
        closures=list(CaseClosure.objects.filter(case=case)) if own else [],
        may_reveal=own and may_see_protected_place(access),
    )


def parties_of(case: Case, roles: tuple[str, ...] | None = None) -> QuerySet[Party]:
    parties = Party.objects.filter(case=case).select_related("person").order_by("role", "id")
    return parties.filter(role__in=roles) if roles else parties


# --- Providers ---------------------------------------------------------------------------------------


def providers_for(user: User) -> QuerySet[Provider]:
    """The registries of the user's units. Providers hold no personal data."""
    if not user.can(Cap.VIEW_CASE_DATA):
        return Provider.objects.none()
    return Provider.objects.filter(unit_id__in=user.unit_ids()).select_related("unit")


def provider_for_edit(user: User, pk: int) -> Provider:
    provider = providers_for(user).filter(pk=pk).first()
    if provider is None or not user.can(Cap.MANAGE_PROVIDERS):
        raise Http404
    return provider


def with_capacity(
    providers: QuerySet[Provider], day: datetime.date
) -> list[tuple[Provider, Capacity]]:
    """Each provider with its places taken on `day` (one query)."""
    current = Q(placements__moved_in_on__lte=day) & (
        Q(placements__moved_out_on__isnull=True) | Q(placements__moved_out_on__gt=day)
    )
    annotated = providers.annotate(taken=Count("placements", filter=current))
    return [(p, Capacity(p.capacity, p.taken)) for p in annotated]


def housing_providers(unit_id: int) -> QuerySet[Provider]:
    return Provider.objects.filter(unit_id=unit_id, active=True, kind__in=HOUSING_KINDS)


# --- Daily work: caseload, calendar, tasks ---------------------------------------------------------


def caseload(user: User) -> list[Case]:
    """The user's open and active cases, with what is next in each (a fixed number of queries)."""
    scope = policy.scope_for(user)
    today = timezone.localdate()
    open_tasks = Task.objects.filter(case=OuterRef("pk"), done_at__isnull=True)
    planned = OutreachContact.objects.filter(
        case=OuterRef("pk"), done_at__isnull=True, cancelled_at__isnull=True
    )
    return list(
        Case.objects.filter(scope.own(), owner=user)
        .filter(status__in=[CaseStatus.OPEN, CaseStatus.ACTIVE])
        .annotate(
            open_tasks=Count("tasks", filter=Q(tasks__done_at__isnull=True), distinct=True),
            overdue_tasks=Count(
                "tasks",
                filter=Q(tasks__done_at__isnull=True, tasks__due_on__lt=today),
                distinct=True,
            ),
            next_due=Subquery(open_tasks.order_by("due_on").values("due_on")[:1]),
            next_visit=Subquery(planned.order_by("planned_for").values("planned_for")[:1]),
            last_contact=Max("outreach__done_at"),
            first_offer_accepted=Min(
                "outreach__offer_number", filter=Q(outreach__answer="accepted")
            ),
            has_placement=Exists(
                ShelterPlacement.objects.filter(case=OuterRef("pk"), moved_out_on__isnull=True)
            ),
        )
        .order_by("next_due", "-updated_at", "pk")
    )


def tasks_visible_to(user: User) -> QuerySet[Task]:
    """Tasks of the user's organisation in the user's units: their own and the unit's."""
    scope = policy.scope_for(user)
    if not scope.works_with_cases:
        return Task.objects.none()
    return Task.objects.filter(scope.own(), Q(assignee=user) | Q(assignee__isnull=True))


def task_for_edit(user: User, pk: int) -> Task:
    task = tasks_visible_to(user).filter(pk=pk).first()
    if task is None or not user.can(Cap.EDIT_CASE_DATA):
        raise Http404
    return task


@dataclass(frozen=True)
class CalendarEntry:
    at: datetime.datetime | datetime.date
    kind: str
    title: str
    case: Case | None
    person: Person | None
    item: Any
    # The other organisation's row: how the user may see it (its basis, for the disclosure).
    shared: policy.Access[Case] | None = None

    @property
    def day(self) -> datetime.date:
        if isinstance(self.at, datetime.datetime):
            return timezone.localtime(self.at).date()
        return self.at


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def calendar(user: User, first: datetime.date, days: int) -> list[CalendarEntry]:
    """The coming outreach visits, transports, interviews, court dates, tasks and risk
    reassessments of the user's organisation in the user's units (five queries, whatever the
    number of rows)."""
    scope = policy.scope_for(user)
    if not scope.works_with_cases:
        return []
    start, end = _start_of(first), _start_of(first + datetime.timedelta(days=days))
    own = scope.own("case__")
    entries: list[CalendarEntry] = []
    visits = (
        OutreachContact.objects.filter(
            own, done_at__isnull=True, cancelled_at__isnull=True, planned_for__gte=start
        )
        .filter(planned_for__lt=end)
        .select_related("case", "person")
    )
    entries += [
        CalendarEntry(v.when, "outreach", v.get_method_display(), v.case, v.person, v)
        for v in visits
    ]
    rides = Transport.objects.filter(
        own, status="booked", departs_at__gte=start, departs_at__lt=end
    ).select_related("case", "person", "driver")
    entries += [
        CalendarEntry(t.departs_at, "transport", t.get_purpose_display(), t.case, t.person, t)
        for t in rides
    ]
    steps = LegalEvent.objects.filter(
        scope.own("process__case__"), at__gte=start, at__lt=end
    ).select_related("process__case")
    entries += [
        CalendarEntry(e.at, "legal", e.get_kind_display(), e.process.case, None, e) for e in steps
    ]
    due = (
        tasks_visible_to(user)
        .filter(
            done_at__isnull=True,
            due_on__gte=first,
            due_on__lt=first + datetime.timedelta(days=days),
        )
        .select_related("case", "assignee")
    )
    entries += [CalendarEntry(t.due_on, "task", t.title, t.case, None, t) for t in due]
    entries += [
        CalendarEntry(day, "reassessment", str(_("Risk reassessment due")), case, None, level)
        for case, level, day in risk_access.reviews_due(
            scope, first, first + datetime.timedelta(days=days)
        )
    ]
    entries += _shared_entries(scope, start, end)
    return sorted(entries, key=lambda e: (e.day, _time_of(e.at), e.kind))


# The other organisation's rows a calendar shows at most, per kind: each of their cases costs a
# basis lookup, so the page's cost stays bounded however much is shared.
SHARED_CALENDAR_LIMIT = 30


def _shared_entries(
    scope: policy.Scope, start: datetime.datetime, end: datetime.datetime
) -> list[CalendarEntry]:
    """The other organisation's coming visits, transports, interviews and court dates in the
    user's units, each only while a basis covers its category (or break-the-glass opened the
    case): a case basis finds the candidates, and a basis covering the sharing category of the
    row's part decides per case."""
    shares = scope.active_bases().filter(covers_cases=True)
    if not scope.glass_cases and not shares.exists():
        return []  # the common case: one query, not three
    known: dict[tuple[int, str], policy.Access[Case] | None] = {}
    entries: list[CalendarEntry] = []
    visits = OutreachContact.objects.filter(
        _other_side_q(scope, "case"), done_at__isnull=True, cancelled_at__isnull=True
    ).filter(planned_for__gte=start, planned_for__lt=end)
    for v in visits.select_related("case__organisation", "person")[:SHARED_CALENDAR_LIMIT]:
        shared = _shared_access(scope, v.case, SUPPORT, known)
        if shared is not None:
            person = v.person if policy.sees_person(scope, v.person) else None
            title = v.get_method_display()
            entries.append(CalendarEntry(v.when, "outreach", title, v.case, person, v, shared))
    rides = Transport.objects.filter(
        _other_side_q(scope, "case"), status="booked", departs_at__gte=start, departs_at__lt=end
    )
    for t in rides.select_related("case__organisation", "person", "driver")[:SHARED_CALENDAR_LIMIT]:
        shared = _shared_access(scope, t.case, SUPPORT, known)
        if shared is not None:
            person = t.person if policy.sees_person(scope, t.person) else None
            title = t.get_purpose_display()
            entries.append(
                CalendarEntry(t.departs_at, "transport", title, t.case, person, t, shared)
            )
    steps = LegalEvent.objects.filter(
        _other_side_q(scope, "process__case"), at__gte=start, at__lt=end
    ).select_related("process__case__organisation")
    for e in steps[:SHARED_CALENDAR_LIMIT]:
        shared = _shared_access(scope, e.process.case, LEGAL, known)
        if shared is not None:
            title = e.get_kind_display()
            entries.append(CalendarEntry(e.at, "legal", title, e.process.case, None, e, shared))
    return entries


def _other_side_q(scope: policy.Scope, case: str) -> Q:
    """Rows of the other organisation's cases in the user's units that a case basis or
    break-the-glass may open (a superset: the category is checked per case)."""
    visible = scope.shared_cases_q(f"{case}_id") | Q(**{f"{case}_id__in": scope.glass_cases})
    other = Q(**{f"{case}__unit_id__in": scope.unit_ids}) & ~Q(
        **{f"{case}__organisation_id": scope.organisation_id}
    )
    return other & visible


def _shared_access(
    scope: policy.Scope,
    case: Case,
    category: str,
    known: dict[tuple[int, str], policy.Access[Case] | None],
) -> policy.Access[Case] | None:
    """The user's access to this category of another organisation's case, or None (each case
    and category looked up once)."""
    key = (case.pk, category)
    if key not in known:
        basis = scope.bases_for(sharing_category(category)).get(case.pk)
        if basis is not None:
            known[key] = policy.Access(case, scope, cross_wall=True, basis=basis, break_glass=False)
        elif case.pk in scope.glass_cases:
            known[key] = policy.Access(case, scope, cross_wall=True, basis=None, break_glass=True)
        else:
            known[key] = None
    return known[key]


def _time_of(at: datetime.datetime | datetime.date) -> datetime.time:
    if isinstance(at, datetime.datetime):
        return timezone.localtime(at).time()
    return datetime.time.min


def overdue(user: User) -> dict[str, list[Any]]:
    """Open tasks past due, and planned outreach whose time has passed without an outcome."""
    scope = policy.scope_for(user)
    if not scope.works_with_cases:
        return {"tasks": [], "outreach": []}
    today = timezone.localdate()
    return {
        "tasks": list(
            tasks_visible_to(user)
            .filter(done_at__isnull=True, due_on__lt=today)
            .select_related("case", "assignee")
        ),
        "outreach": list(
            OutreachContact.objects.filter(
                scope.own("case__"),
                done_at__isnull=True,
                cancelled_at__isnull=True,
                planned_for__lt=_start_of(today),
            ).select_related("case", "person")
        ),
    }
