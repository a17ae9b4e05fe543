"""Reports of concern about children (orosanmälan) in the JSON API: the police draft and send
them; social services receive them and give feedback by the due date.

The same actions, messages and access policy as the pages: a report is loaded through
`policy.get_report_for`, and a step is offered only to the side whose step it is (the sender's
steps on the reporting organisation's own reports, the recipient's on reports received across the
wall); to anyone else the report is not found.
"""

from __future__ import annotations

import datetime
from typing import Annotated

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from pydantic import Field

from igor.accounts.models import User
from igor.accounts.roles import Cap
from igor.api.auth import ActingRoleHeader, acting_role, caller
from igor.api.common import Id, InputSchema, NoNul, PageOut, PageParam, checked_id, slice_page
from igor.api.errors import BODY_ERRORS, responses
from igor.audit.record import record
from igor.cases.models import Incident, Party
from igor.sharing import actions, policy
from igor.sharing.models import ReportOfConcern

router = Router(tags=["reports of concern"])


class ConcernIn(InputSchema):
    child: Id = Field(description="A person who is a party to the case as a child")
    concern: Annotated[str, Field(max_length=5000), NoNul]
    justification: Annotated[str, Field(max_length=2000), NoNul]
    incident: Id | None = Field(None, description="An incident of the same case")


class ResponseIn(InputSchema):
    response: Annotated[str, Field(max_length=5000), NoNul]


class ConcernOut(Schema):
    id: int
    case_id: int
    child_id: int
    incident_id: int | None
    organisation_id: int
    recipient_id: int
    incoming: bool = Field(description="Received from the other agency (not your own report)")
    status: str
    concern: str
    justification: str
    child_witnessed: bool
    created_at: datetime.datetime
    sent_at: datetime.datetime | None
    sent_by: str | None
    basis_id: int | None
    received_at: datetime.datetime | None
    response_due: datetime.date | None
    overdue: bool
    response: str
    responded_at: datetime.datetime | None


class ConcernPage(PageOut):
    items: list[ConcernOut]


def _out(report: ReportOfConcern, incoming: bool) -> ConcernOut:
    sender: User | None = report.sent_by
    return ConcernOut(
        id=report.pk,
        case_id=report.case_id,
        child_id=report.child_id,
        incident_id=report.incident_id,
        organisation_id=report.organisation_id,
        recipient_id=report.recipient_id,
        incoming=incoming,
        status=report.status,
        concern=report.concern,
        justification=report.justification,
        child_witnessed=report.child_witnessed,
        created_at=report.created_at,
        sent_at=report.sent_at,
        sent_by=(sender.get_full_name() or sender.get_username()) if sender else None,
        basis_id=report.basis_id,
        received_at=report.received_at,
        response_due=report.response_due,
        overdue=report.is_overdue(timezone.localdate()),
        response=report.response,
        responded_at=report.responded_at,
    )


def _report(request: HttpRequest, report_id: int, *, incoming: bool) -> ReportOfConcern:
    """A report the caller may act on from their side: their own (incoming=False) or one
    received across the wall (incoming=True); anything else is not found."""
    user = caller(request, Cap.RECORD_SHARING)
    access = policy.get_report_for(user, checked_id(report_id))
    if access.cross_wall != incoming:
        raise Http404
    return access.obj


@router.post(
    "/cases/{case_id}/concerns",
    response=responses(201, ConcernOut, 404, *BODY_ERRORS),
    operation_id="concerns_create",
)
def concerns_create(
    request: HttpRequest, case_id: int, payload: ConcernIn, role: ActingRoleHeader = None
) -> Status[ConcernOut]:
    """Draft a report of concern about a child of a police case. Nothing leaves the police
    until it is sent."""
    user = caller(request, Cap.RECORD_SHARING)
    case = policy.get_case_for(user, checked_id(case_id), for_edit=True).obj
    party = (
        Party.objects.filter(case=case, person_id=payload.child).select_related("person").first()
    )
    if party is None:
        raise ValidationError({"child": [_("Choose a child who is a party to the case.")]})
    incident = None
    if payload.incident is not None:
        incident = Incident.objects.filter(case=case, pk=payload.incident).first()
        if incident is None:
            raise ValidationError({"incident": [_("The incident belongs to another case.")]})
    report = actions.draft_report_of_concern(
        actor=user,
        case=case,
        child=party.person,
        concern=payload.concern,
        justification=payload.justification,
        incident=incident,
        acting_role=acting_role(user, role),
    )
    return Status(201, _out(report, incoming=False))


