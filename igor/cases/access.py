"""Reading cases: the case list and a case's visible contents, always through the policy."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from igor.accounts.models import User
from igor.cases.models import Case, CaseStatus, Incident, JournalEntry, Party, Relation
from igor.lib.web import PAGE_SIZE, Page, paginate
from igor.sharing import policy


def _filtered(queryset: QuerySet[Case], filters: dict[str, Any], user: User) -> QuerySet[Case]:
    status = filters.get("status") or ""
    if status == "":
        queryset = queryset.filter(status__in=[CaseStatus.OPEN, CaseStatus.ACTIVE])
    elif status != "all":
        queryset = queryset.filter(status=status)
    if filters.get("mine"):
        queryset = queryset.filter(owner=user)
    reference = (filters.get("reference") or "").strip()
    if reference:
        queryset = queryset.filter(reference__startswith=reference)
    return queryset


def list_cases(user: User, filters: dict[str, Any], number: int = 1) -> Page[Case]:
    """One page of the visible cases, filtered and sorted; own and shared queried apart."""
    scope = policy.scope_for(user)
    sort = filters.get("sort") or "-opened_at"
    ordering = [sort, "-id" if sort.startswith("-") else "id"]
    offset = (number - 1) * PAGE_SIZE
    own = _filtered(Case.objects.filter(scope.own()), filters, user).order_by(*ordering)
    rows = list(own.select_related("owner", "organisation")[: offset + PAGE_SIZE + 1])
    # The shared part is cut to the same length in the database: the first n of the merged
    # list are among the first n of each part, and the cost stays with the page, not the bases.
    shared_rows = [
        case
        for part in policy.shared_cases(scope)
        for case in _filtered(part, filters, user)
        .order_by(*ordering)
        .select_related("owner", "organisation")[: offset + PAGE_SIZE + 1]
    ]
    if shared_rows:
        rows = list(set(rows) | set(shared_rows))
        rows.sort(key=_sort_key(sort))
    return paginate(rows[offset:], number)


def _sort_key(sort: str) -> Any:
    field = sort.lstrip("-")
    if sort.startswith("-"):
        return lambda case: (_negate(getattr(case, field)), -case.pk)
    return lambda case: (getattr(case, field), case.pk)


def _negate(value: Any) -> Any:
    return -value.timestamp() if hasattr(value, "timestamp") else value


@dataclass
class CaseView:
    """What one user may see inside one case."""

    access: policy.Access[Case]
    parties: list[tuple[Party, bool]]  # (party, whether the person's details are visible)
    relations: list[Relation]
    incidents: list[Incident] | None  # None: not covered by the basis
    journal: list[JournalEntry] | None

    def timeline(self) -> list[tuple[Any, str, Any]]:
        """Incidents and journal entries in one list, newest first: (when, kind, item)."""
        events: list[tuple[Any, str, Any]] = [
            (i.occurred_at, "incident", i) for i in self.incidents or []
        ]
        events += [(j.written_at, "journal", j) for j in self.journal or []]
        case = self.access.obj
        events.append((case.opened_at, "opened", case))
        if case.closed_at:
            events.append((case.closed_at, "closed", case))
        return sorted(events, key=lambda event: event[0], reverse=True)


def case_view(access: policy.Access[Case]) -> CaseView:
    case = access.obj
    scope = access.scope
    parties = list(Party.objects.filter(case=case).select_related("person").order_by("role", "id"))
    relations = list(
        Relation.objects.filter(case=case).select_related("from_party__person", "to_party__person")
    )
    incidents = (
        list(Incident.objects.filter(case=case).order_by("-occurred_at", "-id"))
        if policy.sees_incidents(access)
        else None
    )
    journal = (
        list(
            JournalEntry.objects.filter(case=case)
            .select_related("author", "corrects")
            .order_by("-written_at", "-id")
        )
        if policy.sees_journal(access)
        else None
    )
    return CaseView(
        access=access,
        parties=[(party, policy.sees_person(scope, party.person)) for party in parties],
        relations=relations,
        incidents=incidents,
        journal=journal,
    )


def visible_incident(
    user: User, case_id: int, incident_id: int
) -> tuple[policy.Access[Case], Incident]:
    access = policy.get_case_for(user, case_id)
    incident = Incident.objects.filter(case=access.obj, pk=incident_id).first()
    if incident is None or not policy.sees_incidents(access):
        raise Http404
    return access, incident
