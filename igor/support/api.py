"""Support work over the API: a case's outreach contacts and referrals, your tasks, the providers.

The same access policy as the pages: the other organisation reads a case's support rows only
while a basis covers them (igor.support.access), and only the owning organisation writes.
"""

from __future__ import annotations

import datetime
from typing import Annotated

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from pydantic import Field

from igor.accounts.roles import Cap
from igor.api.auth import ActingRoleHeader, acting_role, caller
from igor.api.common import Id, InputSchema, NoNul, checked_id
from igor.api.errors import BODY_ERRORS, responses
from igor.cases.models import Party
from igor.sharing import policy
from igor.support import access as support_access
from igor.support import actions
from igor.support.models import (
    Answer,
    ContactMethod,
    ContactResult,
    Offer,
    OutreachContact,
    Referral,
    Task,
)

router = Router(tags=["support"])


class OutreachIn(InputSchema):
    person: Id = Field(description="A party of the case (person id)")
    method: ContactMethod
    planned_for: datetime.datetime | None = Field(None, description="Plan a contact for then")
    done_at: datetime.datetime | None = Field(None, description="Record a contact made then")
    result: ContactResult | None = None
    offer: Offer = Offer.NONE
    answer: Answer = Answer.NONE
    follow_up_on: datetime.date | None = None
    notes: Annotated[str, Field(max_length=4000), NoNul] = ""


class OutreachOut(Schema):
    id: int
    case_id: int
    person_id: int
    party_role: str
    method: str
    planned_for: datetime.datetime | None
    done_at: datetime.datetime | None
    attempt_number: int | None
    result: str
    offer: str
    offer_number: int | None
    answer: str
    follow_up_on: datetime.date | None
    cancelled_at: datetime.datetime | None = None  # a planned contact called off


class ReferralOut(Schema):
    id: int
    case_id: int
    person_id: int
    party_role: str
    provider_id: int
    provider: str
    purpose: str
    status: str
    sent_on: datetime.date
    answered_on: datetime.date | None
    started_on: datetime.date | None
    ended_on: datetime.date | None
    rejection_reason: str


class TaskOut(Schema):
    id: int
    title: str
    due_on: datetime.date
    source: str
    case_id: int | None
    assignee_id: int | None


class ProviderOut(Schema):
    id: int
    unit_id: int
    name: str
    kind: str
    contact: str
    capacity: int | None
    active: bool


class OutreachList(Schema):
    items: list[OutreachOut]


class ReferralList(Schema):
    items: list[ReferralOut]


class TaskList(Schema):
    items: list[TaskOut]


class ProviderList(Schema):
    items: list[ProviderOut]


def _outreach_out(contact: OutreachContact) -> OutreachOut:
    return OutreachOut(
        id=contact.pk,
        case_id=contact.case_id,
        person_id=contact.person_id,
        party_role=contact.party_role,
        method=contact.method,
        planned_for=contact.planned_for,
        done_at=contact.done_at,
        attempt_number=contact.attempt_number,
        result=contact.result,
        offer=contact.offer,
        offer_number=contact.offer_number,
        answer=contact.answer,
        follow_up_on=contact.follow_up_on,
        cancelled_at=contact.cancelled_at,
    )


@router.get(
    "/cases/{case_id}/outreach",
    response=responses(200, OutreachList, 404, 422),
    operation_id="outreach_list",
)
def outreach_list(
    request: HttpRequest, case_id: int, role: ActingRoleHeader = None
) -> OutreachList:
    """The case's outreach contacts, planned and made, newest first."""
    user = caller(request, Cap.VIEW_CASE_DATA)
    access = support_access.case_for(user, checked_id(case_id))
    rows = list(OutreachContact.objects.filter(case=access.obj).order_by("-recorded_at", "-id"))
    policy.audit_read(
        access,
        object_type="case_support",
        purpose="api: list outreach",
        acting_role=acting_role(user, role),
        case_id=access.obj.pk,
        data={"outreach_contacts": [row.pk for row in rows]},
    )
    return OutreachList(items=[_outreach_out(row) for row in rows])


