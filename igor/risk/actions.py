"""Every write of risk work. Keyword-only, `actor=`, atomic, audited in the same transaction.

Each action checks that the actor works in the organisation and unit that own the case: risk
work is written only by its owner, never across the wall.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from igor.accounts.models import Unit, User
from igor.accounts.roles import Cap
from igor.audit.record import record
from igor.cases.models import Case, Party, PartyRole
from igor.people.models import Person
from igor.risk import instruments, rules
from igor.risk.access import professional_level, uses_violence
from igor.risk.levels import Level
from igor.risk.models import (
    CONTACT_BANS,
    MAX_SCAN_BYTES,
    MAX_SECTION_CHARS,
    PLAN_SECTION_KEYS,
    SCAN_TYPES,
    Assessment,
    AssessmentStatus,
    Breach,
    Conference,
    ConferenceAction,
    ConferenceItem,
    MeasureKind,
    MeasureStatus,
    ProtectiveMeasure,
    SafeContact,
    SafetyPlan,
    SafetyPlanVersion,
    Source,
)
from igor.support.models import ShelterPlacement

FACTOR_RATINGS = ("present", "partly", "absent")
PLAN_LANGUAGES = ("sv", "en", "ar", "fa")


def _require_own(actor: User, case: Case) -> None:
    if (
        not actor.can(Cap.EDIT_CASE_DATA)
        or actor.organisation_id != case.organisation_id
        or case.unit_id not in actor.unit_ids()
    ):
        raise PermissionDenied


def _audit(
    actor: User,
    verb: str,
    object_type: str,
    object_id: int,
    *,
    case_id: int | None,
    person_id: int | None = None,
    acting_role: str,
    purpose: str,
    data: dict[str, Any] | None = None,
) -> None:
    record(
        actor=actor,
        verb=verb,
        object_type=object_type,
        object_id=object_id,
        case_id=case_id,
        person_id=person_id,
        purpose=purpose,
        acting_role=acting_role,
        data=data or {},
    )


def _assessed_party(case: Case, person: Person) -> None:
    is_party = (
        Party.objects.filter(case=case, person=person).exclude(role=PartyRole.PERPETRATOR).exists()
    )
    if not is_party:
        raise ValidationError(
            {"person": [_("Choose a party of the case who is not the person using violence.")]}
        )


def _common_errors(
    level: str, rationale: str, assessed_on: datetime.date | None
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if level not in Level.values:
        errors["level"] = [_("Choose low, medium or high.")]
    if not rationale.strip():
        errors["rationale"] = [_("Write the rationale for your judgement.")]
    elif len(rationale) > 5000:
        errors["rationale"] = [_("Keep the rationale to 5,000 characters.")]
    if assessed_on is None:
        errors["assessed_on"] = [_("Enter the date of the assessment.")]
    elif assessed_on > timezone.localdate():
        errors["assessed_on"] = [_("The assessment cannot be dated in the future.")]
    return errors


@transaction.atomic
def assess_with_instrument(
    *,
    actor: User,
    case: Case,
    person: Person,
    instrument_key: str,
    answers: Mapping[str, str],
    level: str,
    rationale: str,
    assessed_on: datetime.date | None = None,
    request_approval: bool = False,
    acting_role: str = "",
) -> Assessment:
    """An assessment with an instrument shipped in IGOR: answers, suggested level, judgement.

    The score never decides alone: the assessor's level and rationale do. Raising the level is
    always allowed; judging below the suggestion needs the unit lead's approval (a lead's own
    judgement is approved by them; anyone else's waits, and the suggestion stays in force).
    """
    _require_own(actor, case)
    _assessed_party(case, person)
    assessed_on = assessed_on or timezone.localdate()
    instrument = instruments.by_key(instrument_key)
    if instrument is None:
        raise ValidationError({"instrument": [_("Choose an instrument IGOR knows.")]})
    errors = _common_errors(level, rationale, assessed_on)
    problems = rules.answer_problems(instrument, answers)
    for item_id, problem in problems.items():
        message = (
            _("Answer this question.")
            if problem == "missing"
            else _("Choose one of the answers given.")
        )
        errors[f"item_{item_id}" if item_id else "answers"] = [message]
    if errors:
        raise ValidationError(errors)
    suggestion = rules.suggest(instrument, answers)
    lowers = rules.lowers(suggestion.level, level)
    approved_now = lowers and actor.can(Cap.APPROVE_RISK)
    if not rules.judgement_allowed(
        suggestion.level, level, approved=approved_now or request_approval
    ):
        raise ValidationError(
            {
                "level": [
                    _(
                        "Your level is below the suggested one. Lowering it needs the unit lead's "
                        "approval: ask for it, or keep the suggested level."
                    )
                ]
            }
        )
    assessment = Assessment(
        case=case,
        organisation_id=case.organisation_id,
        unit_id=case.unit_id,
        person=person,
        source=Source.INSTRUMENT,
        instrument_id=instrument.id,
        instrument_version=instrument.version,
        instrument_name=instrument.name_by_language.get("sv", instrument.id),
        answers=dict(answers),
        score=suggestion.score,
        suggested_level=suggestion.level or "",
        level=level,
        rationale=rationale.strip(),
        assessed_on=assessed_on,
        assessor=actor,
        status=AssessmentStatus.AWAITING_APPROVAL
        if lowers and not approved_now
        else AssessmentStatus.FINAL,
    )
    if approved_now:
        assessment.decided_by = actor
        assessment.decided_at = timezone.now()
    assessment.save()
    _touch(case)
    _audit(
        actor,
        "create",
        "risk_assessment",
        assessment.pk,
        case_id=case.pk,
        person_id=person.pk,
        acting_role=acting_role,
        purpose="risk assessment",
        data={
            "instrument": instrument.key,
            "score": suggestion.score,
            "suggested": suggestion.level,
            "level": level,
            "status": assessment.status,
        },
    )
    return assessment


def _scan_errors(scan: tuple[str, str, bytes] | None) -> dict[str, list[str]]:
    if scan is None:
        return {}
    name, content_type, content = scan
    if content_type not in SCAN_TYPES:
        return {"scan": [_("Attach a PDF, JPEG or PNG file.")]}
    if len(content) > MAX_SCAN_BYTES:
        return {"scan": [_("The scan may be at most 5 MB.")]}
    if not content:
        return {"scan": [_("The attached file is empty.")]}
    return {}


@transaction.atomic
def record_external_result(
    *,
    actor: User,
    case: Case,
    person: Person,
    instrument_name: str,
    instrument_version: str = "",
    assessed_on: datetime.date | None,
    assessor_name: str,
    level: str,
    rationale: str,
    factors: Mapping[str, str] | None = None,
    scan: tuple[str, str, bytes] | None = None,
    acting_role: str = "",
) -> Assessment:
    """The result of an instrument IGOR does not ship (SARA:SV, PATRIARK, FREDA…): its name,
    version, date, assessor, level, rationale and a scan. No question text is ever stored;
    factor ratings, if given, are kept by the instrument's own factor codes only."""
    _require_own(actor, case)
    _assessed_party(case, person)
    errors = _common_errors(level, rationale, assessed_on)
    if not instrument_name.strip():
        errors["instrument_name"] = [_("Name the instrument used.")]
    if not assessor_name.strip():
        errors["assessor_name"] = [_("Name who made the assessment.")]
    factors = dict(factors or {})
    if any(
        rating not in FACTOR_RATINGS or not code or len(code) > 20
        for code, rating in factors.items()
    ):
        errors["factors"] = [_("Rate each factor code as present, partly or absent.")]
    errors.update(_scan_errors(scan))
    if errors:
        raise ValidationError(errors)
    assert assessed_on is not None
    assessment = Assessment(
        case=case,
        organisation_id=case.organisation_id,
        unit_id=case.unit_id,
        person=person,
        source=Source.EXTERNAL,
        instrument_name=instrument_name.strip()[:100],
        instrument_version=instrument_version.strip()[:20],
        answers=factors,
        level=level,
        rationale=rationale.strip(),
        assessed_on=assessed_on,
        assessor=actor,
        assessor_name=assessor_name.strip()[:200],
    )
    if scan is not None:
        assessment.scan_name, assessment.scan_type, assessment.scan = (
            scan[0][:200],
            scan[1],
            scan[2],
        )
    assessment.save()
    _touch(case)
    _audit(
        actor,
        "create",
        "risk_assessment",
        assessment.pk,
        case_id=case.pk,
        person_id=person.pk,
        acting_role=acting_role,
        purpose="record external risk assessment",
        data={"instrument": assessment.instrument_name, "level": level, "scan": scan is not None},
    )
    return assessment


