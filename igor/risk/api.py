"""Risk work in the JSON API: instruments, a case's risk picture, its assessments and measures.

The same access policy and audit as the pages: risk data of the other organisation only under a
basis that covers it (igor.risk.access), every read of it recorded.
"""

from __future__ import annotations

import datetime
from typing import Annotated, Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import translation
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from pydantic import Field

from igor.accounts.roles import Cap
from igor.api.auth import ActingRoleHeader, acting_role, caller
from igor.api.common import Id, InputSchema, NoNul, checked_id
from igor.api.errors import BODY_ERRORS, responses
from igor.people.models import Person
from igor.risk import access as risk_access
from igor.risk import actions, instruments
from igor.risk.models import Assessment, ProtectiveMeasure
from igor.sharing import policy

router = Router(tags=["risk"])

LevelName = Literal["low", "medium", "high"]


class AnswerOut(Schema):
    id: str
    label_sv: str
    label_en: str


class ItemOut(Schema):
    id: str
    text_sv: str
    text_en: str
    answers: list[AnswerOut]


class InstrumentOut(Schema):
    key: str
    id: str
    version: str
    method: str
    name: str
    notice: str
    scoring: str
    items: list[ItemOut]


class InstrumentList(Schema):
    items: list[InstrumentOut]


@router.get(
    "/instruments",
    response=responses(200, InstrumentList),
    operation_id="instruments_list",
)
def instruments_list(request: HttpRequest) -> InstrumentList:
    """The instruments IGOR ships, in IGOR's own words (no licensed instrument text)."""
    caller(request, Cap.VIEW_CASE_DATA)
    found = []
    for instrument in instruments.registry().values():
        with translation.override("sv"):
            name, notice = instrument.name, instrument.notice
        items = [
            ItemOut(
                id=item.id,
                text_sv=item.text_by_language.get("sv", ""),
                text_en=item.text_by_language.get("en", ""),
                answers=[
                    AnswerOut(
                        id=a.id, label_sv=a.label.get("sv", ""), label_en=a.label.get("en", "")
                    )
                    for a in instrument.answers_for(item)
                ],
            )
            for item in instrument.items
        ]
        found.append(
            InstrumentOut(
                key=instrument.key,
                id=instrument.id,
                version=instrument.version,
                method=instrument.method,
                name=name,
                notice=notice,
                scoring=instrument.rule,
                items=items,
            )
        )
    return InstrumentList(items=found)


class AssessmentOut(Schema):
    id: int
    case_id: int
    person_id: int
    source: str
    instrument: str
    instrument_version: str
    answers: dict[str, str]
    score: int | None
    suggested_level: str | None
    level: str
    level_in_force: str
    status: str
    rationale: str
    assessed_on: datetime.date
    assessor: str


def _assessment_out(item: Assessment) -> AssessmentOut:
    return AssessmentOut(
        id=item.pk,
        case_id=item.case_id,
        person_id=item.person_id,
        source=item.source,
        instrument=item.instrument_id or item.instrument_name,
        instrument_version=item.instrument_version,
        answers={str(k): str(v) for k, v in item.answers.items()},
        score=item.score,
        suggested_level=item.suggested_level or None,
        level=item.level,
        level_in_force=item.effective_level,
        status=item.status,
        rationale=item.rationale,
        assessed_on=item.assessed_on,
        assessor=item.assessor_name or item.assessor.get_username(),
    )


class FlagOut(Schema):
    code: str
    since: datetime.datetime


class RiskSummaryOut(Schema):
    case_id: int
    level: str | None
    latest_by_source: dict[str, str]
    disagreement: bool
    next_assessment_due: datetime.date | None
    overdue: bool
    flags: list[FlagOut]
    flagged_for_conference: bool


@router.get(
    "/cases/{case_id}",
    response=responses(200, RiskSummaryOut, 404, 422),
    operation_id="risk_detail",
)
def risk_detail(
    request: HttpRequest, case_id: int, role: ActingRoleHeader = None
) -> RiskSummaryOut:
    """The case's level, each source's latest level, disagreement, review date and flags."""
    user = caller(request, Cap.VIEW_CASE_DATA)
    access = risk_access.case_for(user, checked_id(case_id))
    view = risk_access.picture(access)
    policy.audit_read(
        access,
        object_type="case_risk",
        purpose="api: risk summary",
        acting_role=acting_role(user, role),
        case_id=access.obj.pk,
    )
    return RiskSummaryOut(
        case_id=access.obj.pk,
        level=view.level,
        latest_by_source={k: a.effective_level for k, a in view.latest_by_source.items()},
        disagreement=view.disagreement,
        next_assessment_due=view.due,
        overdue=view.overdue,
        flags=[FlagOut(code=f.code, since=f.since) for f in view.flags],
        flagged_for_conference=bool(view.open_flags),
    )


