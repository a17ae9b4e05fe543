"""The access policy: the one place that answers "may this user see this row, and on what basis?"

Rules (ARCHITECTURE §4):
A1 own organisation's rows within the user's units;
A2 the other organisation's rows only while an active sharing basis covers them, within its scope;
A3 withdrawal or expiry ends access at the next request (the scope is computed per call, never cached);
A4 every read across the wall is recorded as a disclosure (see `audit_read`);
A5 protected-identity fields only to the owning organisation's staff, on an explicit reveal;
A6 researchers and administrators see no case data;
A7 break-the-glass grants, flagged for review;
A8 the acting role is recorded with each access.

A basis carries one direction: its subject's rows, of its organisation, to its recipient. A
consent given in both directions is two linked bases (igor.sharing.actions.record_consent), so
nothing here needs to know about it.

Views and the API never filter by organisation themselves: they call the functions below.
Missing and forbidden rows look the same (Http404).
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from django.db.models import Exists, Model, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from igor.accounts.models import Unit, User
from igor.accounts.roles import Cap
from igor.audit.record import record, record_disclosure
from igor.cases.models import Case, Incident, JournalEntry, Party
from igor.people.models import Person
from igor.sharing.categories import BY_KEY, CASE, PERSON, field_of
from igor.sharing.models import BreakGlassGrant, ConcernStatus, ReportOfConcern, SharingBasis

T = TypeVar("T")
M = TypeVar("M", bound=Model)


class Bases:
    """The basis covering a row id, looked up lazily and remembered.

    A lookup of one id (`in`, `[]`, `get`) queries for that id alone, so opening one row costs
    the same however many bases the user's organisation has received. The answer is the first
    covering basis by (valid_from, id).
    """

    def __init__(self, one: Callable[[int], SharingBasis | None]) -> None:
        self._one = one
        self._known: dict[int, SharingBasis | None] = {}

    def get(self, key: int) -> SharingBasis | None:
        if key not in self._known:
            self._known[key] = self._one(key)
        return self._known[key]

    def __contains__(self, key: int) -> bool:
        return self.get(key) is not None

    def __getitem__(self, key: int) -> SharingBasis:
        basis = self.get(key)
        if basis is None:
            raise KeyError(key)
        return basis


def _no_bases() -> Bases:
    return Bases(lambda _pk: None)


@dataclass
class Scope:
    """What one user may see at one moment, beyond their own organisation's rows."""

    user: User
    organisation_id: int | None
    unit_ids: list[int]
    works_with_cases: bool
    now: datetime.datetime = field(default_factory=timezone.now)
    person_bases: Bases = field(default_factory=_no_bases)
    case_bases: Bases = field(default_factory=_no_bases)
    incident_bases: Bases = field(default_factory=_no_bases)
    journal_bases: Bases = field(default_factory=_no_bases)
    _by_category: dict[str, Bases] = field(default_factory=dict)
    _glass: tuple[set[int], set[int]] | None = field(default=None, repr=False)

    @property
    def glass_persons(self) -> set[int]:
        """Persons the user opened by breaking the glass, the grant in force at `now`."""
        return self._grants()[0]

    @property
    def glass_cases(self) -> set[int]:
        return self._grants()[1]

    def _grants(self) -> tuple[set[int], set[int]]:
        """The user's break-the-glass grants in force at `now`, read at first use: an answer
        about own rows never needs them (a lookup of candidates among them, opening an own row),
        so it costs no query for them."""
        if self._glass is None:
            persons: set[int] = set()
            cases: set[int] = set()
            if self.works_with_cases:
                grants = BreakGlassGrant.objects.filter(user=self.user, expires_at__gt=self.now)
                for object_type, object_id in grants.values_list("object_type", "object_id"):
                    (persons if object_type == "person" else cases).add(object_id)
            self._glass = (persons, cases)
        return self._glass

    def bases_for(self, key: str) -> Bases:
        """The bases covering rows of one category (igor/sharing/categories.py), by the id of
        the person (person-level categories) or the case (case-level ones) the rows belong to."""
        if key not in self._by_category:
            if not self.works_with_cases:
                self._by_category[key] = _no_bases()
            elif BY_KEY[key].level == "person":
                self._by_category[key] = Bases(_person_basis(self, field_of(key)))
            else:
                self._by_category[key] = Bases(_case_basis(self, field_of(key)))
        return self._by_category[key]

    def active_bases(self) -> QuerySet[SharingBasis]:
        """The bases received by the user's organisation in the user's units, active now."""
        if not self.works_with_cases:
            return SharingBasis.objects.none()
        return SharingBasis.objects.active_at(self.now).filter(
            recipient_id=self.organisation_id, unit_id__in=self.unit_ids
        )

    def shared_person_ids(self, flag: str = "covers_person") -> QuerySet[SharingBasis, Any]:
        """Ids of the other organisation's persons covered by a basis (a subquery)."""
        return self.active_bases().filter(**{flag: True}).values("subject_id")

    def shared_cases_q(self, field: str = "pk", flag: str = "covers_cases") -> Q:
        """`field` names a case covered by a basis with `flag`: the case the basis names, or
        any case of its subject when it names none (two subqueries)."""
        bases = self.active_bases().filter(**{flag: True})
        whole_person = bases.filter(case_id__isnull=True).values("subject_id")
        return Q(**{f"{field}__in": bases.filter(case_id__isnull=False).values("case_id")}) | Q(
            **{f"{field}__in": Party.objects.filter(person_id__in=whole_person).values("case_id")}
        )

    def own(self, prefix: str = "") -> Q:
        if not self.works_with_cases:
            return Q(pk__in=[])
        return Q(
            **{
                f"{prefix}organisation_id": self.organisation_id,
                f"{prefix}unit_id__in": self.unit_ids,
            }
        )

    def is_own(self, organisation_id: int, unit_id: int) -> bool:
        return (
            self.works_with_cases
            and organisation_id == self.organisation_id
            and unit_id in self.unit_ids
        )


