"""The rows the authorization matrix is checked against, written through the actions.

One "world" per sharing state: a protected person (the subject) registered by police_a in unit A,
a case with the subject and a person using violence as parties, an incident and a journal entry,
and one sharing basis towards social services of unit A that puts the world in its state. Every
world carries its own markers (names, texts, contact details), so a response can be searched for
exactly what it must or must not show.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from igor.accounts.models import User
from igor.cases import actions as case_actions
from igor.cases.models import Case, Incident, JournalEntry, Party
from igor.people import actions as people_actions
from igor.people.models import Person
from igor.risk import actions as risk_actions
from igor.risk.models import SafetyPlan
from igor.sharing import actions as sharing_actions
from igor.sharing.models import ReportOfConcern, SharingBasis
from igor.support import actions as support_actions
from tests.authz.matrix import ALL_CATEGORIES, STATES
from tests.personas import Personas

CANARY_STREET = "Kanariegränd"
CANARY_PHONE = "0700-93"
DAY = datetime.timedelta(days=1)
TIP_RAW_MARKER = "Råtipsmarkör"
TIP_CONTACT_MARKER = "Kontaktmarkör"
TIP_SUMMARY_MARKER = "Sammanfattningsmarkör"
OROSANMALAN_CONDITIONS = {"child": True, "concern": True, "individual": True}


@dataclass(eq=False)  # hashed by identity: responses are checked per world
class World:
    """The rows of one sharing state, and the markers that show whether a page leaked them."""

    state: str
    number: int
    subject: Person
    perpetrator: Person
    spare: Person  # added as a party by the owner's POST, so that POST can succeed
    case: Case
    subject_party: Party
    perpetrator_party: Party
    incident: Incident
    journal: JournalEntry
    report: ReportOfConcern  # a draft report of concern about a child of the case
    basis: SharingBasis | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def tag(self) -> str:
        return f"{self.number:02d}q"

    @property
    def markers(self) -> dict[str, str]:
        return {
            "subject_name": f"Subjekt{self.tag}",
            "perpetrator_name": f"Utovare{self.tag}",
            "case_title": f"Ärende{self.tag}",
            "incident_place": f"Platsmarkör{self.tag}",
            "journal_text": f"Journalmarkör{self.tag}",
            "contact_street": f"{CANARY_STREET} {self.number}",
            "contact_phone": f"{CANARY_PHONE}{self.number:02d}11",
            "risk_rationale": f"Riskmarkör{self.tag}",
            "plan_text": f"Planmarkör{self.tag}",
            "safe_code": f"Kodmarkör{self.tag}",
            "minutes_text": f"Protokollmarkör{self.tag}",
            "support_text": f"Stödmarkör{self.tag}",
            "legal_number": f"K{self.number}0001-26",
            # The tip of the matrix run (tests.authz.harness.TipRows), the same for every world.
            "tip_raw": TIP_RAW_MARKER,
            "tip_contact": TIP_CONTACT_MARKER,
            "tip_summary": TIP_SUMMARY_MARKER,
        }


def _person(owner: User, unit: Any, first: str, last: str, **extra: Any) -> Person:
    details = {"first_name": first, "last_name": last, "identity_kind": "none"}
    return people_actions.register_person(actor=owner, unit=unit, details={**details, **extra})


def build_world(personas: Personas, state: str, number: int) -> World:
    owner, unit = personas.police_a, personas.unit_a
    tag = f"{number:02d}q"
    subject = _person(
        owner,
        unit,
        "Vera",
        f"Subjekt{tag}",
        protection="staff_marked",
        phone=f"{CANARY_PHONE}{number:02d}11",
        street_address=f"{CANARY_STREET} {number}",
        postal_code="11800",
        city="Stockholm",
    )
    perpetrator = _person(owner, unit, "Ulf", f"Utovare{tag}")
    spare = _person(owner, unit, "Sten", f"Reserv{tag}")
    case = case_actions.open_case(actor=owner, unit=unit, details={"title": f"Ärende{tag}"})
    subject_role = "child" if state == "statutory" else "victim"
    subject_party = case_actions.add_party(
        actor=owner, case=case, person=subject, role=subject_role
    )
    perpetrator_party = case_actions.add_party(
        actor=owner, case=case, person=perpetrator, role="perpetrator"
    )
    # An earlier incident first, so the marked incident's id is never its case's id: a page
    # that records the one for the other shows in the disclosure register.
    case_actions.record_incident(
        actor=owner,
        case=case,
        details={"occurred_at": timezone.now() - 9 * DAY, "kinds": ["economic"]},
    )
    incident = case_actions.record_incident(
        actor=owner,
        case=case,
        details={
            "occurred_at": timezone.now() - DAY,
            "kinds": ["physical"],
            "place": f"Platsmarkör{tag}",
        },
    )
    journal = case_actions.write_journal_entry(actor=owner, case=case, text=f"Journalmarkör{tag}")
    child = _person(owner, unit, "Kim", f"Barn{tag}")
    case_actions.add_party(actor=owner, case=case, person=child, role="child")
    report = sharing_actions.draft_report_of_concern(
        actor=owner,
        case=case,
        child=child,
        concern=f"Oromarkör{tag}",
        justification="Barnet hörde våldet.",
        incident=incident,
    )
    world = World(
        state=state,
        number=number,
        subject=subject,
        perpetrator=perpetrator,
        spare=spare,
        case=case,
        subject_party=subject_party,
        perpetrator_party=perpetrator_party,
        incident=incident,
        journal=journal,
        report=report,
    )
    world.extra.update(_risk_rows(personas, world))
    world.extra.update(_support_rows(personas, world))
    world.basis = _put_in_state(personas, world)
    return world


def _risk_rows(personas: Personas, world: World) -> dict[str, Any]:
    """An assessment with a scan, a safety plan, safe-contact rules, a contact ban and a
    conference with the case on its agenda, all of the owner (igor.risk)."""
    owner, tag, today = personas.police_a, world.tag, timezone.localdate()
    assessment = risk_actions.record_external_result(
        actor=owner,
        case=world.case,
        person=world.subject,
        instrument_name="SARA:SV",
        assessed_on=today,
        assessor_name="Inspektör Matris",
        level="high",
        rationale=f"Riskmarkör{tag}",
        scan=("skanning.pdf", "application/pdf", b"%PDF-1.4 matris"),
    )
    risk_actions.write_safety_plan(
        actor=owner,
        case=world.case,
        person=world.subject,
        sections={"before": (f"Planmarkör{tag}", True)},
    )
    risk_actions.save_safe_contact(
        actor=owner, person=world.subject, details={"code_word": f"Kodmarkör{tag}"}
    )
    measure = risk_actions.add_measure(
        actor=owner,
        case=world.case,
        person=world.subject,
        details={
            "kind": "contact_ban",
            "status": "granted",
            "applied_on": today - 10 * DAY,
            "decided_on": today - 5 * DAY,
            "starts_on": today - 5 * DAY,
            "expires_on": today + 60 * DAY,
        },
    )
    conference = risk_actions.create_conference(
        actor=owner, unit=personas.unit_a, kind="huddle", held_on=today
    )
    item = risk_actions.add_to_agenda(
        actor=owner, conference=conference, case=world.case, reasons=["high_level"]
    )
    risk_actions.write_minutes(actor=owner, item=item, summary="", minutes=f"Protokollmarkör{tag}")
    action = risk_actions.add_conference_action(
        actor=owner, item=item, description="Följ upp larmet", owner=owner, due_on=today
    )
    plan = SafetyPlan.objects.get(case=world.case, person=world.subject)
    return {
        "risk_assessment": assessment,
        "safety_plan": plan,
        "protective_measure": measure,
        "conference": conference,
        "conference_item": item,
        "conference_action": action,
    }


def _support_rows(personas: Personas, world: World) -> dict[str, Any]:
    """One row of each kind the support pages open by id, in the world's case."""
    owner, case, today = personas.police_a, world.case, timezone.localdate()
    provider = support_actions.add_provider(
        actor=personas.lead_a,
        unit=personas.unit_a,
        details={"name": f"Skyddat boende {world.tag}", "kind": "sheltered_housing"},
    )
    victim = {"actor": owner, "case": case, "person": world.subject}
    referral = support_actions.send_referral(
        **{**victim, "person": world.perpetrator},
        provider=provider,
        purpose=f"Stödmarkör{world.tag}",
        sent_on=today,
    )
    intervention = support_actions.record_intervention(
        **victim, kind="advice", started_on=today - 2 * DAY
    )
    outreach = support_actions.plan_outreach(
        actor=owner,
        case=case,
        person=world.perpetrator,
        method="home_visit",
        planned_for=timezone.now() + 2 * DAY,
    )
    transport = support_actions.book_transport(
        **victim,
        purpose="police_interview",
        departs_at=timezone.now() + DAY,
        from_place=f"Hämtplats{world.tag}",
        to_place="Polishuset Kungsholmen",
    )
    placement = support_actions.place_in_shelter(
        **victim, provider=provider, moved_in_on=today - 3 * DAY, address=f"Boendeadress{world.tag}"
    )
    process = support_actions.record_legal_process(
        actor=owner, case=case, report_number=f"K{world.number}0001-26", details={}
    )
    task = support_actions.create_task(
        actor=owner, unit=personas.unit_a, title="Ring tillbaka", due_on=today, assignee=owner
    )
    return {
        "provider": provider,
        "referral": referral,
        "intervention": intervention,
        "outreach": outreach,
        "transport": transport,
        "placement": placement,
        "legal_process": process,
        "task": task,
    }