@transaction.atomic
def record_victim_estimate(
    *,
    actor: User,
    case: Case,
    person: Person,
    level: str,
    in_her_words: str,
    assessed_on: datetime.date | None,
    acting_role: str = "",
) -> Assessment:
    """The person's own estimate of the danger, recorded beside the professional assessments."""
    _require_own(actor, case)
    _assessed_party(case, person)
    errors = _common_errors(level, in_her_words, assessed_on)
    if "rationale" in errors:
        errors["in_her_words"] = [_("Write what the person said about the danger.")]
        del errors["rationale"]
    if errors:
        raise ValidationError(errors)
    assert assessed_on is not None
    assessment = Assessment.objects.create(
        case=case,
        organisation_id=case.organisation_id,
        unit_id=case.unit_id,
        person=person,
        source=Source.VICTIM,
        level=level,
        rationale=in_her_words.strip(),
        assessed_on=assessed_on,
        assessor=actor,
    )
    _touch(case)
    _audit(
        actor,
        "create",
        "risk_assessment",
        assessment.pk,
        case_id=case.pk,
        person_id=person.pk,
        acting_role=acting_role,
        purpose="record the victim's own estimate",
        data={"source": "victim", "level": level},
    )
    return assessment


@transaction.atomic
def decide_lowering(
    *, actor: User, assessment: Assessment, approve: bool, note: str = "", acting_role: str = ""
) -> Assessment:
    """The unit lead approves or refuses a level judged below the instrument's suggestion."""
    _require_own(actor, assessment.case)
    if not actor.can(Cap.APPROVE_RISK):
        raise PermissionDenied
    assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if assessment.status != AssessmentStatus.AWAITING_APPROVAL:
        raise ValidationError(_("This assessment is not waiting for approval."))
    if not approve and not note.strip():
        raise ValidationError({"note": [_("Say why the lowering is not approved.")]})
    assessment.status = AssessmentStatus.FINAL if approve else AssessmentStatus.REJECTED
    assessment.decided_by = actor
    assessment.decided_at = timezone.now()
    assessment.decision_note = note.strip()[:500]
    assessment.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    _audit(
        actor,
        "approve" if approve else "reject",
        "risk_assessment",
        assessment.pk,
        case_id=assessment.case_id,
        person_id=assessment.person_id,
        acting_role=acting_role,
        purpose="decide a lowered risk level",
        data={"level": assessment.level, "suggested": assessment.suggested_level},
    )
    return assessment