def scope_for(user: User, now: datetime.datetime | None = None) -> Scope:
    """The user's scope now. Computed afresh on every call, so a withdrawal bites at once (A3)."""
    works = bool(user.is_authenticated and user.can(Cap.VIEW_CASE_DATA) and user.organisation_id)
    scope = Scope(
        user=user,
        organisation_id=user.organisation_id if works else None,
        unit_ids=user.unit_ids() if works else [],
        works_with_cases=works,
    )
    if not works:
        return scope
    scope.now = now or timezone.now()
    scope.person_bases = scope.bases_for(PERSON)
    scope.case_bases = scope.bases_for(CASE)
    scope.incident_bases = scope.bases_for("incidents")
    scope.journal_bases = scope.bases_for("journal")
    return scope


_ORDER = ("valid_from", "id")  # the first covering basis is the one recorded


def _person_basis(scope: Scope, flag: str) -> Callable[[int], SharingBasis | None]:
    def lookup(person_id: int) -> SharingBasis | None:
        return (
            scope.active_bases()
            .filter(**{"subject_id": person_id, flag: True})
            .order_by(*_ORDER)
            .first()
        )

    return lookup


def _case_basis(scope: Scope, flag: str) -> Callable[[int], SharingBasis | None]:
    def lookup(case_id: int) -> SharingBasis | None:
        parties = Party.objects.filter(case_id=case_id).values("person_id")
        return (
            scope.active_bases()
            .filter(**{flag: True})
            .filter(Q(case_id=case_id) | Q(case_id__isnull=True, subject_id__in=parties))
            .order_by(*_ORDER)
            .first()
        )

    return lookup


# --- Querysets: the only way to list protected rows -------------------------------------------


def _other_side(scope: Scope) -> list[tuple[int, int]]:
    """(organisation, unit) of the other agency in each of the user's units: where the rows lie
    that bases given to the user's organisation disclose (the sharing actions ensure it)."""
    pairs = []
    for unit in Unit.objects.filter(pk__in=scope.unit_ids).order_by("pk"):
        for organisation_id in (unit.police_id, unit.social_services_id):
            if organisation_id != scope.organisation_id:
                pairs.append((organisation_id, unit.pk))
    return pairs


_WALK_BATCH = 200
_WALK_BATCH_MAX = 3200


def _after(fields: list[str], values: tuple[Any, ...]) -> Q:
    """Rows after `values` in ascending order by `fields` (keyset paging). The first field's
    `>=` comes first, so the database starts the index range there instead of at the beginning."""
    first, value = fields[0], values[0]
    if len(fields) == 1:
        return Q(**{f"{first}__gt": value})
    later = Q(**{f"{first}__gt": value}) | (Q(**{first: value}) & _after(fields[1:], values[1:]))
    return Q(**{f"{first}__gte": value}) & later


def _order_fields(walk: QuerySet[Person]) -> list[str]:
    fields = [str(name) for name in walk.query.order_by]
    if not fields or any(name.startswith("-") for name in fields) or fields[-1] not in ("id", "pk"):
        raise ValueError("the walk needs an ascending order that ends with the id")
    return fields


