"""Reading duplicate pairs, merges and repeat-perpetrator alerts, through the access policy.

Duplicate pairs and merges lie within one organisation and unit: only its own staff see them
(rule A1). An alert is seen by whoever may see its case, and its history lists only the earlier
cases that reader may see; the rest is counted, never named.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import Http404

from igor.accounts.models import User
from igor.cases.models import Case
from igor.people.models import DuplicatePair, DuplicateStatus, PersonMerge, RepeatAlert
from igor.sharing.policy import Access, Scope, cases_visible_to, scope_for

LIST_LIMIT = 100


def open_pairs(user: User) -> list[DuplicatePair]:
    scope = scope_for(user)
    pairs = DuplicatePair.objects.filter(scope.own(), status=DuplicateStatus.OPEN)
    return list(pairs.select_related("first", "second").order_by("-weight", "pk")[:LIST_LIMIT])


def get_pair_for(user: User, pk: int) -> DuplicatePair:
    pair = (
        DuplicatePair.objects.filter(scope_for(user).own(), pk=pk)
        .select_related("first", "second")
        .first()
    )
    if pair is None:
        raise Http404
    return pair


def recent_merges(user: User) -> list[PersonMerge]:
    own = scope_for(user).own("merged__")
    merges = PersonMerge.objects.filter(own, undone_at__isnull=True)
    return list(merges.select_related("survivor", "merged", "merged_by")[:20])


def get_merge_for(user: User, pk: int) -> PersonMerge:
    merge = PersonMerge.objects.filter(scope_for(user).own("merged__"), pk=pk).first()
    if merge is None:
        raise Http404
    return merge


@dataclass(frozen=True)
class AlertView:
    alert: RepeatAlert
    history: list[Case]  # earlier cases the reader may see
    hidden: int  # earlier cases of the organisation the reader may not see


def _view(alert: RepeatAlert, user: User, scope: Scope) -> AlertView:
    visible = cases_visible_to(user, scope).filter(pk__in=alert.earlier_case_ids)
    history = list(visible.order_by("-opened_at"))
    return AlertView(alert, history, len(alert.earlier_case_ids) - len(history))


def alerts_for(user: User) -> list[AlertView]:
    scope = scope_for(user)
    visible_cases = cases_visible_to(user, scope).values("pk")
    rows = RepeatAlert.objects.filter(case__in=visible_cases).select_related("case", "person")
    return [_view(alert, user, scope) for alert in rows[:LIST_LIMIT]]


def alerts_for_case(access: Access[Case]) -> list[AlertView]:
    """The alerts of a case the reader has already been allowed to open."""
    rows = RepeatAlert.objects.filter(case=access.obj).select_related("person")
    return [_view(alert, access.scope.user, access.scope) for alert in rows]