SAFE_CONTACT_FIELDS = (
    "safe_times",
    "voicemail_allowed",
    "sms_allowed",
    "letters_allowed",
    "others_read_phone",
    "code_word",
    "notes",
)


@transaction.atomic
def save_safe_contact(
    *, actor: User, person: Person, details: Mapping[str, Any], acting_role: str = ""
) -> SafeContact:
    """How the person may be contacted safely. Never kept for a person using violence."""
    if (
        not actor.can(Cap.EDIT_CASE_DATA)
        or actor.organisation_id != person.organisation_id
        or person.unit_id not in actor.unit_ids()
    ):
        raise PermissionDenied
    if uses_violence(person):
        raise ValidationError(
            _("Safe-contact rules are kept only for persons not recorded as using violence.")
        )
    contact = SafeContact.objects.select_for_update().filter(person=person).first()
    verb = "update" if contact else "create"
    contact = contact or SafeContact(person=person, updated_by=actor)
    for name in SAFE_CONTACT_FIELDS:
        if name in details:
            value = details[name]
            setattr(contact, name, value.strip() if isinstance(value, str) else bool(value))
    contact.updated_by = actor
    contact.updated_at = timezone.now()
    contact.full_clean(exclude=["person", "updated_by"])
    contact.save()
    _audit(
        actor,
        verb,
        "safe_contact",
        contact.pk,
        case_id=None,
        person_id=person.pk,
        acting_role=acting_role,
        purpose="safe-contact rules",
    )
    return contact


