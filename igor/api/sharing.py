"""A person's sharing: the consents and statutory disclosures about them, recording an oral
consent, and the disclosure register. For the person's own organisation only (the controller)."""

from __future__ import annotations

import datetime
from typing import Annotated, Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from pydantic import Field

from igor.accounts.roles import Cap
from igor.api.auth import ActingRoleHeader, acting_role, caller
from igor.api.common import Id, InputSchema, NoNul, PageOut, PageParam, Required, checked_id
from igor.api.errors import BODY_ERRORS, responses
from igor.audit.record import record
from igor.cases.models import Case
from igor.lib.web import PAGE_SIZE, paginate
from igor.people.models import Person
from igor.sharing import access as reading
from igor.sharing import actions, policy
from igor.sharing.categories import KEYS
from igor.sharing.models import SharingBasis

router = Router(tags=["sharing"])

CategoryKey = Literal[KEYS]  # type: ignore[valid-type]


class BasisOut(Schema):
    id: int
    kind: str
    ground: str
    recipient_id: int
    case_id: int | None
    categories: list[str]
    purpose: str
    given_by: str
    consent_form: str
    both_ways: bool
    valid_from: datetime.datetime
    valid_until: datetime.datetime | None
    approval: str
    status: str
    withdrawn_at: datetime.datetime | None
    replaces_id: int | None


class ConsentIn(InputSchema):
    categories: Annotated[list[CategoryKey], Field(min_length=1)]
    purpose: Annotated[str, Required, Field(max_length=300), NoNul]
    witness: Annotated[str, Required, Field(max_length=200), NoNul]
    given_by: Literal["subject", "guardian", "child"] = "subject"
    given_by_name: Annotated[str, Field(max_length=200), NoNul] = ""
    case: Id | None = Field(None, description="Only this case of the person")
    valid_from: datetime.datetime | None = None
    valid_until: datetime.datetime | None = None
    both_ways: bool = False


class DisclosureOut(Schema):
    at: datetime.datetime
    object_type: str
    object_id: int
    from_organisation_id: int
    to_organisation_id: int
    actor: str
    basis_id: int | None
    break_glass: bool


class DisclosurePage(PageOut):
    items: list[DisclosureOut]


def _out(basis: SharingBasis) -> BasisOut:
    return BasisOut(
        id=basis.pk,
        kind=basis.kind,
        ground=basis.ground,
        recipient_id=basis.recipient_id,
        case_id=basis.case_id,
        categories=basis.category_keys(),
        purpose=basis.purpose,
        given_by=basis.given_by,
        consent_form=basis.consent_form,
        both_ways=basis.both_ways,
        valid_from=basis.valid_from,
        valid_until=basis.valid_until,
        approval=basis.approval,
        status=basis.status_at(timezone.now()),
        withdrawn_at=basis.withdrawn_at,
        replaces_id=basis.replaces_id,
    )


def _own_person(request: HttpRequest, person_id: int) -> Person:
    user = caller(request, Cap.RECORD_SHARING)
    return policy.get_person_for(user, checked_id(person_id), for_edit=True).obj


@router.get(
    "/{person_id}/sharing",
    response=responses(200, list[BasisOut], 404, 422),
    operation_id="sharing_list",
)
def sharing_list(
    request: HttpRequest, person_id: int, role: ActingRoleHeader = None
) -> list[BasisOut]:
    """Every consent and statutory disclosure about the person, newest first, with its state."""
    person = _own_person(request, person_id)
    user = caller(request, Cap.RECORD_SHARING)
    record(
        actor=user,
        verb="read",
        object_type="sharing_bases",
        object_id=person.pk,
        person_id=person.pk,
        purpose="api: view sharing",
        acting_role=acting_role(user, role),
    )
    return [_out(basis) for basis in reading.bases_about(person)]


@router.post(
    "/{person_id}/consents",
    response=responses(201, BasisOut, 404, *BODY_ERRORS),
    operation_id="consents_create",
)
def consents_create(
    request: HttpRequest, person_id: int, payload: ConsentIn, role: ActingRoleHeader = None
) -> Status[BasisOut]:
    """Record the person's oral consent, given before a witness, for the other agency of the
    unit. (A written consent is recorded on the page, with its signed form.)"""
    person = _own_person(request, person_id)
    user = caller(request, Cap.RECORD_SHARING)
    case = None
    if payload.case is not None:
        case = Case.objects.filter(pk=payload.case, parties__person=person).first()
        if case is None:
            raise ValidationError({"case": [_("The person is not a party to that case.")]})
    unit = person.unit
    recipient = unit.social_services if person.organisation_id == unit.police_id else unit.police
    basis = actions.record_consent(
        actor=user,
        subject=person,
        recipient=recipient,
        purpose=payload.purpose,
        consent_form="oral",
        witness=payload.witness,
        categories=set(payload.categories),
        case=case,
        valid_from=payload.valid_from,
        valid_until=payload.valid_until,
        given_by=payload.given_by,
        given_by_name=payload.given_by_name,
        both_ways=payload.both_ways,
        acting_role=acting_role(user, role),
    )
    return Status(201, _out(basis))


@router.get(
    "/{person_id}/disclosures",
    response=responses(200, DisclosurePage, 404, 422),
    operation_id="disclosures_list",
)
def disclosures_list(
    request: HttpRequest, person_id: int, paging: PageParam, role: ActingRoleHeader = None
) -> DisclosurePage:
    """The disclosure register of the person: every read of their data by the other agency."""
    person = _own_person(request, person_id)
    user = caller(request, Cap.RECORD_SHARING)
    rows = reading.register_for_person(person)
    offset = (paging.page - 1) * PAGE_SIZE
    page = paginate(list(rows[offset : offset + PAGE_SIZE + 1]), paging.page)
    record(
        actor=user,
        verb="read",
        object_type="disclosure_register",
        object_id=person.pk,
        person_id=person.pk,
        purpose="api: disclosure register",
        acting_role=acting_role(user, role),
    )
    return DisclosurePage(
        items=[
            DisclosureOut(
                at=row.at,
                object_type=row.object_type,
                object_id=row.object_id,
                from_organisation_id=row.from_organisation_id,
                to_organisation_id=row.to_organisation_id,
                actor=str(row.actor),
                basis_id=row.basis_id,
                break_glass=row.break_glass,
            )
            for row in page.items
        ],
        page=page.number,
        has_next=page.has_next,
    )