def _scope(categories: frozenset[str]) -> dict[str, bool]:
    return {f"covers_{name}": name in categories for name in ALL_CATEGORIES}


def _consent(personas: Personas, subject: Person, **kwargs: Any) -> SharingBasis:
    arguments: dict[str, Any] = {
        "actor": personas.police_a,
        "subject": subject,
        "recipient": personas.social_org_a,
        "purpose": "samordnat stöd",
        "consent_form": "oral",
        "witness": "Vera Vittne",
        "scope": _scope(ALL_CATEGORIES),
        "valid_until": None,
    }
    return sharing_actions.record_consent(**{**arguments, **kwargs})


def _put_in_state(personas: Personas, world: World) -> SharingBasis | None:
    """Record the sharing basis that makes the world's state; None when there is none."""
    state, subject, now = world.state, world.subject, timezone.now()
    match state:
        case "none":
            return None
        case (
            "consent"
            | "consent_person_only"
            | "consent_case_only"
            | "consent_incidents"
            | "consent_risk_assessment"
            | "consent_safety_plan"
            | "consent_support"
        ):
            return _consent(personas, subject, scope=_scope(STATES[state].covers))
        case "consent_narrowed":
            return sharing_actions.narrow_basis(
                actor=personas.police_a, basis=_consent(personas, subject), categories={"person"}
            )
        case "consent_purpose_changed":
            return sharing_actions.reconfirm_consent(
                actor=personas.police_a,
                basis=_consent(personas, subject),
                purpose="samordnat stöd och skydd",
                consent_form="oral",
                witness="Vera Vittne",
                valid_until=None,
            )
        case "statutory_pending" | "statutory_approved" | "statutory_refused":
            basis = sharing_actions.record_statutory_basis(
                actor=personas.police_a,
                subject=subject,
                recipient=personas.social_org_a,
                ground="osl_10_2",
                conditions={"necessary": True},
                details={"justification": "Behövs för att kunna skydda den utsatta"},
                purpose="skydd",
                scope=_scope(frozenset(ALL_CATEGORIES)),
                valid_until=None,
            )
            if state == "statutory_pending":
                return basis
            return sharing_actions.decide_basis(
                actor=personas.lead_a,
                basis=basis,
                approve=state == "statutory_approved",
                note="" if state == "statutory_approved" else "Inte nödvändigt",
            )
        case "consent_other_case":
            other = case_actions.open_case(
                actor=personas.police_a, unit=personas.unit_a, details={"title": "Annat ärende"}
            )
            case_actions.add_party(
                actor=personas.police_a, case=other, person=subject, role="victim"
            )
            return _consent(personas, subject, case=other)
        case "consent_other_person":
            someone = _person(personas.police_a, personas.unit_a, "Olle", f"Annan{world.tag}")
            return _consent(personas, someone)
        case "consent_expired":
            return _consent(personas, subject, valid_from=now - 30 * DAY, valid_until=now - DAY)
        case "consent_not_yet_valid":
            return _consent(personas, subject, valid_from=now + DAY, valid_until=now + 30 * DAY)
        case "consent_withdrawn":
            basis = _consent(personas, subject)
            return sharing_actions.withdraw_basis(actor=personas.police_a, basis=basis)
        case "statutory":
            return sharing_actions.record_statutory_basis(
                actor=personas.police_a,
                subject=subject,
                recipient=personas.social_org_a,
                ground="orosanmalan",
                conditions=OROSANMALAN_CONDITIONS,
                details={"justification": "Barnet hörde våldet"},
                purpose="orosanmälan om barn",
                scope=_scope(ALL_CATEGORIES),
                valid_until=None,
            )
    raise AssertionError(f"the matrix names a state the world cannot build: {state}")


def build_worlds(personas: Personas) -> list[World]:
    return [build_world(personas, state, number) for number, state in enumerate(STATES, start=1)]
