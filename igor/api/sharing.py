"""A person's sharing: the consents and statutory disclosures about them, recording an oral
consent or a statutory disclosure, and the disclosure register. For the person's own organisation
only (the controller). The unit lead's approvals and the unit's register are under /sharing/.

Every write goes through igor/sharing/actions.py, the same actions and messages as the pages.
"""

from __future__ import annotations

import datetime
from typing import Annotated, Literal

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from ninja.errors import ValidationError as NinjaValidationError
from pydantic import Field

from igor.accounts.models import Organisation, User
from igor.accounts.roles import Cap
from igor.api.auth import ActingRoleHeader, acting_role, caller
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
from igor.api.errors import BODY_ERRORS, field_errors, responses
from igor.audit.models import Disclosure
from igor.audit.record import record
from igor.cases.models import Case
from igor.people.models import Person
from igor.sharing import access as reading
from igor.sharing import actions, policy
from igor.sharing.categories import KEYS
from igor.sharing.grounds import grounds
from igor.sharing.models import BasisKind, SharingBasis

router = Router(tags=["sharing"])
# Under /sharing/: what is not about one person (approvals, the unit's register, one basis).
unit_router = Router(tags=["sharing"])

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


class BasisDetailOut(BasisOut):
    """One basis in full: for a statutory disclosure its ground, the conditions confirmed, the
    fields the ground requires, and the unit lead's decision."""

    subject_id: int
    organisation_id: int
    ground_label: str
    conditions: list[str]
    details: dict[str, str]
    recorded_at: datetime.datetime
    recorded_by: str
    decided_by: str | None
    decided_at: datetime.datetime | None
    decision_note: str


class BasisDetailPage(PageOut):
    items: list[BasisDetailOut]


DetailText = Annotated[str, Field(max_length=2000), NoNul]


class StatutoryIn(InputSchema):
    ground: Annotated[str, Field(max_length=20), NoNul] = Field(
        description="Key of a ground from GET /sharing/grounds"
    )
    conditions: list[Annotated[str, Field(max_length=40)]] = Field(
        default_factory=list, description="Keys of the ground's conditions you confirm (all)"
    )
    details: dict[Annotated[str, Field(max_length=40)], DetailText] = Field(
        default_factory=dict, description="Every field the ground requires, by its key"
    )
    categories: Annotated[list[CategoryKey], Field(min_length=1)]
    purpose: Annotated[str, Field(max_length=300), NoNul]
    case: Id | None = Field(None, description="Only this case of the person")
    valid_until: datetime.datetime | None = None


class DecisionIn(InputSchema):
    decision: Literal["approve", "refuse"]
    note: Annotated[str, Field(max_length=500), NoNul] = ""


class GroundItemOut(Schema):
    key: str
    text: str


class GroundOut(Schema):
    key: str
    law: str
    label: str
    note: str
    from_kind: str
    to_kind: str
    needs_approval: bool
    verified: bool
    conditions: list[GroundItemOut]
    fields: list[GroundItemOut]


class GroundList(Schema):
    items: list[GroundOut]


class DisclosureOut(Schema):
    at: datetime.datetime
    object_type: str
    object_id: int
    person_id: int | None
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


def _name(user: User | None) -> str | None:
    return None if user is None else (user.get_full_name() or user.get_username())


def _detail_out(basis: SharingBasis) -> BasisDetailOut:
    return BasisDetailOut(
        **_out(basis).model_dump(),
        subject_id=basis.subject_id,
        organisation_id=basis.organisation_id,
        ground_label=basis.ground_label() if basis.ground else "",
        conditions=sorted(key for key, confirmed in basis.conditions.items() if confirmed),
        details=basis.details_dict(),
        recorded_at=basis.recorded_at,
        recorded_by=_name(basis.recorded_by) or "",
        decided_by=_name(basis.decided_by),
        decided_at=basis.decided_at,
        decision_note=basis.decision_note,
    )


def _own_person(request: HttpRequest, person_id: int) -> Person:
    user = caller(request, Cap.RECORD_SHARING)
    return policy.get_person_for(user, checked_id(person_id), for_edit=True).obj


def _case_of(person: Person, case_id: int | None) -> Case | None:
    """The case a basis is limited to: one the person is a party to, else a field error."""
    if case_id is None:
        return None
    case = Case.objects.filter(pk=case_id, parties__person=person).first()
    if case is None:
        raise ValidationError({"case": [_("The person is not a party to that case.")]})
    return case


