"""Reading risk work, always through the access policy (igor.sharing.policy).

Risk assessments, measures and conference minutes belong to the organisation that made them; the
other organisation sees them only while a sharing basis covers them. Which category of a basis
covers them is decided in one place, `basis_category`: risk assessments, protective measures,
conference minutes and escalation flags travel with the `risk_assessment` category, safety plans
and safe-contact rules with `safety_plan` (domain-sweden.md §8 requirements 3 and 7: a victim's
consent names what it shares, and sharing the risk assessment is a choice of its own). A basis
that covers only the case shows the other organisation none of it. Every reader below (pages,
PDFs, the conference agenda, escalation flags, the API) asks `covered` or `basis_flag`.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Max, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from igor.accounts.models import User
from igor.accounts.roles import Cap
from igor.cases.models import Case, Incident, Party, PartyRole, ViolenceKind
from igor.people.models import Person
from igor.risk import config, rules
from igor.risk.models import (
    Assessment,
    AssessmentStatus,
    Breach,
    Conference,
    ConferenceAction,
    ConferenceItem,
    ProtectiveMeasure,
    SafeContact,
    SafetyPlan,
    Source,
)
from igor.sharing import policy
from igor.sharing.categories import field_of

RISK = "risk"  # assessments, measures, conference minutes, escalation flags
SAFETY = "safety"  # safety plans and safe-contact rules

_CATEGORY = {RISK: "risk_assessment", SAFETY: "safety_plan"}


def basis_category(kind: str) -> str:
    """The sharing category (igor/sharing/categories.py) that lets the other organisation see
    this kind of risk data. Both require the case category, so a basis covering them also lets
    the reader open the case they belong to."""
    return _CATEGORY[kind]


def basis_flag(kind: str) -> str:
    """The field of a sharing basis that carries `basis_category(kind)`."""
    return field_of(basis_category(kind))


def covered(access: policy.Access[Case], kind: str) -> policy.Access[Case] | None:
    """The case access narrowed to this kind of risk data: the basis that covers it, or None."""
    return policy.narrowed_to_category(access, basis_category(kind))


def case_for(
    user: User, pk: int, *, kind: str = RISK, for_edit: bool = False
) -> policy.Access[Case]:
    """The case's risk work if the user may see it (and change it); else Http404."""
    access = covered(policy.get_case_for(user, pk, for_edit=for_edit), kind)
    if access is None:
        raise Http404
    return access


def cases_with_risk_visible_to(user: User, scope: policy.Scope | None = None) -> QuerySet[Case]:
    scope = scope or policy.scope_for(user)
    shared = scope.shared_cases_q("pk", basis_flag(RISK)) | Q(pk__in=scope.glass_cases)
    return Case.objects.filter(scope.own() | shared)


def assessment_for(user: User, case_pk: int, pk: int) -> tuple[policy.Access[Case], Assessment]:
    access = case_for(user, case_pk)
    assessment = Assessment.objects.filter(case=access.obj, pk=pk).first()
    if assessment is None:
        raise Http404
    return access, assessment


def measure_for(
    user: User, case_pk: int, pk: int, *, for_edit: bool = False
) -> tuple[policy.Access[Case], ProtectiveMeasure]:
    access = case_for(user, case_pk, for_edit=for_edit)
    measure = ProtectiveMeasure.objects.filter(case=access.obj, pk=pk).first()
    if measure is None:
        raise Http404
    return access, measure


def protected_party(case: Case, person_pk: int) -> Person:
    """A party of the case a plan may be about: never the person using violence (rule A5)."""
    party = (
        Party.objects.filter(case=case, person_id=person_pk)
        .exclude(role=PartyRole.PERPETRATOR)
        .select_related("person")
        .first()
    )
    if party is None or uses_violence(party.person):
        raise Http404
    return party.person


def uses_violence(person: Person) -> bool:
    """Whether the person is recorded anywhere as using violence: then no safety plan or
    safe-contact rules are kept or shown for them, so nothing of the kind is ever about them."""
    return Party.objects.filter(person=person, role=PartyRole.PERPETRATOR).exists()


def plan_for(
    user: User, case_pk: int, person_pk: int, *, for_edit: bool = False
) -> tuple[policy.Access[Case], Person, SafetyPlan | None]:
    access = case_for(user, case_pk, kind=SAFETY, for_edit=for_edit)
    person = protected_party(access.obj, person_pk)
    plan = SafetyPlan.objects.filter(case=access.obj, person=person).first()
    return access, person, plan


