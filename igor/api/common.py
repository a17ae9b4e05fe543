"""Pieces every router uses: input text rules, page numbers, resolving ids, list auditing."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, TypeVar

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Query, Schema
from pydantic import AfterValidator, ConfigDict, Field

from igor.accounts.models import Organisation, Unit, User
from igor.audit.record import record
from igor.cases.models import Case
from igor.lib.web import PAGE_SIZE, Page, paginate
from igor.people.models import Person
from igor.sharing import policy

T = TypeVar("T", bound=Model)
Row = TypeVar("Row", Person, Case)

# The largest id either database stores; a larger number in a path can only be "not found".
_LARGEST_ID = 2**63 - 1
LAST_PAGE = 10_000


def _no_nul(value: str) -> str:
    # PostgreSQL cannot store NUL in text; refuse it here rather than fail inside the database.
    if "\x00" in value:
        raise ValueError("The text contains a NUL character.")
    return value


NoNul = AfterValidator(_no_nul)
Required = Field(min_length=1)
# An id in a request body; past what a database holds it is refused rather than looked up.
Id = Annotated[int, Field(ge=1, le=_LARGEST_ID)]


class InputSchema(Schema):
    """A request body: only the declared fields (no mass assignment), trimmed text."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class PageQuery(Schema):
    page: Annotated[int, Field(ge=1, le=LAST_PAGE, description="Page number, 25 per page")] = 1


PageParam = Query[PageQuery]


class PageOut(Schema):
    """A page without a total: counting every visible row is what becomes slow at a million."""

    page: int
    has_next: bool


def slice_page(rows: QuerySet[T], number: int) -> Page[T]:
    """A page of an ordered queryset, fetching one extra row to learn if there is more."""
    offset = (number - 1) * PAGE_SIZE
    return paginate(list(rows[offset : offset + PAGE_SIZE + 1]), number)


def checked_id(pk: int) -> int:
    """An id from a path; beyond what a database holds it is simply not found."""
    if not 0 < pk <= _LARGEST_ID:
        raise Http404
    return pk


def chosen_unit(user: User, unit_id: int | None) -> Unit:
    """One of the caller's units: the given one, or the only one; otherwise a field error."""
    units = list(user.units.all())
    if unit_id is None and len(units) == 1:
        return units[0]
    for unit in units:
        if unit.pk == unit_id:
            return unit
    raise ValidationError({"unit": [_("Choose one of your units.")]})


@transaction.atomic
def audited_list(
    user: User, rows: Sequence[Row], *, object_type: str, verb: str, purpose: str, role: str
) -> list[tuple[Row, bool]]:
    """The rows of one list answer, each with whether it is shared, and their audit trail.

    One event names every id returned; each row seen across the wall is also a disclosure with
    its basis (A4). The scope is taken afresh here, so a row whose basis was withdrawn since the
    list was read is left out rather than disclosed without one (A3).
    """
    scope = policy.scope_for(user)
    is_person = object_type == "person"
    bases = scope.person_bases if is_person else scope.case_bases
    glass = scope.glass_persons if is_person else scope.glass_cases
    shown: list[tuple[Row, policy.Access[Row] | None]] = []
    for row in rows:
        if scope.is_own(row.organisation_id, row.unit_id):
            shown.append((row, None))
            continue
        basis = bases.get(row.pk)  # one lookup per shared row, not every basis received
        if basis is not None or row.pk in glass:
            access = policy.Access(row, scope, cross_wall=True, basis=basis, break_glass=not basis)
            shown.append((row, access))
    record(
        actor=user,
        verb=verb,
        object_type=object_type,
        purpose=purpose,
        acting_role=role,
        data={"results": [row.pk for row, _ in shown]},
    )
    crossed = [access for _, access in shown if access is not None]
    organisations = Organisation.objects.in_bulk({a.obj.organisation_id for a in crossed})
    for access in crossed:
        row = access.obj
        row.organisation = organisations[row.organisation_id]
        policy.audit_read(
            access,
            object_type=object_type,
            purpose=purpose,
            acting_role=role,
            person_id=row.pk if is_person else None,
            case_id=None if is_person else row.pk,
        )
    return [(row, access is not None) for row, access in shown]