def shared_person_ids(
    scope: Scope, ordered: Callable[[QuerySet[Person]], QuerySet[Person]], limit: int
) -> list[int]:
    """Ids of up to `limit` of the other agency's persons per unit that the scope may see (and
    the break-the-glass ones), in the order `ordered` puts them (ascending, ending with the id).

    It walks the ids in that order in batches and asks which of each batch a basis covers, so
    the cost is that of the page: left to itself the planner reads every basis received first
    whenever the name is a common one. Each batch starts where the last ended (keyset paging,
    not an offset that reads the walked rows again) and is twice as large as the one before, up
    to a cap, so a common name with few shared persons costs a few queries, not one per 200.
    """
    if not scope.works_with_cases:
        return []
    found: dict[int, None] = {}
    # In the select list, the basis check is asked of each row the ordered, limited index scan
    # yields (a probe of the basis subject index); the planner cannot start from the bases.
    covered = Exists(scope.active_bases().filter(covers_person=True, subject_id=OuterRef("pk")))
    for organisation_id, unit_id in _other_side(scope):
        walk = ordered(Person.objects.filter(organisation_id=organisation_id, unit_id=unit_id))
        fields = _order_fields(walk)
        taken, size, last = 0, _WALK_BATCH, None
        while taken < limit:
            batch = walk if last is None else walk.filter(_after(fields, last))
            rows = list(batch.annotate(covered=covered).values_list("covered", *fields)[:size])
            for row in rows:
                if row[0] and taken < limit:
                    found[row[-1]] = None
                    taken += 1
            if len(rows) < size:
                break
            last, size = rows[-1][1:], min(size * 2, _WALK_BATCH_MAX)
    if scope.glass_persons:
        glass = ordered(Person.objects.filter(pk__in=scope.glass_persons))
        found.update(dict.fromkeys(glass.values_list("pk", flat=True)[:limit]))
    return list(found)


def shared_cases(scope: Scope) -> list[QuerySet[Case]]:
    """The other agency's cases the scope may see, as querysets to filter, order and cut apart
    and merge: one per unit walks the case index and checks each row for a covering basis, so a
    page costs the same however many bases there are; one for break-the-glass."""
    if not scope.works_with_cases:
        return []
    bases = scope.active_bases().filter(covers_cases=True)
    # One correlated EXISTS through the parties: a basis covers a case when its subject is a
    # party and it names that case or none. A basis can only name a case its subject is a party
    # to (the sharing actions check it), so this is the same set as "names it, or covers a
    # party"; written this way it is probed row by row along the index, stopping at a page.
    covering = bases.filter(subject_id=OuterRef("person_id")).filter(
        Q(case_id__isnull=True) | Q(case_id=OuterRef(OuterRef("pk")))
    )
    covered = Exists(Party.objects.filter(case_id=OuterRef("pk")).filter(Exists(covering)))
    parts = [
        Case.objects.filter(covered, organisation_id=organisation_id, unit_id=unit_id)
        for organisation_id, unit_id in _other_side(scope)
    ]
    if scope.glass_cases:
        parts.append(Case.objects.filter(pk__in=scope.glass_cases))
    return parts


def persons_visible_to(user: User, scope: Scope | None = None) -> QuerySet[Person]:
    scope = scope or scope_for(user)
    shared = Q(pk__in=scope.shared_person_ids()) | Q(pk__in=scope.glass_persons)
    return Person.objects.filter(scope.own() | shared)


def cases_visible_to(user: User, scope: Scope | None = None) -> QuerySet[Case]:
    scope = scope or scope_for(user)
    shared = scope.shared_cases_q() | Q(pk__in=scope.glass_cases)
    return Case.objects.filter(scope.own() | shared)


def case_rows_visible_to(
    user: User,
    queryset: QuerySet[M],
    category: str,
    case_field: str = "case",
    scope: Scope | None = None,
) -> QuerySet[M]:
    """The rows of a case-level category (incidents, journal, risk assessments, safety plans…)
    the user may see: those of own cases (A1), and those of the other agency's cases while an
    active basis covers the category (A2; such a basis covers the case too), or break-the-glass.
    `case_field` names the row's foreign key to its case."""
    if BY_KEY[category].level != "case":
        raise ValueError(f"{category} is not a case-level category")
    scope = scope or scope_for(user)
    shared = scope.shared_cases_q(f"{case_field}_id", field_of(category)) | Q(
        **{f"{case_field}_id__in": scope.glass_cases}
    )
    return queryset.filter(scope.own(f"{case_field}__") | shared)