def safe_contact_visible(user: User, person: Person) -> SafeContact | None:
    """The person's safe-contact rules if the user may see them, else None (never an error:
    the rules are shown beside other things, and their absence must not reveal anything)."""
    if uses_violence(person):
        return None
    try:
        access = policy.get_person_for(user, person.pk)
    except Http404:
        return None
    if access.cross_wall and not access.break_glass:
        scope = access.scope
        # Only a basis about the whole person: one limited to another case does not carry her
        # safe-contact rules, which concern every contact with her.
        whole_person = scope.active_bases().filter(subject_id=person.pk, case_id__isnull=True)
        basis = whole_person.filter(**{basis_flag(SAFETY): True}).exists()
        if not basis:
            return None
    return SafeContact.objects.filter(person=person).first()


def may_approve(user: User, access: policy.Access[Case]) -> bool:
    return not access.cross_wall and user.can(Cap.APPROVE_RISK)


# --- The case's risk picture ---------------------------------------------------------------------


@dataclass
class Picture:
    """What one user may see of a case's risk work."""

    access: policy.Access[Case]
    assessments: list[Assessment]
    latest_by_source: dict[str, Assessment]
    disagreement: bool
    level: str | None
    due: datetime.date | None
    overdue: bool
    flags: list[rules.Flag]
    open_flags: list[rules.Flag]
    measures: list[ProtectiveMeasure]
    expiring: list[ProtectiveMeasure]
    plans: list[tuple[Person, SafetyPlan | None, bool, bool]]  # …, needs review, name shown
    safe_contacts: list[tuple[Person, SafeContact | None]]
    last_conference: datetime.datetime | None
    sees_safety: bool


def _source_key(assessment: Assessment) -> str:
    return "victim" if assessment.source == Source.VICTIM else str(assessment.organisation.kind)


def latest_by_source(assessments: Iterable[Assessment]) -> dict[str, Assessment]:
    """The newest assessment of each source (police, social services, the victim)."""
    latest: dict[str, Assessment] = {}
    for assessment in assessments:  # newest first
        latest.setdefault(_source_key(assessment), assessment)
    return latest


def professional_level(assessments: list[Assessment]) -> tuple[str | None, Assessment | None]:
    """The case's level: the latest professional assessment's level in force (not the victim's
    own estimate, which is shown beside it)."""
    for assessment in assessments:
        if assessment.source != Source.VICTIM:
            return assessment.effective_level, assessment
    return None, None


@dataclass
class _Gathered:
    """The rows the escalation rules read, for many cases at once (a few queries in all)."""

    assessments: dict[int, list[Assessment]]
    incidents: dict[int, list[rules.IncidentFacts]]
    breaches: dict[int, list[datetime.datetime]]
    conferences: dict[int, datetime.datetime]


def _gather(case_ids: list[int], now: datetime.datetime) -> _Gathered:
    start = now - datetime.timedelta(days=config.escalation().window_days)
    gathered = _Gathered(defaultdict(list), defaultdict(list), defaultdict(list), {})
    for assessment in Assessment.objects.filter(case_id__in=case_ids).select_related(
        "organisation"
    ):
        gathered.assessments[assessment.case_id].append(assessment)
    for incident in Incident.objects.filter(case_id__in=case_ids, occurred_at__gte=start).only(
        "case_id", "occurred_at", "strangulation", "weapon", "kinds"
    ):
        gathered.incidents[incident.case_id].append(_incident_facts(incident))
    for case_id, moment in Breach.objects.filter(
        measure__case_id__in=case_ids, occurred_at__gte=start
    ).values_list("measure__case_id", "occurred_at"):
        gathered.breaches[case_id].append(moment)
    held = (
        ConferenceItem.objects.filter(
            case_id__in=case_ids, conference__held_on__lte=timezone.localdate(now)
        )
        .values("case_id")
        .annotate(day=Max("conference__held_on"))
    )
    for row in held:
        gathered.conferences[row["case_id"]] = _end_of(row["day"])
    return gathered