def _recipient(person: Person) -> Organisation:
    """The other agency of the person's unit: the only possible recipient."""
    unit = person.unit
    return unit.social_services if person.organisation_id == unit.police_id else unit.police


def _located(error: ValidationError) -> NinjaValidationError:
    """The action's errors, with a field the ground requires located in `details`, as sent."""
    found = field_errors(error)
    for item in found:
        name = str(item["loc"][-1])
        if len(item["loc"]) == 2 and name.startswith("detail_"):
            item["loc"] = ["body", "details", name.removeprefix("detail_")]
    return NinjaValidationError(found)


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
    basis = actions.record_consent(
        actor=user,
        subject=person,
        recipient=_recipient(person),
        purpose=payload.purpose,
        consent_form="oral",
        witness=payload.witness,
        categories=set(payload.categories),
        case=_case_of(person, payload.case),
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
    page = _register_page(reading.register_for_person(person), paging.page)
    record(
        actor=user,
        verb="read",
        object_type="disclosure_register",
        object_id=person.pk,
        person_id=person.pk,
        purpose="api: disclosure register",
        acting_role=acting_role(user, role),
    )
    return page


def _register_page(rows: QuerySet[Disclosure], number: int) -> DisclosurePage:
    page = slice_page(rows, number)
    return DisclosurePage(
        items=[
            DisclosureOut(
                at=row.at,
                object_type=row.object_type,
                object_id=row.object_id,
                person_id=row.person_id,
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


# --- Statutory disclosures -------------------------------------------------------------------------


@router.post(
    "/{person_id}/statutory",
    response=responses(201, BasisDetailOut, 404, *BODY_ERRORS),
    operation_id="statutory_create",
)
def statutory_create(
    request: HttpRequest, person_id: int, payload: StatutoryIn, role: ActingRoleHeader = None
) -> Status[BasisDetailOut]:
    """Request a disclosure to the other agency under a ground from the closed list (GET
    /sharing/grounds): every condition confirmed, every field the ground requires filled in
    (422 names each one missing). A ground that needs approval shows nothing until a unit lead
    other than you approves it."""
    person = _own_person(request, person_id)
    user = caller(request, Cap.RECORD_SHARING)
    try:
        basis = actions.record_statutory_basis(
            actor=user,
            subject=person,
            recipient=_recipient(person),
            ground=payload.ground,
            conditions=dict.fromkeys(payload.conditions, True),
            details=payload.details,
            purpose=payload.purpose,
            categories=set(payload.categories),
            case=_case_of(person, payload.case),
            valid_until=payload.valid_until,
            acting_role=acting_role(user, role),
        )
    except ValidationError as error:
        raise _located(error) from error
    return Status(201, _detail_out(basis))


@router.get(
    "/{person_id}/statutory",
    response=responses(200, list[BasisDetailOut], 404, 422),
    operation_id="statutory_list",
)
def statutory_list(
    request: HttpRequest, person_id: int, role: ActingRoleHeader = None
) -> list[BasisDetailOut]:
    """The statutory disclosures about the person, newest first, with their conditions, the
    fields recorded and the approval decision."""
    person = _own_person(request, person_id)
    user = caller(request, Cap.RECORD_SHARING)
    bases = [b for b in reading.bases_about(person) if b.kind == BasisKind.STATUTORY]
    record(
        actor=user,
        verb="read",
        object_type="sharing_bases",
        object_id=person.pk,
        person_id=person.pk,
        purpose="api: view statutory disclosures",
        acting_role=acting_role(user, role),
    )
    return [_detail_out(basis) for basis in bases]


@unit_router.get(
    "/grounds",
    response=responses(200, GroundList),
    operation_id="grounds_list",
)
def grounds_list(request: HttpRequest) -> GroundList:
    """The closed list of statutory grounds: direction, the conditions to confirm and the fields
    each requires (keys to use in a request), and whether the unit lead must approve."""
    caller(request, Cap.RECORD_SHARING)
    return GroundList(
        items=[
            GroundOut(
                key=rule.key,
                law=rule.law,
                label=rule.label,
                note=rule.note,
                from_kind=rule.from_kind,
                to_kind=rule.to_kind,
                needs_approval=rule.needs_approval,
                verified=rule.verified,
                conditions=[
                    GroundItemOut(key=item.key, text=item.text) for item in rule.conditions
                ],
                fields=[GroundItemOut(key=item.key, text=item.text) for item in rule.fields],
            )
            for rule in grounds().values()
        ]
    )


@unit_router.get(
    "/bases/{basis_id}",
    response=responses(200, BasisDetailOut, 404, 422),
    operation_id="basis_detail",
)
def basis_detail(
    request: HttpRequest, basis_id: int, role: ActingRoleHeader = None
) -> BasisDetailOut:
    """One consent or statutory disclosure, for the organisation that controls its subject."""
    basis, person = _own_basis(request, basis_id)
    user = caller(request, Cap.RECORD_SHARING)
    record(
        actor=user,
        verb="read",
        object_type="sharing_basis",
        object_id=basis.pk,
        person_id=person.pk,
        case_id=basis.case_id,
        purpose="api: view sharing basis",
        acting_role=acting_role(user, role),
    )
    return _detail_out(basis)


@unit_router.post(
    "/bases/{basis_id}/withdraw",
    response=responses(200, BasisDetailOut, 404, 422),
    operation_id="basis_withdraw",
)
def basis_withdraw(
    request: HttpRequest, basis_id: int, role: ActingRoleHeader = None
) -> BasisDetailOut:
    """End a consent or disclosure now: the other agency's access ends at its next request (a
    consent given both ways ends in both directions). What was disclosed stays in the register.
    An already withdrawn one is refused (422)."""
    basis, _person = _own_basis(request, basis_id)
    user = caller(request, Cap.RECORD_SHARING)
    ended = actions.withdraw_basis(actor=user, basis=basis, acting_role=acting_role(user, role))
    return _detail_out(ended)


def _own_basis(request: HttpRequest, basis_id: int) -> tuple[SharingBasis, Person]:
    """A basis and its subject, for the subject's own organisation only (else not found)."""
    basis = SharingBasis.objects.filter(pk=checked_id(basis_id)).first()
    if basis is None:
        raise Http404
    return basis, _own_person(request, basis.subject_id)


# --- The unit lead's approval ----------------------------------------------------------------------


@unit_router.get(
    "/approvals",
    response=responses(200, BasisDetailPage, 422),
    operation_id="approvals_list",
)
def approvals_list(
    request: HttpRequest, paging: PageParam, role: ActingRoleHeader = None
) -> BasisDetailPage:
    """Disclosures of your units awaiting a decision, oldest first (what the approvals page
    shows). You cannot decide the ones you requested."""
    user = caller(request, Cap.APPROVE_DISCLOSURE)
    page = slice_page(reading.pending_for(user), paging.page)
    record(
        actor=user,
        verb="read",
        object_type="sharing_basis_list",
        purpose="api: disclosures awaiting approval",
        acting_role=acting_role(user, role),
        data={"results": [basis.pk for basis in page.items]},
    )
    return BasisDetailPage(
        items=[_detail_out(basis) for basis in page.items],
        page=page.number,
        has_next=page.has_next,
    )


@unit_router.post(
    "/approvals/{basis_id}",
    response=responses(200, BasisDetailOut, 404, *BODY_ERRORS),
    operation_id="approvals_decide",
)
def approvals_decide(
    request: HttpRequest, basis_id: int, payload: DecisionIn, role: ActingRoleHeader = None
) -> BasisDetailOut:
    """Approve or refuse a pending disclosure of your unit (a refusal needs a note). Deciding a
    disclosure you requested yourself is refused (422) and nothing is saved."""
    user = caller(request, Cap.APPROVE_DISCLOSURE)
    basis = SharingBasis.objects.filter(
        pk=checked_id(basis_id), unit_id__in=user.unit_ids()
    ).first()
    if basis is None:
        raise Http404
    decided = actions.decide_basis(
        actor=user,
        basis=basis,
        approve=payload.decision == "approve",
        note=payload.note,
        acting_role=acting_role(user, role),
    )
    return _detail_out(decided)


# --- The unit's disclosure register ----------------------------------------------------------------


@unit_router.get(
    "/register",
    response=responses(200, DisclosurePage, 422),
    operation_id="register_unit",
)
def register_unit(
    request: HttpRequest, paging: PageParam, role: ActingRoleHeader = None
) -> DisclosurePage:
    """The disclosure register of your units: what was disclosed from or to your organisation
    about their persons, newest first. (The CSV export is the register page's.)"""
    user = caller(request, Cap.VIEW_AUDIT)
    page = _register_page(reading.register_for_unit(user), paging.page)
    record(
        actor=user,
        verb="read",
        object_type="disclosure_register",
        purpose="api: disclosure register of the unit",
        acting_role=acting_role(user, role),
    )
    return page
