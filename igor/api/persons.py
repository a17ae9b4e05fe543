"""Persons: list, search, match, register, view.

Contact details follow rule A5: a protected person's phone, e-mail and address are never in any
response (`contact` is null), and across the wall they are shown only when the basis covers the
person. A person seen outside the caller's own organisation and units carries `shared: true`.
"""

from __future__ import annotations

import datetime
from typing import Annotated, Literal

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import AfterValidator, Field

from igor.accounts.models import User
from igor.accounts.roles import Cap
from igor.api.auth import ActingRoleHeader, acting_role, caller
from igor.api.common import (
    LAST_PAGE,
    Id,
    InputSchema,
    NoNul,
    PageOut,
    PageParam,
    Required,
    audited_list,
    checked_id,
    chosen_unit,
)
from igor.api.errors import BODY_ERRORS, responses
from igor.lib.identity import IdentityKind
from igor.lib.web import Page
from igor.people import suggest
from igor.people.access import search_persons
from igor.people.actions import register_person
from igor.people.matching import Candidate
from igor.people.models import Gender, Person, Protection
from igor.people.reasons import describe
from igor.sharing import policy

router = Router(tags=["persons"])


def _email(value: str) -> str:
    if value:
        try:
            validate_email(value)
        except ValidationError as error:
            raise ValueError(error.messages[0]) from error
    return value


class PersonIn(InputSchema):
    unit: Id | None = Field(None, description="One of your units; may be left out if you have one")
    first_name: Annotated[str, Required, Field(max_length=100), NoNul]
    last_name: Annotated[str, Required, Field(max_length=100), NoNul]
    identity_kind: IdentityKind
    identity_number: Annotated[str, Field(max_length=20), NoNul] = ""
    birth_date: datetime.date | None = None
    gender: Gender = Gender.NOT_STATED
    gender_description: Annotated[str, Field(max_length=100), NoNul] = ""
    languages: Annotated[str, Field(max_length=200), NoNul] = ""
    interpreter_needed: bool = False
    interpreter_language: Annotated[str, Field(max_length=100), NoNul] = ""
    phone: Annotated[str, Field(max_length=40), NoNul] = ""
    email: Annotated[str, Field(max_length=200), NoNul, AfterValidator(_email)] = ""
    street_address: Annotated[str, Field(max_length=200), NoNul] = ""
    postal_code: Annotated[str, Field(max_length=10), NoNul] = ""
    city: Annotated[str, Field(max_length=100), NoNul] = ""
    protection: Protection = Protection.NONE


class PersonSearchIn(InputSchema):
    """Sent in the body, so that names and identity numbers stay out of URLs and logs."""

    q: Annotated[str, Required, Field(max_length=100), NoNul] = Field(
        description="Beginning of 'last name first name', or a whole identity number"
    )
    page: Annotated[int, Field(ge=1, le=LAST_PAGE)] = 1


class PersonItem(Schema):
    id: int
    first_name: str
    last_name: str
    identity_kind: str
    identity_number: str
    birth_date: datetime.date | None
    protected: bool
    organisation_id: int
    unit_id: int
    shared: bool = Field(description="Seen outside your own organisation and units")


class Contact(Schema):
    phone: str
    email: str
    street_address: str
    postal_code: str
    city: str


class PersonOut(PersonItem):
    gender: str
    gender_description: str
    languages: str
    interpreter_needed: bool
    interpreter_language: str
    contact: Contact | None = Field(
        description="Null for a protected person (rule A5) and when not shared with you"
    )


class PersonPage(PageOut):
    items: list[PersonItem]


def _item(person: Person, *, shared: bool) -> PersonItem:
    return PersonItem(
        id=person.pk,
        first_name=person.first_name,
        last_name=person.last_name,
        identity_kind=person.identity_kind,
        identity_number=person.identity_number,
        birth_date=person.birth_date,
        protected=person.is_protected,
        organisation_id=person.organisation_id,
        unit_id=person.unit_id,
        shared=shared,
    )


def _out(person: Person, *, shared: bool, show_contact: bool) -> PersonOut:
    contact = None
    if show_contact and not person.is_protected:  # A5, whatever the caller decided
        contact = Contact(
            phone=person.phone,
            email=person.email,
            street_address=person.street_address,
            postal_code=person.postal_code,
            city=person.city,
        )
    return PersonOut(
        **_item(person, shared=shared).model_dump(),
        gender=person.gender,
        gender_description=person.gender_description,
        languages=person.languages,
        interpreter_needed=person.interpreter_needed,
        interpreter_language=person.interpreter_language,
        contact=contact,
    )


def _page(user: User, page: Page[Person], *, verb: str, purpose: str, role: str) -> PersonPage:
    rows = audited_list(
        user, page.items, object_type="person", verb=verb, purpose=purpose, role=role
    )
    return PersonPage(
        items=[_item(person, shared=shared) for person, shared in rows],
        page=page.number,
        has_next=page.has_next,
    )