def _facts(
    case_id: int, gathered: _Gathered, with_incidents: bool, now: datetime.datetime
) -> rules.CaseFacts:
    assessments = gathered.assessments.get(case_id, [])
    level, latest = professional_level(assessments)
    level_since = _level_since(assessments, level) if latest is not None else None
    factors: frozenset[str] = frozenset()
    factors_since = None
    scored = next((a for a in assessments if a.source == Source.INSTRUMENT), None)
    if scored is not None:
        factors = frozenset(k for k, v in scored.answers.items() if v == "yes")
        factors_since = _moment(scored.assessed_on)
    return rules.CaseFacts(
        now=now,
        level=level,
        level_since=level_since,
        incidents=gathered.incidents.get(case_id, []) if with_incidents else [],
        factors=factors,
        factors_since=factors_since,
        breaches=gathered.breaches.get(case_id, []),
        last_conference=gathered.conferences.get(case_id),
    )


def _end_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(23, 59, 59)))


def _moment(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12, 0)))


def _level_since(assessments: list[Assessment], level: str | None) -> datetime.datetime | None:
    """When the case's current level began: the oldest of the unbroken run of assessments at it."""
    since = None
    for assessment in assessments:
        if assessment.source == Source.VICTIM:
            continue
        if assessment.effective_level != level:
            break
        since = _moment(assessment.assessed_on)
    return since


def _incident_facts(incident: Incident) -> rules.IncidentFacts:
    return rules.IncidentFacts(
        occurred_at=incident.occurred_at,
        strangulation=incident.strangulation,
        weapon=incident.weapon,
        honour=ViolenceKind.HONOUR in (incident.kinds or []),
    )


def case_flags(access: policy.Access[Case]) -> tuple[list[rules.Flag], list[rules.Flag]]:
    """All escalation flags of a case and those not yet discussed at a conference; incidents
    count only when the reader may see them."""
    now = timezone.now()
    case = access.obj
    facts = _facts(case.pk, _gather([case.pk], now), policy.sees_incidents(access), now)
    flags = rules.escalation_flags(facts, config.escalation())
    return flags, rules.open_flags(flags, facts.last_conference)


def picture(access: policy.Access[Case]) -> Picture:
    case = access.obj
    today = timezone.localdate()
    assessments = list(
        Assessment.objects.filter(case=case).select_related("organisation", "assessor", "person")
    )
    latest = latest_by_source(assessments)
    level, current = professional_level(assessments)
    due = (
        rules.review_due(level, current.assessed_on, config.review_days())
        if current and level
        else None
    )
    now = timezone.now()
    facts = _facts(case.pk, _gather([case.pk], now), policy.sees_incidents(access), now)
    flags = rules.escalation_flags(facts, config.escalation())
    measures = list(ProtectiveMeasure.objects.filter(case=case).prefetch_related("breaches"))
    alert = config.measure_alert_days()
    expiring = [
        m for m in measures if m.in_force(today) and rules.expires_soon(m.expires_on, today, alert)
    ]
    sees_safety = covered(access, SAFETY) is not None
    protected = [
        party.person
        for party in Party.objects.filter(case=case)
        .exclude(role=PartyRole.PERPETRATOR)
        .select_related("person")
        .order_by("role", "id")
        if not uses_violence(party.person)
    ]
    plans = []
    contacts = []
    if sees_safety:
        by_person = {p.person_id: p for p in SafetyPlan.objects.filter(case=case)}
        for person in protected:
            plan = by_person.get(person.pk)
            named = policy.sees_person(access.scope, person)
            plans.append((person, plan, _needs_review(plan, level), named))
            contacts.append((person, safe_contact_visible(access.scope.user, person)))
    return Picture(
        access=access,
        assessments=assessments,
        latest_by_source=latest,
        disagreement=rules.disagreement({k: a.effective_level for k, a in latest.items()}),
        level=level,
        due=due,
        overdue=bool(due and rules.is_overdue(due, today)),
        flags=flags,
        open_flags=rules.open_flags(flags, facts.last_conference),
        measures=measures,
        expiring=expiring,
        plans=plans,
        safe_contacts=contacts,
        last_conference=facts.last_conference,
        sees_safety=sees_safety,
    )


def _needs_review(plan: SafetyPlan | None, level: str | None) -> bool:
    """A plan is reviewed when the level changes: its latest version was written at another."""
    if plan is None:
        return level is not None
    version = plan.versions.order_by("-number").first()
    return version is None or (level is not None and version.level != level)