def person_rows_visible_to(
    user: User,
    queryset: QuerySet[M],
    category: str,
    person_field: str = "person",
    scope: Scope | None = None,
) -> QuerySet[M]:
    """The rows of a person-level category (contact details, support and treatment status…) the
    user may see: about own persons (A1), and about the other agency's persons while an active
    basis covers the category (A2), or break-the-glass. `person_field` names the foreign key."""
    if BY_KEY[category].level != "person":
        raise ValueError(f"{category} is not a person-level category")
    scope = scope or scope_for(user)
    shared = Q(**{f"{person_field}_id__in": scope.shared_person_ids(field_of(category))}) | Q(
        **{f"{person_field}_id__in": scope.glass_persons}
    )
    return queryset.filter(scope.own(f"{person_field}__") | shared)


def incidents_visible_to(user: User, scope: Scope | None = None) -> QuerySet[Incident]:
    return case_rows_visible_to(user, Incident.objects.all(), "incidents", scope=scope)


def journal_visible_to(user: User, scope: Scope | None = None) -> QuerySet[JournalEntry]:
    return case_rows_visible_to(user, JournalEntry.objects.all(), "journal", scope=scope)


def reports_visible_to(user: User, scope: Scope | None = None) -> QuerySet[ReportOfConcern]:
    """Reports of concern: the reporting organisation's own (A1), and for the recipient
    organisation of the unit every report once it is sent (the orosanmälan basis)."""
    scope = scope or scope_for(user)
    received = Q(
        recipient_id=scope.organisation_id,
        unit_id__in=scope.unit_ids,
        status__in=[ConcernStatus.SENT, ConcernStatus.RECEIVED, ConcernStatus.RESPONDED],
    )
    if not scope.works_with_cases:
        return ReportOfConcern.objects.none()
    return ReportOfConcern.objects.filter(scope.own() | received)


def get_report_for(user: User, pk: int) -> Access[ReportOfConcern]:
    """A report of concern the user may see, with the basis it crosses the wall on; else 404."""
    scope = scope_for(user)
    report = (
        reports_visible_to(user, scope)
        .filter(pk=pk)
        .select_related("case", "child", "basis", "organisation", "recipient", "unit")
        .first()
    )
    if report is None:
        raise Http404
    own = scope.is_own(report.organisation_id, report.unit_id)
    return Access(
        report, scope, cross_wall=not own, basis=None if own else report.basis, break_glass=False
    )


# --- Single rows: fetched and checked together ------------------------------------------------


@dataclass(frozen=True)
class Access(Generic[T]):
    """A row the user may see, and why."""

    obj: T
    scope: Scope
    cross_wall: bool
    basis: SharingBasis | None
    break_glass: bool

    @property
    def editable(self) -> bool:
        return not self.cross_wall and self.scope.user.can(Cap.EDIT_CASE_DATA)


def _access(
    scope: Scope,
    obj: T,
    owner: tuple[int, int],
    bases: Bases,
    glass: set[int],
    pk: int,
) -> Access[T]:
    if scope.is_own(*owner):
        return Access(obj, scope, cross_wall=False, basis=None, break_glass=False)
    if pk in bases:
        return Access(obj, scope, cross_wall=True, basis=bases[pk], break_glass=False)
    if pk in glass and scope.works_with_cases:
        return Access(obj, scope, cross_wall=True, basis=None, break_glass=True)
    raise Http404


def get_person_for(user: User, pk: int, *, for_edit: bool = False) -> Access[Person]:
    """The person with this id if the user may see it (and edit it, if asked); else Http404."""
    scope = scope_for(user)
    person = Person.objects.filter(pk=pk).select_related("organisation", "unit").first()
    if person is None:
        raise Http404
    access = _access(
        scope,
        person,
        (person.organisation_id, person.unit_id),
        scope.person_bases,
        scope.glass_persons,
        person.pk,
    )
    if for_edit and not access.editable:
        raise Http404
    return access


def get_case_for(user: User, pk: int, *, for_edit: bool = False) -> Access[Case]:
    """The case with this id if the user may see it (and edit it, if asked); else Http404."""
    scope = scope_for(user)
    case = Case.objects.filter(pk=pk).select_related("organisation", "unit", "owner").first()
    if case is None:
        raise Http404
    access = _access(
        scope,
        case,
        (case.organisation_id, case.unit_id),
        scope.case_bases,
        scope.glass_cases,
        case.pk,
    )
    if for_edit and not access.editable:
        raise Http404
    return access


def sees_incidents(access: Access[Case]) -> bool:
    return (
        not access.cross_wall or access.break_glass or access.obj.pk in access.scope.incident_bases
    )


def sees_journal(access: Access[Case]) -> bool:
    return (
        not access.cross_wall or access.break_glass or access.obj.pk in access.scope.journal_bases
    )


