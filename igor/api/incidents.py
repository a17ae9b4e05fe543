"""A case's incidents: list, record, view. Visible only where the case's incidents are shared."""

from __future__ import annotations

import datetime
from typing import Annotated

from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Router, Schema, Status
from pydantic import AfterValidator, Field

from igor.accounts.roles import Cap
from igor.api.auth import ActingRoleHeader, acting_role, caller
from igor.api.common import InputSchema, NoNul, PageOut, PageParam, checked_id, slice_page
from igor.api.errors import BODY_ERRORS, responses
from igor.cases.access import visible_incident
from igor.cases.actions import record_incident
from igor.cases.models import Incident, ViolenceKind
from igor.sharing import policy

router = Router(tags=["incidents"])


def _aware(moment: datetime.datetime) -> datetime.datetime:
    # A time without an offset is local time, as on the incident form.
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


def _distinct(kinds: list[ViolenceKind]) -> list[ViolenceKind]:
    return list(dict.fromkeys(kinds))


class IncidentIn(InputSchema):
    occurred_at: Annotated[datetime.datetime, AfterValidator(_aware)] = Field(
        description="When it happened; without an offset it is Swedish local time"
    )
    kinds: Annotated[list[ViolenceKind], Field(min_length=1, max_length=20)] = Field(
        description="At least one kind of violence"
    )
    place: Annotated[str, Field(max_length=200), NoNul] = ""
    police_report_number: Annotated[
        str, Field(max_length=30, pattern=r"^([Kk]?\d{1,9}(-\d{2})?)?$")
    ] = Field("", description="For example K123456-26")
    children_present: bool = False
    children_saw: bool = False
    children_heard: bool = False
    weapon: bool = False
    weapon_description: Annotated[str, Field(max_length=200), NoNul] = ""
    strangulation: bool = False
    injuries: Annotated[str, Field(max_length=2000), NoNul] = ""
    description: Annotated[str, Field(max_length=5000), NoNul] = ""


class IncidentOut(Schema):
    id: int
    case_id: int
    occurred_at: datetime.datetime
    kinds: list[str]
    place: str
    police_report_number: str
    children_present: bool
    children_saw: bool
    children_heard: bool
    weapon: bool
    weapon_description: str
    strangulation: bool
    injuries: str
    description: str
    created_at: datetime.datetime


class IncidentPage(PageOut):
    items: list[IncidentOut]


def _out(incident: Incident) -> IncidentOut:
    return IncidentOut(
        id=incident.pk,
        case_id=incident.case_id,
        occurred_at=incident.occurred_at,
        kinds=list(incident.kinds),
        place=incident.place,
        police_report_number=incident.police_report_number,
        children_present=incident.children_present,
        children_saw=incident.children_saw,
        children_heard=incident.children_heard,
        weapon=incident.weapon,
        weapon_description=incident.weapon_description,
        strangulation=incident.strangulation,
        injuries=incident.injuries,
        description=incident.description,
        created_at=incident.created_at,
    )


@router.get(
    "/{case_id}/incidents",
    response=responses(200, IncidentPage, 404, 422),
    operation_id="incidents_list",
)
def incidents_list(
    request: HttpRequest, case_id: int, paging: PageParam, role: ActingRoleHeader = None
) -> IncidentPage:
    """The case's incidents, newest first."""
    user = caller(request, Cap.VIEW_CASE_DATA)
    access = policy.get_case_for(user, checked_id(case_id))
    if not policy.sees_incidents(access):
        raise Http404
    rows = (
        policy.incidents_visible_to(user, access.scope)
        .filter(case_id=access.obj.pk)
        .order_by("-occurred_at", "-id")
    )
    page = slice_page(rows, paging.page)
    policy.audit_read(
        access,
        object_type="case",
        purpose="api: list incidents",
        acting_role=acting_role(user, role),
        case_id=access.obj.pk,
        data={"incidents": [i.pk for i in page.items]},
    )
    return IncidentPage(
        items=[_out(i) for i in page.items], page=page.number, has_next=page.has_next
    )


@router.post(
    "/{case_id}/incidents",
    response=responses(201, IncidentOut, 404, *BODY_ERRORS),
    operation_id="incidents_create",
)
def incidents_create(
    request: HttpRequest, case_id: int, payload: IncidentIn, role: ActingRoleHeader = None
) -> Status[IncidentOut]:
    """Record an incident in a case of your own organisation and unit."""
    user = caller(request, Cap.EDIT_CASE_DATA)
    case = policy.get_case_for(user, checked_id(case_id), for_edit=True).obj
    details = payload.model_dump()
    details["police_report_number"] = details["police_report_number"].upper()
    details["kinds"] = [str(kind) for kind in _distinct(payload.kinds)]
    incident = record_incident(
        actor=user, case=case, details=details, acting_role=acting_role(user, role)
    )
    return Status(201, _out(incident))


@router.get(
    "/{case_id}/incidents/{incident_id}",
    response=responses(200, IncidentOut, 404, 422),
    operation_id="incidents_detail",
)
def incidents_detail(
    request: HttpRequest, case_id: int, incident_id: int, role: ActingRoleHeader = None
) -> IncidentOut:
    user = caller(request, Cap.VIEW_CASE_DATA)
    access, incident = visible_incident(user, checked_id(case_id), checked_id(incident_id))
    policy.audit_read(
        access,
        object_type="incident",
        purpose="api: view incident",
        acting_role=acting_role(user, role),
        case_id=access.obj.pk,
        object_id=incident.pk,
    )
    return _out(incident)