# --- Lists across cases --------------------------------------------------------------------------


@dataclass
class Overview:
    overdue: list[tuple[Case, str, datetime.date]]
    due_soon: list[tuple[Case, str, datetime.date]]
    expiring: list[ProtectiveMeasure]
    flagged: list[tuple[Case, list[rules.Flag]]]
    awaiting_approval: list[Assessment]


OVERVIEW_LIMIT = 200


def overview(user: User) -> Overview:
    """Reassessments overdue and due within a week, measures about to end, flagged cases and
    lowerings awaiting approval, over the open cases whose risk work the user may see."""
    today = timezone.localdate()
    scope = policy.scope_for(user)
    cases = cases_with_risk_visible_to(user, scope).exclude(status="closed")
    overdue, soon = [], []
    for row in _reviews(cases):
        due = row[2]
        if rules.is_overdue(due, today):
            overdue.append(row)
        elif due <= today + datetime.timedelta(days=7):
            soon.append(row)
    alert = config.measure_alert_days()
    expiring = [
        m
        for m in ProtectiveMeasure.objects.filter(
            case__in=cases,
            status="granted",
            expires_on__gte=today,
            expires_on__lte=today + datetime.timedelta(days=alert),
        ).select_related("case")[:OVERVIEW_LIMIT]
    ]
    flagged = flagged_cases(user, cases)
    pending = (
        list(
            Assessment.objects.filter(
                case__in=cases.filter(scope.own()), status=AssessmentStatus.AWAITING_APPROVAL
            ).select_related("case", "assessor")[:OVERVIEW_LIMIT]
        )
        if user.can(Cap.APPROVE_RISK)
        else []
    )
    key = lambda row: row[2]  # noqa: E731
    return Overview(sorted(overdue, key=key), sorted(soon, key=key), expiring, flagged, pending)


def _reviews(cases: QuerySet[Case]) -> list[tuple[Case, str, datetime.date]]:
    """When each case's latest professional assessment is due for review, by its level."""
    assessments = (
        Assessment.objects.filter(case__in=cases)
        .exclude(source=Source.VICTIM)
        .select_related("case", "organisation")
        .order_by("case_id", "-assessed_on", "-recorded_at", "-id")
    )
    latest: dict[int, Assessment] = {}
    for assessment in assessments[: OVERVIEW_LIMIT * 20]:
        latest.setdefault(assessment.case_id, assessment)
    rows = []
    for assessment in latest.values():
        level = assessment.effective_level
        due = rules.review_due(level, assessment.assessed_on, config.review_days())
        rows.append((assessment.case, level, due))
    return rows


def reviews_due(
    scope: policy.Scope, first: datetime.date, last: datetime.date
) -> list[tuple[Case, str, datetime.date]]:
    """Reassessments of the user's own organisation's open cases that fall due from `first` up
    to (not including) `last`: the reminders in the daily-work calendar (one query)."""
    if not scope.works_with_cases:
        return []
    cases = Case.objects.filter(scope.own()).exclude(status="closed")
    return [row for row in _reviews(cases) if first <= row[2] < last]


def flagged_cases(user: User, cases: QuerySet[Case]) -> list[tuple[Case, list[rules.Flag]]]:
    """Visible open cases with escalation flags not yet discussed at a conference.

    The rows the rules read are fetched for all candidates at once; incidents of a shared case
    count only where a basis covers them (the flags must not disclose what the reader may not see).
    """
    now = timezone.now()
    window = now - datetime.timedelta(days=config.escalation().window_days)
    candidates = list(
        cases.filter(
            Q(pk__in=Assessment.objects.values("case_id"))
            | Q(pk__in=Incident.objects.filter(occurred_at__gte=window).values("case_id"))
            | Q(pk__in=Breach.objects.filter(occurred_at__gte=window).values("measure__case_id"))
        ).order_by("-updated_at", "-id")[:OVERVIEW_LIMIT]
    )
    gathered = _gather([case.pk for case in candidates], now)
    scope = policy.scope_for(user)
    found = []
    for case in candidates:
        with_incidents = (
            scope.is_own(case.organisation_id, case.unit_id)
            or case.pk in scope.glass_cases
            or case.pk in scope.incident_bases
        )
        facts = _facts(case.pk, gathered, with_incidents, now)
        open_ = rules.open_flags(
            rules.escalation_flags(facts, config.escalation()), facts.last_conference
        )
        if open_:
            found.append((case, open_))
    return found