def sees_case_category(access: Access[Case], category: str) -> bool:
    """Whether the user sees rows of this case-level category inside a case they opened."""
    return (
        not access.cross_wall
        or access.break_glass
        or access.obj.pk in access.scope.bases_for(category)
    )


def sees_person_category(access: Access[Person], category: str) -> bool:
    """Whether the user sees rows of this person-level category about a person they opened."""
    return (
        not access.cross_wall
        or access.break_glass
        or access.obj.pk in access.scope.bases_for(category)
    )


def narrowed_to_category(access: Access[M], category: str) -> Access[M] | None:
    """The access narrowed to rows of one category: own rows and break-the-glass unchanged;
    across the wall carrying the basis that covers the category (so the disclosure names it),
    or None when no basis covers it."""
    if not access.cross_wall or access.break_glass:
        return access
    basis = access.scope.bases_for(category).get(access.obj.pk)
    return dataclasses.replace(access, basis=basis) if basis else None


def category_basis(access: Access[Any], category: str) -> SharingBasis | None:
    """The basis a row of this category is shown under across the wall (for the disclosure)."""
    if not access.cross_wall or access.break_glass:
        return None
    return access.scope.bases_for(category).get(access.obj.pk)


def sees_person(scope: Scope, person: Person) -> bool:
    return sees_person_by_ids(scope, person.pk, person.organisation_id, person.unit_id)


def sees_person_by_ids(scope: Scope, person_id: int, organisation_id: int, unit_id: int) -> bool:
    """`sees_person` from the three ids it depends on (for the candidate lookup, which decides
    who is shown before it loads anyone)."""
    return (
        scope.is_own(organisation_id, unit_id)
        or person_id in scope.person_bases
        or person_id in scope.glass_persons
    )


def may_reveal_protected(access: Access[Person]) -> bool:
    """Rule A5: protected details only to the owning organisation's staff with the capability."""
    return not access.cross_wall and access.scope.user.can(Cap.REVEAL_PROTECTED)


def shows_contact_details(access: Access[Person]) -> bool:
    """Ordinary (unprotected) contact details: own organisation, or a basis covering contact
    details of the person (never under break-the-glass, never for a protected person: A5)."""
    if access.obj.is_protected:
        return False
    if not access.cross_wall:
        return True
    return access.basis is not None and access.obj.pk in access.scope.bases_for("contact")


def may_break_glass(user: User) -> bool:
    return user.can(Cap.BREAK_GLASS)


def find_for_break_glass(user: User, target: str, identifier: str) -> tuple[str, int] | None:
    """The row an emergency request names: a case reference or an identity number, looked up in
    the user's own units across both organisations (rule A7). The caller grants and logs access."""
    from igor.people.access import identity_query

    if not may_break_glass(user):
        return None
    units = user.unit_ids()
    if target == "case":
        case = Case.objects.filter(reference=identifier.strip(), unit_id__in=units).first()
        return ("case", case.pk) if case else None
    number = identity_query(identifier)
    if not number:
        return None
    person = Person.objects.filter(identity_number=number, unit_id__in=units).order_by("pk").first()
    return ("person", person.pk) if person else None


# --- Recording reads (A4, A8) --------------------------------------------------------------------


def audit_read(
    access: Access[Person] | Access[Case] | Access[ReportOfConcern],
    *,
    object_type: str,
    purpose: str,
    acting_role: str,
    person_id: int | None = None,
    case_id: int | None = None,
    object_id: int | None = None,
    data: dict[str, Any] | None = None,
    category: str | None = None,
) -> None:
    """One audit event for a read of personal data; across the wall also a disclosure.

    `object_id` names a row inside the loaded person or case (an incident, a journal entry) when
    that is what was read; `data` carries e.g. the ids a list returned; `category` the category
    of what was read, so the disclosure names the basis that covers that category.
    """
    obj = access.obj
    read_id = obj.pk if object_id is None else object_id
    assert isinstance(obj, Person | Case | ReportOfConcern)
    user = access.scope.user
    if access.cross_wall:
        record_disclosure(
            actor=user,
            from_organisation=obj.organisation,
            basis=(category_basis(access, category) if category else None) or access.basis,
            break_glass=access.break_glass,
            object_type=object_type,
            object_id=read_id,
            person_id=person_id,
            case_id=case_id,
            purpose=purpose,
            acting_role=acting_role,
            data=data,
        )
        return
    record(
        actor=user,
        verb="read",
        object_type=object_type,
        object_id=read_id,
        person_id=person_id,
        case_id=case_id,
        purpose=purpose,
        acting_role=acting_role,
        data=data,
    )
