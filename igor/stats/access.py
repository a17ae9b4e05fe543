"""Who sees which figures and studies (rule A6), on top of the access policy.

- Everyone with the statistics capability sees the national figures (pooled, suppressed).
- A unit lead sees the figures of the units the policy gives them (their own units).
- A researcher sees the units of the studies they are named on, and never a person: only the
  dashboard and the pseudonymised extracts of their own studies.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from igor.accounts.models import Unit, User
from igor.accounts.roles import Cap, Role
from igor.sharing import policy
from igor.stats.models import Extract, Study


def unit_ids_for(user: User) -> list[int]:
    """The units whose own figures the user may see."""
    if not user.can(Cap.VIEW_STATISTICS):
        return []
    if user.role == Role.RESEARCHER:
        ids = Study.objects.filter(researcher=user).values_list("units", flat=True)
        return sorted({pk for pk in ids if pk is not None})
    return sorted(policy.scope_for(user).unit_ids)


def units_for(user: User) -> list[Unit]:
    return list(Unit.objects.filter(pk__in=unit_ids_for(user)).order_by("name"))


def may_register_studies(user: User) -> bool:
    """Studies are registered by a unit lead for their own units: the controllers' side."""
    return user.can(Cap.REGISTER_STUDIES)


def studies_visible_to(user: User) -> QuerySet[Study]:
    if not user.can(Cap.VIEW_STATISTICS):
        return Study.objects.none()
    if user.role == Role.RESEARCHER:
        return Study.objects.filter(researcher=user)
    own = policy.scope_for(user).unit_ids
    # A lead sees the studies of which every unit is one of theirs.
    links = Study.units.through.objects
    outside = links.exclude(unit_id__in=own).values("study_id")
    inside = links.filter(unit_id__in=own).values("study_id")
    return Study.objects.filter(pk__in=inside).exclude(pk__in=outside)


def get_study_for(user: User, pk: int) -> Study:
    study = studies_visible_to(user).filter(pk=pk).first()
    if study is None:
        raise Http404
    return study


def get_extract_for(user: User, study: Study, pk: int) -> Extract:
    extract = Extract.objects.filter(study=study, pk=pk).first()
    if extract is None:
        raise Http404
    return extract