def conferences_visible_to(user: User) -> QuerySet[Conference]:
    """Conferences of the user's units: a meeting is the unit's; its cases follow the policy."""
    if not user.can(Cap.VIEW_CASE_DATA):
        return Conference.objects.none()
    return Conference.objects.filter(unit_id__in=user.unit_ids())


def conference_for(user: User, pk: int) -> Conference:
    conference = conferences_visible_to(user).filter(pk=pk).select_related("unit").first()
    if conference is None:
        raise Http404
    return conference


@dataclass
class AgendaRow:
    item: ConferenceItem
    access: policy.Access[Case] | None  # None: the case is not shared with the user

    @property
    def flags(self) -> list[rules.Flag]:
        """The escalation flags that brought the case onto the agenda."""
        return [rules.Flag(code, self.item.added_at) for code in self.item.reasons]


def agenda(user: User, conference: Conference) -> list[AgendaRow]:
    rows = []
    items = ConferenceItem.objects.filter(conference=conference).select_related(
        "case", "organisation"
    )
    for item in items.prefetch_related("actions__owner"):
        try:
            access = covered(policy.get_case_for(user, item.case_id), RISK)
        except Http404:
            access = None
        rows.append(AgendaRow(item, access))
    return rows


def item_for(
    user: User, conference_pk: int, pk: int, *, for_edit: bool = False
) -> tuple[Conference, ConferenceItem, policy.Access[Case]]:
    conference = conference_for(user, conference_pk)
    item = ConferenceItem.objects.filter(conference=conference, pk=pk).first()
    if item is None:
        raise Http404
    access = case_for(user, item.case_id, for_edit=for_edit)
    return conference, item, access


def actions_for_user(user: User) -> QuerySet[ConferenceAction]:
    """Actions agreed at the conferences of the user's units that are the user's side's: owned
    by the user's organisation, or on a case of it. Their text never crosses the wall by this
    list (a shared case's actions are read on its conference item, with a disclosure)."""
    if not user.can(Cap.VIEW_CASE_DATA) or user.organisation_id is None:
        return ConferenceAction.objects.none()
    return ConferenceAction.objects.filter(
        Q(organisation_id=user.organisation_id) | Q(item__organisation_id=user.organisation_id),
        item__conference__unit_id__in=user.unit_ids(),
    ).select_related("item__case", "item__conference", "owner", "organisation", "done_by")


def carried_over(user: User, conference: Conference) -> list[ConferenceAction]:
    """Open actions of the unit's earlier conferences: they come up again at this one."""
    earlier = Q(item__conference__held_on__lt=conference.held_on) | Q(
        item__conference__held_on=conference.held_on, item__conference_id__lt=conference.pk
    )
    return list(
        actions_for_user(user)
        .filter(earlier, item__conference__unit_id=conference.unit_id, done_at__isnull=True)
        .order_by("due_on", "pk")[:OVERVIEW_LIMIT]
    )


def overdue_actions(user: User) -> list[ConferenceAction]:
    """Open actions past their due date, the user's side's, oldest first."""
    today = timezone.localdate()
    return list(
        actions_for_user(user)
        .filter(done_at__isnull=True, due_on__lt=today)
        .order_by("due_on", "pk")[:OVERVIEW_LIMIT]
    )


def action_for_edit(user: User, conference_pk: int, item_pk: int, pk: int) -> ConferenceAction:
    """An action of this item that the user's organisation owns; else Http404."""
    conference = conference_for(user, conference_pk)
    if user.organisation_id is None:
        raise Http404
    action = (
        ConferenceAction.objects.filter(
            pk=pk,
            item_id=item_pk,
            item__conference=conference,
            organisation_id=user.organisation_id,
        )
        .select_related("item")
        .first()
    )
    if action is None or not user.can(Cap.EDIT_CASE_DATA):
        raise Http404
    return action


def breaches_by_measure(measures: Iterable[ProtectiveMeasure]) -> dict[int, list[Breach]]:
    found: dict[int, list[Breach]] = defaultdict(list)
    for breach in Breach.objects.filter(measure__in=list(measures)):
        found[breach.measure_id].append(breach)
    return found