@router.post(
    "/cases/{case_id}/outreach",
    response=responses(201, OutreachOut, 404, *BODY_ERRORS),
    operation_id="outreach_create",
)
def outreach_create(
    request: HttpRequest, case_id: int, payload: OutreachIn, role: ActingRoleHeader = None
) -> Status[OutreachOut]:
    """Plan a contact (`planned_for`) or record one made (`done_at`, `result`)."""
    user = caller(request, Cap.EDIT_CASE_DATA)
    case = policy.get_case_for(user, checked_id(case_id), for_edit=True).obj
    party = Party.objects.filter(case=case, person_id=payload.person).select_related("person")
    found = party.first()
    if found is None:
        raise ValidationError({"person": [_("Choose a party of this case.")]})
    common = {
        "actor": user,
        "case": case,
        "person": found.person,
        "method": payload.method,
        "notes": payload.notes,
        "acting_role": acting_role(user, role),
    }
    if payload.done_at is not None:
        contact = actions.record_outreach(
            **common,  # type: ignore[arg-type]
            done_at=payload.done_at,
            result=payload.result or "",
            offer=payload.offer,
            answer=payload.answer,
            follow_up_on=payload.follow_up_on,
        )
    elif payload.planned_for is not None:
        contact = actions.plan_outreach(**common, planned_for=payload.planned_for)  # type: ignore[arg-type]
    else:
        raise ValidationError({"done_at": [_("Give when the contact was made or is planned.")]})
    return Status(201, _outreach_out(contact))


@router.get(
    "/cases/{case_id}/referrals",
    response=responses(200, ReferralList, 404, 422),
    operation_id="referrals_list",
)
def referrals_list(
    request: HttpRequest, case_id: int, role: ActingRoleHeader = None
) -> ReferralList:
    """The case's referrals and where each stands."""
    user = caller(request, Cap.VIEW_CASE_DATA)
    access = support_access.case_for(user, checked_id(case_id))
    rows = list(Referral.objects.filter(case=access.obj).select_related("provider"))
    policy.audit_read(
        access,
        object_type="case_support",
        purpose="api: list referrals",
        acting_role=acting_role(user, role),
        case_id=access.obj.pk,
        data={"referrals": [row.pk for row in rows]},
    )
    return ReferralList(
        items=[
            ReferralOut(
                id=r.pk,
                case_id=r.case_id,
                person_id=r.person_id,
                party_role=r.party_role,
                provider_id=r.provider_id,
                provider=r.provider.name,
                purpose=r.purpose,
                status=r.status,
                sent_on=r.sent_on,
                answered_on=r.answered_on,
                started_on=r.started_on,
                ended_on=r.ended_on,
                rejection_reason=r.rejection_reason,
            )
            for r in rows
        ]
    )


@router.get(
    "/support/tasks",
    response=responses(200, TaskList),
    operation_id="tasks_list",
)
def tasks_list(request: HttpRequest) -> TaskList:
    """Your open tasks and your unit's, by due date."""
    user = caller(request, Cap.VIEW_CASE_DATA)
    rows: list[Task] = list(
        support_access.tasks_visible_to(user)
        .filter(done_at__isnull=True)
        .order_by("due_on", "pk")[:500]
    )
    return TaskList(
        items=[
            TaskOut(
                id=t.pk,
                title=t.title,
                due_on=t.due_on,
                source=t.source,
                case_id=t.case_id,
                assignee_id=t.assignee_id,
            )
            for t in rows
        ]
    )


@router.get(
    "/support/providers",
    response=responses(200, ProviderList),
    operation_id="providers_list",
)
def providers_list(request: HttpRequest) -> ProviderList:
    """The provider registries of your units."""
    user = caller(request, Cap.VIEW_CASE_DATA)
    return ProviderList(
        items=[
            ProviderOut(
                id=p.pk,
                unit_id=p.unit_id,
                name=p.name,
                kind=p.kind,
                contact=p.contact,
                capacity=p.capacity,
                active=p.active,
            )
            for p in support_access.providers_for(user).order_by("name", "pk")
        ]
    )