@router.get(
    "/concerns",
    response=responses(200, ConcernPage, 422),
    operation_id="concerns_list",
)
def concerns_list(
    request: HttpRequest, paging: PageParam, role: ActingRoleHeader = None
) -> ConcernPage:
    """Your organisation's reports, and the reports sent to your organisation in your units
    (social services' queue), newest first."""
    user = caller(request, Cap.RECORD_SHARING)
    rows = policy.reports_visible_to(user).select_related("sent_by").order_by("-created_at", "-id")
    page = slice_page(rows, paging.page)
    record(
        actor=user,
        verb="read",
        object_type="report_of_concern_list",
        purpose="api: reports of concern",
        acting_role=acting_role(user, role),
        data={"ids": [report.pk for report in page.items]},
    )
    return ConcernPage(
        items=[_out(r, incoming=r.organisation_id != user.organisation_id) for r in page.items],
        page=page.number,
        has_next=page.has_next,
    )


@router.get(
    "/concerns/{report_id}",
    response=responses(200, ConcernOut, 404, 422),
    operation_id="concerns_detail",
)
def concerns_detail(
    request: HttpRequest, report_id: int, role: ActingRoleHeader = None
) -> ConcernOut:
    """One report; read by the recipient it is a disclosure under its orosanmälan basis."""
    user = caller(request, Cap.RECORD_SHARING)
    access = policy.get_report_for(user, checked_id(report_id))
    report = access.obj
    policy.audit_read(
        access,
        object_type="report_of_concern",
        purpose="api: view report of concern",
        acting_role=acting_role(user, role),
        person_id=report.child_id,
        case_id=report.case_id,
    )
    return _out(report, incoming=access.cross_wall)


@router.post(
    "/concerns/{report_id}/send",
    response=responses(200, ConcernOut, 404, 422),
    operation_id="concerns_send",
)
def concerns_send(
    request: HttpRequest, report_id: int, role: ActingRoleHeader = None
) -> ConcernOut:
    """Send a drafted report: stamped with the time and you as the reporter, and the
    orosanmälan basis that lets social services see the child and the case is recorded."""
    user = caller(request, Cap.RECORD_SHARING)
    report = _report(request, report_id, incoming=False)
    sent = actions.send_report_of_concern(
        actor=user, report=report, acting_role=acting_role(user, role)
    )
    return _out(sent, incoming=False)


@router.post(
    "/concerns/{report_id}/receive",
    response=responses(200, ConcernOut, 404, 422),
    operation_id="concerns_receive",
)
def concerns_receive(
    request: HttpRequest, report_id: int, role: ActingRoleHeader = None
) -> ConcernOut:
    """Take a report sent to your unit: received now, feedback to the reporter due within the
    configured number of days."""
    user = caller(request, Cap.RECORD_SHARING)
    report = _report(request, report_id, incoming=True)
    received = actions.receive_report_of_concern(
        actor=user, report=report, acting_role=acting_role(user, role)
    )
    return _out(received, incoming=True)


@router.post(
    "/concerns/{report_id}/respond",
    response=responses(200, ConcernOut, 404, *BODY_ERRORS),
    operation_id="concerns_respond",
)
def concerns_respond(
    request: HttpRequest, report_id: int, payload: ResponseIn, role: ActingRoleHeader = None
) -> ConcernOut:
    """Record the feedback to the reporter on a received report."""
    user = caller(request, Cap.RECORD_SHARING)
    report = _report(request, report_id, incoming=True)
    answered = actions.respond_to_report_of_concern(
        actor=user, report=report, response=payload.response, acting_role=acting_role(user, role)
    )
    return _out(answered, incoming=True)