@transaction.atomic
def write_safety_plan(
    *,
    actor: User,
    case: Case,
    person: Person,
    sections: Mapping[str, tuple[str, bool]],
    language: str = "sv",
    made_with_person: bool = True,
    acting_role: str = "",
) -> SafetyPlanVersion:
    """A new version of the person's safety plan; earlier versions stay as they were.

    `sections` maps a section key to (text, whether it may be printed for the person).
    """
    _require_own(actor, case)
    _assessed_party(case, person)
    if uses_violence(person):
        raise ValidationError(_("A safety plan is never made for a person using violence."))
    errors: dict[str, list[str]] = {}
    for key in sections:
        if key not in PLAN_SECTION_KEYS:
            errors["__all__"] = [_("The plan has no section named %(key)s.") % {"key": key}]
    for key, (text, _printable) in sections.items():
        if len(text) > MAX_SECTION_CHARS:
            errors[f"section_{key}"] = [
                _("Keep each section to %(count)s characters.") % {"count": MAX_SECTION_CHARS}
            ]
    if not any(text.strip() for text, _printable in sections.values()):
        errors["__all__"] = [_("Write at least one section of the plan.")]
    if language not in PLAN_LANGUAGES:
        errors["language"] = [_("Choose a language IGOR can print in.")]
    if errors:
        raise ValidationError(errors)
    plan, _created = SafetyPlan.objects.get_or_create(
        case=case,
        person=person,
        defaults={"organisation_id": case.organisation_id, "unit_id": case.unit_id},
    )
    plan = SafetyPlan.objects.select_for_update().get(pk=plan.pk)
    number = (plan.versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    level, _latest = professional_level(
        list(Assessment.objects.filter(case=case).select_related("organisation"))
    )
    content = {
        key: {"text": sections[key][0].strip(), "print": bool(sections[key][1])}
        for key in PLAN_SECTION_KEYS
        if key in sections
    }
    version = SafetyPlanVersion.objects.create(
        plan=plan,
        number=number,
        sections_json=json.dumps(content, ensure_ascii=False),
        language=language,
        level=level or "",
        made_with_person=made_with_person,
        written_by=actor,
    )
    _touch(case)
    _audit(
        actor,
        "create",
        "safety_plan",
        plan.pk,
        case_id=case.pk,
        person_id=person.pk,
        acting_role=acting_role,
        purpose="safety plan",
        data={"version": number, "level": level},
    )
    return version


def _measure_errors(measure: ProtectiveMeasure) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    today = timezone.localdate()
    if measure.kind not in MeasureKind.values:
        errors["kind"] = [_("Choose a kind of measure.")]
    if measure.applied_on and measure.applied_on > today:
        errors["applied_on"] = [_("The application cannot be dated in the future.")]
    if measure.status != MeasureStatus.APPLIED and measure.decided_on is None:
        errors["decided_on"] = [_("Enter the date of the decision.")]
    if measure.decided_on and measure.applied_on and measure.decided_on < measure.applied_on:
        errors["decided_on"] = [_("The decision cannot come before the application.")]
    if measure.status == MeasureStatus.GRANTED and measure.is_contact_ban:
        if measure.starts_on is None or measure.expires_on is None:
            errors["expires_on"] = [_("A contact ban in force has a start and an end date.")]
    if measure.starts_on and measure.expires_on and measure.expires_on < measure.starts_on:
        errors["expires_on"] = [_("The end cannot come before the start.")]
    return errors


MEASURE_FIELDS = ("kind", "status", "applied_on", "decided_on", "starts_on", "expires_on", "note")


@transaction.atomic
def add_measure(
    *,
    actor: User,
    case: Case,
    person: Person,
    details: Mapping[str, Any],
    acting_role: str = "",
) -> ProtectiveMeasure:
    """A protective measure for a party of the case, tied to the level that called for it."""
    _require_own(actor, case)
    _assessed_party(case, person)
    level, _latest = professional_level(
        list(Assessment.objects.filter(case=case).select_related("organisation"))
    )
    measure = ProtectiveMeasure(
        case=case,
        organisation_id=case.organisation_id,
        unit_id=case.unit_id,
        person=person,
        created_by=actor,
        level=details.get("level") or level or "",
        applied_on=details.get("applied_on") or timezone.localdate(),
    )
    for name in MEASURE_FIELDS:
        if name in details and name != "applied_on":
            setattr(measure, name, details[name])
    errors = _measure_errors(measure)
    if measure.level not in Level.values:
        errors["level"] = [_("Assess the risk first, or say which level called for the measure.")]
    if errors:
        raise ValidationError(errors)
    measure.full_clean(exclude=["case", "organisation", "unit", "person", "created_by"])
    measure.save()
    _touch(case)
    _audit(
        actor,
        "create",
        "protective_measure",
        measure.pk,
        case_id=case.pk,
        person_id=person.pk,
        acting_role=acting_role,
        purpose="protective measure",
        data={"kind": measure.kind, "status": measure.status, "level": measure.level},
    )
    return measure


ALLOWED_STATUS = {
    MeasureStatus.APPLIED: {MeasureStatus.APPLIED, MeasureStatus.GRANTED, MeasureStatus.REFUSED},
    MeasureStatus.GRANTED: {MeasureStatus.GRANTED, MeasureStatus.ENDED},
    MeasureStatus.REFUSED: {MeasureStatus.REFUSED},
    MeasureStatus.ENDED: {MeasureStatus.ENDED},
}


@transaction.atomic
def update_measure(
    *,
    actor: User,
    measure: ProtectiveMeasure,
    details: Mapping[str, Any],
    acting_role: str = "",
) -> ProtectiveMeasure:
    """Record a decision, new dates or the end of a measure."""
    _require_own(actor, measure.case)
    measure = ProtectiveMeasure.objects.select_for_update().get(pk=measure.pk)
    if measure.placement_id is not None:
        raise ValidationError(
            _("This measure follows the sheltered-housing placement: record moving out there.")
        )
    before = measure.status
    changed = [n for n in MEASURE_FIELDS if n in details and getattr(measure, n) != details[n]]
    for name in changed:
        setattr(measure, name, details[name])
    errors = _measure_errors(measure)
    if measure.status not in ALLOWED_STATUS[MeasureStatus(before)]:
        errors["status"] = [_("A measure cannot go back to that status.")]
    if errors:
        raise ValidationError(errors)
    measure.updated_at = timezone.now()
    measure.full_clean(exclude=["case", "organisation", "unit", "person", "created_by"])
    measure.save()
    _touch(measure.case)
    _audit(
        actor,
        "update",
        "protective_measure",
        measure.pk,
        case_id=measure.case_id,
        person_id=measure.person_id,
        acting_role=acting_role,
        purpose="protective measure",
        data={"fields": changed, "status": measure.status},
    )
    return measure


@transaction.atomic
def follow_placement(
    *, actor: User, placement: ShelterPlacement, acting_role: str = ""
) -> ProtectiveMeasure:
    """The sheltered-housing measure of a placement (igor.support): made when she moves in, or
    an earlier sheltered-housing measure of hers in the case linked to it; in force from moving
    in; ended on moving out. It names the placement only: the address stays in support."""
    case = placement.case
    _require_own(actor, case)
    today = timezone.localdate()
    measure = (
        ProtectiveMeasure.objects.select_for_update().filter(placement=placement).first()
        or ProtectiveMeasure.objects.select_for_update()
        .filter(
            case=case,
            person_id=placement.person_id,
            kind=MeasureKind.SHELTERED_HOUSING,
            placement__isnull=True,
            status__in=[MeasureStatus.APPLIED, MeasureStatus.GRANTED],
        )
        .first()
    )
    verb = "update" if measure else "create"
    if measure is None:
        level, _latest = professional_level(
            list(Assessment.objects.filter(case=case).select_related("organisation"))
        )
        measure = ProtectiveMeasure(
            case=case,
            organisation_id=case.organisation_id,
            unit_id=case.unit_id,
            person_id=placement.person_id,
            kind=MeasureKind.SHELTERED_HOUSING,
            applied_on=min(placement.moved_in_on, today),
            level=level or "",
            created_by=actor,
        )
    measure.placement = placement
    measure.status = MeasureStatus.ENDED if placement.moved_out_on else MeasureStatus.GRANTED
    measure.decided_on = measure.decided_on or min(placement.moved_in_on, today)
    measure.applied_on = min(measure.applied_on, measure.decided_on)
    measure.starts_on = placement.moved_in_on
    measure.expires_on = placement.moved_out_on
    measure.updated_at = timezone.now()
    measure.full_clean(
        exclude=["case", "organisation", "unit", "person", "created_by", "placement"]
    )
    measure.save()
    _audit(
        actor,
        verb,
        "protective_measure",
        measure.pk,
        case_id=case.pk,
        person_id=placement.person_id,
        acting_role=acting_role,
        purpose="protective measure",
        data={"kind": measure.kind, "status": measure.status, "placement": placement.pk},
    )
    return measure


@transaction.atomic
def record_breach(
    *,
    actor: User,
    measure: ProtectiveMeasure,
    occurred_at: datetime.datetime | None,
    description: str,
    police_report_number: str = "",
    acting_role: str = "",
) -> Breach:
    """A breach of a contact ban. It flags the case for a conference."""
    _require_own(actor, measure.case)
    errors: dict[str, list[str]] = {}
    if measure.kind not in CONTACT_BANS:
        errors["__all__"] = [_("Breaches are recorded for contact bans.")]
    if occurred_at is None:
        errors["occurred_at"] = [_("Enter when it happened.")]
    elif occurred_at > timezone.now():
        errors["occurred_at"] = [_("A breach cannot be in the future.")]
    if not description.strip():
        errors["description"] = [_("Describe what happened.")]
    elif len(description) > 2000:
        errors["description"] = [_("Keep the description to 2,000 characters.")]
    if errors:
        raise ValidationError(errors)
    assert occurred_at is not None
    breach = Breach.objects.create(
        measure=measure,
        occurred_at=occurred_at,
        description=description.strip(),
        police_report_number=police_report_number.strip()[:30],
        recorded_by=actor,
    )
    _touch(measure.case)
    _audit(
        actor,
        "create",
        "breach",
        breach.pk,
        case_id=measure.case_id,
        person_id=measure.person_id,
        acting_role=acting_role,
        purpose="contact ban breach",
    )
    return breach


def _require_member(actor: User, unit_id: int) -> None:
    if not actor.can(Cap.EDIT_CASE_DATA) or unit_id not in actor.unit_ids():
        raise PermissionDenied


@transaction.atomic
def create_conference(
    *,
    actor: User,
    unit: Unit,
    kind: str,
    held_on: datetime.date | None,
    title: str = "",
    participants: str = "",
    acting_role: str = "",
) -> Conference:
    """A huddle or multi-agency conference of one unit."""
    _require_member(actor, unit.pk)
    if held_on is None:
        raise ValidationError({"held_on": [_("Enter the date of the conference.")]})
    conference = Conference(
        unit=unit,
        kind=kind,
        held_on=held_on,
        title=title.strip(),
        participants=participants.strip(),
        created_by=actor,
    )
    conference.full_clean(exclude=["unit", "created_by"])
    conference.save()
    _audit(
        actor,
        "create",
        "conference",
        conference.pk,
        case_id=None,
        acting_role=acting_role,
        purpose="case conference",
        data={"kind": kind, "held_on": held_on.isoformat()},
    )
    return conference


@transaction.atomic
def add_to_agenda(
    *,
    actor: User,
    conference: Conference,
    case: Case,
    reasons: list[str],
    acting_role: str = "",
) -> ConferenceItem:
    """Put one of the actor's own cases of the conference's unit on its agenda."""
    _require_member(actor, conference.unit_id)
    _require_own(actor, case)
    if case.unit_id != conference.unit_id:
        raise ValidationError({"reference": [_("The case belongs to another unit.")]})
    if ConferenceItem.objects.filter(conference=conference, case=case).exists():
        raise ValidationError({"reference": [_("The case is already on the agenda.")]})
    position = ConferenceItem.objects.filter(conference=conference).count() + 1
    item = ConferenceItem.objects.create(
        conference=conference,
        case=case,
        organisation_id=case.organisation_id,
        reasons=reasons,
        position=position,
        added_by=actor,
    )
    _audit(
        actor,
        "create",
        "conference_item",
        item.pk,
        case_id=case.pk,
        acting_role=acting_role,
        purpose="case conference agenda",
        data={"conference": conference.pk, "reasons": reasons},
    )
    return item


@transaction.atomic
def write_minutes(
    *,
    actor: User,
    item: ConferenceItem,
    summary: str,
    minutes: str,
    acting_role: str = "",
) -> ConferenceItem:
    """The case's summary and minutes, written by the organisation that owns the case."""
    _require_own(actor, item.case)
    item = ConferenceItem.objects.select_for_update().get(pk=item.pk)
    item.summary, item.minutes = summary.strip(), minutes.strip()
    item.full_clean(exclude=["conference", "case", "organisation", "added_by", "reasons"])
    item.save(update_fields=["summary", "minutes"])
    _audit(
        actor,
        "update",
        "conference_item",
        item.pk,
        case_id=item.case_id,
        acting_role=acting_role,
        purpose="case conference minutes",
    )
    return item


@transaction.atomic
def add_conference_action(
    *,
    actor: User,
    item: ConferenceItem,
    description: str,
    owner: User | None,
    due_on: datetime.date | None,
    acting_role: str = "",
) -> ConferenceAction:
    """An agreed action with its owner (of either organisation in the unit) and due date."""
    _require_own(actor, item.case)
    errors: dict[str, list[str]] = {}
    if not description.strip():
        errors["description"] = [_("Describe the action.")]
    unit_id = item.conference.unit_id
    if owner is None or unit_id not in owner.unit_ids() or not owner.can(Cap.EDIT_CASE_DATA):
        errors["owner"] = [_("Choose an owner who works with cases in this unit.")]
    if due_on is None:
        errors["due_on"] = [_("Enter a due date.")]
    if errors:
        raise ValidationError(errors)
    assert owner is not None and due_on is not None and owner.organisation_id is not None
    action = ConferenceAction(
        item=item,
        description=description.strip(),
        owner=owner,
        organisation_id=owner.organisation_id,
        due_on=due_on,
        created_by=actor,
    )
    action.full_clean(exclude=["item", "owner", "organisation", "created_by"])
    action.save()
    _audit(
        actor,
        "create",
        "conference_action",
        action.pk,
        case_id=item.case_id,
        acting_role=acting_role,
        purpose="case conference action",
        data={"owner": owner.pk, "due_on": due_on.isoformat()},
    )
    return action


@transaction.atomic
def set_conference_action_done(
    *, actor: User, action: ConferenceAction, done: bool, acting_role: str = ""
) -> ConferenceAction:
    """Mark an agreed action done (who and when), or reopen it. The action is its owning
    organisation's to do, so only its staff in the conference's unit change it."""
    action = (
        ConferenceAction.objects.select_for_update()
        .select_related("item__conference")
        .get(pk=action.pk)
    )
    if (
        not actor.can(Cap.EDIT_CASE_DATA)
        or actor.organisation_id != action.organisation_id
        or action.item.conference.unit_id not in actor.unit_ids()
    ):
        raise PermissionDenied
    if done == (action.done_at is not None):
        message = _("The action is already done.") if done else _("The action is already open.")
        raise ValidationError(message)
    action.done_at = timezone.now() if done else None
    action.done_by = actor if done else None
    action.save(update_fields=["done_at", "done_by"])
    _audit(
        actor,
        "update",
        "conference_action",
        action.pk,
        case_id=action.item.case_id,
        acting_role=acting_role,
        purpose="case conference action",
        data={"done": done},
    )
    return action


def _touch(case: Case) -> None:
    Case.objects.filter(pk=case.pk).update(updated_at=timezone.now())
