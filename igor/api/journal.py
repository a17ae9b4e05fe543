"""A case's journal: list, write, read one entry. Append-only: a correction is a new entry."""

from __future__ import annotations

import datetime
from typing import Annotated

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from pydantic import Field

from igor.accounts.roles import Cap
from igor.api.auth import ActingRoleHeader, acting_role, caller
from igor.api.cases import StaffRef
from igor.api.common import (
    Id,
    InputSchema,
    NoNul,
    PageOut,
    PageParam,
    Required,
    checked_id,
    slice_page,
)
from igor.api.errors import BODY_ERRORS, responses
from igor.cases.actions import write_journal_entry
from igor.cases.models import Case, JournalEntry
from igor.sharing import policy

router = Router(tags=["journal"])


class JournalIn(InputSchema):
    text: Annotated[str, Required, Field(max_length=10000), NoNul]
    corrects: Id | None = Field(None, description="The entry of this case that this one corrects")


class JournalOut(Schema):
    id: int
    case_id: int
    written_at: datetime.datetime
    author: StaffRef
    text: str
    corrects_id: int | None


class JournalPage(PageOut):
    items: list[JournalOut]


def _out(entry: JournalEntry) -> JournalOut:
    return JournalOut(
        id=entry.pk,
        case_id=entry.case_id,
        written_at=entry.written_at,
        author=StaffRef(id=entry.author.pk, name=str(entry.author)),
        text=entry.text,
        corrects_id=entry.corrects_id,
    )


def _readable(request: HttpRequest, case_id: int) -> policy.Access[Case]:
    access = policy.get_case_for(caller(request, Cap.VIEW_CASE_DATA), checked_id(case_id))
    if not policy.sees_journal(access):
        raise Http404
    return access


@router.get(
    "/{case_id}/journal",
    response=responses(200, JournalPage, 404, 422),
    operation_id="journal_list",
)
def journal_list(
    request: HttpRequest, case_id: int, paging: PageParam, role: ActingRoleHeader = None
) -> JournalPage:
    """The case's journal, newest entry first."""
    access = _readable(request, case_id)
    user = access.scope.user
    rows = (
        policy.journal_visible_to(user, access.scope)
        .filter(case_id=access.obj.pk)
        .select_related("author")
        .order_by("-written_at", "-id")
    )
    page = slice_page(rows, paging.page)
    policy.audit_read(
        access,
        object_type="case",
        purpose="api: list journal",
        acting_role=acting_role(user, role),
        case_id=access.obj.pk,
        data={"journal_entries": [e.pk for e in page.items]},
    )
    return JournalPage(
        items=[_out(e) for e in page.items], page=page.number, has_next=page.has_next
    )


@router.post(
    "/{case_id}/journal",
    response=responses(201, JournalOut, 404, *BODY_ERRORS),
    operation_id="journal_create",
)
def journal_create(
    request: HttpRequest, case_id: int, payload: JournalIn, role: ActingRoleHeader = None
) -> Status[JournalOut]:
    """Write an entry in the journal of a case of your own organisation and unit."""
    user = caller(request, Cap.EDIT_CASE_DATA)
    access = policy.get_case_for(user, checked_id(case_id), for_edit=True)
    corrected = None
    if payload.corrects is not None:
        corrected = (
            policy.journal_visible_to(user, access.scope)
            .filter(case_id=access.obj.pk, pk=payload.corrects)
            .first()
        )
        if corrected is None:
            raise ValidationError({"corrects": [_("You can only correct an entry in this case.")]})
    entry = write_journal_entry(
        actor=user,
        case=access.obj,
        text=payload.text,
        corrects=corrected,
        acting_role=acting_role(user, role),
    )
    return Status(201, _out(entry))


@router.get(
    "/{case_id}/journal/{entry_id}",
    response=responses(200, JournalOut, 404, 422),
    operation_id="journal_detail",
)
def journal_detail(
    request: HttpRequest, case_id: int, entry_id: int, role: ActingRoleHeader = None
) -> JournalOut:
    access = _readable(request, case_id)
    user = access.scope.user
    entry = (
        policy.journal_visible_to(user, access.scope)
        .filter(case_id=access.obj.pk, pk=checked_id(entry_id))
        .select_related("author")
        .first()
    )
    if entry is None:
        raise Http404
    policy.audit_read(
        access,
        object_type="journal_entry",
        purpose="api: view journal entry",
        acting_role=acting_role(user, role),
        case_id=access.obj.pk,
        object_id=entry.pk,
    )
    return _out(entry)