@router.get("", response=responses(200, PersonPage, 422), operation_id="persons_list")
def persons_list(
    request: HttpRequest, paging: PageParam, role: ActingRoleHeader = None
) -> PersonPage:
    """The persons you may see, by name. To find someone, use persons_search."""
    user = caller(request, Cap.VIEW_CASE_DATA)
    page = search_persons(user, "", paging.page)
    return _page(user, page, verb="read", purpose="api: list persons", role=acting_role(user, role))


@router.post(
    "/search", response=responses(200, PersonPage, *BODY_ERRORS), operation_id="persons_search"
)
def persons_search(
    request: HttpRequest, payload: PersonSearchIn, role: ActingRoleHeader = None
) -> PersonPage:
    """Persons whose name begins with `q` ("last first"), or with the identity number `q`."""
    user = caller(request, Cap.VIEW_CASE_DATA)
    page = search_persons(user, payload.q, payload.page)
    return _page(
        user, page, verb="search", purpose="api: person search", role=acting_role(user, role)
    )


class MatchIn(InputSchema):
    """What is known of a person; every field may be left out, but not all. An identity number,
    birth date or phone that cannot be read is a field error, never silently ignored."""

    name: Annotated[str, Field(max_length=200), NoNul] = ""
    identity_number: Annotated[str, Field(max_length=20), NoNul] = ""
    birth_date: Annotated[
        str, Field(max_length=20, description="1985-04-12, 19850412, 1985-04 or 1985"), NoNul
    ] = ""
    street_address: Annotated[str, Field(max_length=200), NoNul] = ""
    postal_code: Annotated[str, Field(max_length=10), NoNul] = ""
    phone: Annotated[str, Field(max_length=40), NoNul] = ""
    limit: Annotated[int, Field(ge=1, le=25)] = 10


class MatchReason(Schema):
    field: str
    level: str
    similarity: float | None
    text: str = Field(description="The reason in words, in the language of the request")


class MatchCandidate(Schema):
    person: PersonItem
    score: float = Field(description="Probability of being the same person, 0–1")
    match_class: Literal["certain", "probable", "possible"]
    reasons: list[MatchReason]


class MatchOut(Schema):
    items: list[MatchCandidate]
    other_side: bool = Field(
        description=(
            "The other organisation of your unit may know this person. Its records are never "
            "shown: ask for the person's consent or a statutory disclosure."
        )
    )


def _candidate(candidate: Candidate, *, shared: bool) -> MatchCandidate:
    result = candidate.result
    return MatchCandidate(
        person=_item(candidate.person, shared=shared),
        score=result.score,
        match_class=result.match_class,  # type: ignore[arg-type]  # only shown classes get here
        reasons=[
            MatchReason(
                field=reason.field,
                level=reason.level,
                similarity=reason.similarity,
                text=describe(reason),
            )
            for reason in result.reasons
        ],
    )


@router.post(
    "/match", response=responses(200, MatchOut, *BODY_ERRORS), operation_id="persons_match"
)
def persons_match(
    request: HttpRequest, payload: MatchIn, role: ActingRoleHeader = None
) -> MatchOut:
    """The persons you may see who may be the one described, best first, with score, class and
    reasons. Audited as a search; a candidate seen across the wall is also a disclosure."""
    user = caller(request, Cap.VIEW_CASE_DATA)
    query = suggest.query_record(payload.model_dump(exclude={"limit"}))
    found = suggest.candidates_for(user, [query], limit=payload.limit)
    shown = suggest.audited(
        user,
        found,
        verb="search",
        purpose="api: match persons",
        acting_role=acting_role(user, role),
        always=True,
    )
    scope = policy.scope_for(user)
    return MatchOut(
        items=[
            _candidate(c, shared=not scope.is_own(c.person.organisation_id, c.person.unit_id))
            for c in shown.found
        ],
        other_side=shown.other_side,
    )


@router.post("", response=responses(201, PersonOut, *BODY_ERRORS), operation_id="persons_create")
def persons_create(
    request: HttpRequest, payload: PersonIn, role: ActingRoleHeader = None
) -> Status[PersonOut]:
    """Register a person in your organisation and one of your units."""
    user = caller(request, Cap.EDIT_CASE_DATA)
    person = register_person(
        actor=user,
        unit=chosen_unit(user, payload.unit),
        details=payload.model_dump(exclude={"unit"}),
        acting_role=acting_role(user, role),
    )
    return Status(201, _out(person, shared=False, show_contact=True))


@router.get(
    "/{person_id}", response=responses(200, PersonOut, 404, 422), operation_id="persons_detail"
)
def persons_detail(
    request: HttpRequest, person_id: int, role: ActingRoleHeader = None
) -> PersonOut:
    user = caller(request, Cap.VIEW_CASE_DATA)
    access = policy.get_person_for(user, checked_id(person_id))
    policy.audit_read(
        access,
        object_type="person",
        purpose="api: view person",
        acting_role=acting_role(user, role),
        person_id=access.obj.pk,
    )
    return _out(
        access.obj, shared=access.cross_wall, show_contact=policy.shows_contact_details(access)
    )
