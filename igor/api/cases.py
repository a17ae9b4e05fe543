"""Cases: list (with the page's filters), open, view."""

from __future__ import annotations

import datetime
from typing import Annotated, Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import Field

from igor.accounts.models import User
from igor.accounts.roles import Cap
from igor.api.auth import ActingRoleHeader, acting_role, caller
from igor.api.common import (
    LAST_PAGE,
    Id,
    InputSchema,
    NoNul,
    PageOut,
    Required,
    audited_list,
    checked_id,
    chosen_unit,
)
from igor.api.errors import BODY_ERRORS, responses
from igor.cases.access import list_cases
from igor.cases.actions import open_case
from igor.cases.forms import case_workers
from igor.cases.models import Case, Party
from igor.lib.web import Page
from igor.sharing import policy

router = Router(tags=["cases"])


class CaseFilters(Schema):
    status: Literal["open", "active", "closed", "all"] | None = Field(
        None, description="Left out: open and active cases"
    )
    mine: bool = Field(False, description="Only cases you own")
    reference: Annotated[str, Field(max_length=30), NoNul] = Field(
        "", description="Reference begins with"
    )
    sort: Literal["-opened_at", "opened_at", "-updated_at", "reference"] = "-opened_at"
    page: Annotated[int, Field(ge=1, le=LAST_PAGE)] = 1


class CaseIn(InputSchema):
    unit: Id | None = Field(None, description="One of your units; may be left out if you have one")
    title: Annotated[str, Required, Field(max_length=200), NoNul] = Field(
        description="A short description without names"
    )
    summary: Annotated[str, Field(max_length=5000), NoNul] = ""
    owner: Id | None = Field(None, description="A case worker of the unit; you if left out")


class StaffRef(Schema):
    id: int
    name: str


class PersonRef(Schema):
    id: int
    first_name: str
    last_name: str
    protected: bool


class PartyOut(Schema):
    role: str
    person: PersonRef | None = Field(description="Null when the person is not shared with you")


class CaseItem(Schema):
    id: int
    reference: str
    title: str
    status: str
    organisation_id: int
    unit_id: int
    owner: StaffRef | None
    opened_at: datetime.datetime
    updated_at: datetime.datetime
    closed_at: datetime.datetime | None
    shared: bool = Field(description="Seen outside your own organisation and units")


class CaseOut(CaseItem):
    summary: str
    parties: list[PartyOut]
    incidents_visible: bool = Field(description="Whether you may list the case's incidents")
    journal_visible: bool = Field(description="Whether you may read the case's journal")


class CasePage(PageOut):
    items: list[CaseItem]


def _staff(user: User | None) -> StaffRef | None:
    return StaffRef(id=user.pk, name=str(user)) if user else None


def _item(case: Case, *, shared: bool) -> CaseItem:
    return CaseItem(
        id=case.pk,
        reference=case.reference,
        title=case.title,
        status=case.status,
        organisation_id=case.organisation_id,
        unit_id=case.unit_id,
        owner=_staff(case.owner),
        opened_at=case.opened_at,
        updated_at=case.updated_at,
        closed_at=case.closed_at,
        shared=shared,
    )


def _out(access: policy.Access[Case]) -> CaseOut:
    case = access.obj
    parties = Party.objects.filter(case=case).select_related("person").order_by("role", "id")
    return CaseOut(
        **_item(case, shared=access.cross_wall).model_dump(),
        summary=case.summary,
        parties=[
            PartyOut(
                role=party.role,
                person=PersonRef(
                    id=party.person.pk,
                    first_name=party.person.first_name,
                    last_name=party.person.last_name,
                    protected=party.person.is_protected,
                )
                if policy.sees_person(access.scope, party.person)
                else None,
            )
            for party in parties
        ],
        incidents_visible=policy.sees_incidents(access),
        journal_visible=policy.sees_journal(access),
    )


def _page(user: User, page: Page[Case], *, purpose: str, role: str) -> CasePage:
    rows = audited_list(
        user, page.items, object_type="case", verb="read", purpose=purpose, role=role
    )
    return CasePage(
        items=[_item(case, shared=shared) for case, shared in rows],
        page=page.number,
        has_next=page.has_next,
    )


@router.get("", response=responses(200, CasePage, 422), operation_id="cases_list")
def cases_list(
    request: HttpRequest, filters: Query[CaseFilters], role: ActingRoleHeader = None
) -> CasePage:
    """The cases you may see, filtered and sorted as on the case list page."""
    user = caller(request, Cap.VIEW_CASE_DATA)
    chosen = filters.model_dump(exclude={"page"})
    chosen["status"] = chosen["status"] or ""
    page = list_cases(user, chosen, filters.page)
    return _page(user, page, purpose="api: list cases", role=acting_role(user, role))


@router.post("", response=responses(201, CaseOut, *BODY_ERRORS), operation_id="cases_create")
def cases_create(
    request: HttpRequest, payload: CaseIn, role: ActingRoleHeader = None
) -> Status[CaseOut]:
    """Open a case in your organisation and one of your units."""
    user = caller(request, Cap.EDIT_CASE_DATA)
    unit = chosen_unit(user, payload.unit)
    owner = None
    if payload.owner is not None:
        assert user.organisation_id is not None
        owner = case_workers(user.organisation_id, unit.pk).filter(pk=payload.owner).first()
        if owner is None:
            raise ValidationError({"owner": [_("The owner must work with cases in this unit.")]})
    case = open_case(
        actor=user,
        unit=unit,
        details={"title": payload.title, "summary": payload.summary, "owner": owner},
        acting_role=acting_role(user, role),
    )
    return Status(201, _out(policy.get_case_for(user, case.pk)))


@router.get("/{case_id}", response=responses(200, CaseOut, 404, 422), operation_id="cases_detail")
def cases_detail(request: HttpRequest, case_id: int, role: ActingRoleHeader = None) -> CaseOut:
    user = caller(request, Cap.VIEW_CASE_DATA)
    access = policy.get_case_for(user, checked_id(case_id))
    policy.audit_read(
        access,
        object_type="case",
        purpose="api: view case",
        acting_role=acting_role(user, role),
        case_id=access.obj.pk,
    )
    return _out(access)