@router.get(
    "/cases/{case_id}/assessments",
    response=responses(200, list[AssessmentOut], 404, 422),
    operation_id="assessments_list",
)
def assessments_list(
    request: HttpRequest, case_id: int, role: ActingRoleHeader = None
) -> list[AssessmentOut]:
    """Every assessment of the case, newest first (at most 200)."""
    user = caller(request, Cap.VIEW_CASE_DATA)
    access = risk_access.case_for(user, checked_id(case_id))
    rows = list(Assessment.objects.filter(case=access.obj).select_related("assessor")[:200])
    policy.audit_read(
        access,
        object_type="case_risk",
        purpose="api: list risk assessments",
        acting_role=acting_role(user, role),
        case_id=access.obj.pk,
        data={"assessments": [a.pk for a in rows]},
    )
    return [_assessment_out(a) for a in rows]


class AssessmentIn(InputSchema):
    person: Id = Field(description="The party assessed (not the person using violence)")
    instrument: Annotated[str, Field(max_length=80), NoNul] = Field(
        "igor-screening@1", description="An instrument key from /risk/instruments"
    )
    answers: dict[Annotated[str, Field(max_length=60)], Annotated[str, Field(max_length=40)]] = (
        Field(description="Item id → answer id, every item answered")
    )
    level: LevelName = Field(description="Your judgement; the score never decides alone")
    rationale: Annotated[str, Field(max_length=5000), NoNul] = Field(
        description="Why you judge so; required"
    )
    assessed_on: datetime.date | None = None
    request_approval: bool = Field(
        False, description="Needed when your level is below the suggested one"
    )


@router.post(
    "/cases/{case_id}/assessments",
    response=responses(201, AssessmentOut, 404, *BODY_ERRORS),
    operation_id="assessments_create",
)
def assessments_create(
    request: HttpRequest, case_id: int, payload: AssessmentIn, role: ActingRoleHeader = None
) -> Status[AssessmentOut]:
    """Assess with an instrument IGOR ships. Lowering below the suggestion needs approval."""
    user = caller(request, Cap.EDIT_CASE_DATA)
    access = risk_access.case_for(user, checked_id(case_id), for_edit=True)
    person = Person.objects.filter(pk=payload.person).first()
    if person is None:
        raise ValidationError(
            {"person": [_("Choose a party of the case who is not the person using violence.")]}
        )
    assessment = actions.assess_with_instrument(
        actor=user,
        case=access.obj,
        person=person,
        instrument_key=payload.instrument,
        answers=payload.answers,
        level=payload.level,
        rationale=payload.rationale,
        assessed_on=payload.assessed_on,
        request_approval=payload.request_approval,
        acting_role=acting_role(user, role),
    )
    return Status(201, _assessment_out(assessment))


class MeasureOut(Schema):
    id: int
    person_id: int
    kind: str
    status: str
    applied_on: datetime.date
    decided_on: datetime.date | None
    starts_on: datetime.date | None
    expires_on: datetime.date | None
    level: str
    breaches: int


@router.get(
    "/cases/{case_id}/measures",
    response=responses(200, list[MeasureOut], 404, 422),
    operation_id="measures_list",
)
def measures_list(
    request: HttpRequest, case_id: int, role: ActingRoleHeader = None
) -> list[MeasureOut]:
    """The case's protective measures with their dates, states and number of breaches."""
    user = caller(request, Cap.VIEW_CASE_DATA)
    access = risk_access.case_for(user, checked_id(case_id))
    rows = list(
        ProtectiveMeasure.objects.filter(case=access.obj).prefetch_related("breaches")[:200]
    )
    policy.audit_read(
        access,
        object_type="case_risk",
        purpose="api: list protective measures",
        acting_role=acting_role(user, role),
        case_id=access.obj.pk,
        data={"measures": [m.pk for m in rows]},
    )
    return [
        MeasureOut(
            id=m.pk,
            person_id=m.person_id,
            kind=m.kind,
            status=m.status,
            applied_on=m.applied_on,
            decided_on=m.decided_on,
            starts_on=m.starts_on,
            expires_on=m.expires_on,
            level=m.level,
            breaches=len(m.breaches.all()),
        )
        for m in rows
    ]
