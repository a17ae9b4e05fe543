"""Every action writes its documented audit events, in order, and nothing when it refuses."""

from __future__ import annotations

import datetime
import importlib
import inspect
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

import igor
from igor.accounts import actions as accounts
from igor.audit.models import AuditEvent
from igor.audit.record import verify
from igor.cases import actions as cases
from igor.cases.models import Case, Incident, JournalEntry, Party
from igor.people import actions as people
from igor.people.matching import record_of
from igor.people.models import DuplicatePair, Person
from igor.people.scoring import DEFAULT_MODEL
from igor.risk import actions as risk
from igor.sharing import actions as sharing
from igor.stats import actions as stats
from igor.stats.models import Extract, Study
from igor.support import actions as support
from igor.tips import actions as tips
from igor.tips.receipts import code_digest
from igor.tips.tests.make import send_tip
from tests.builders import make_case, make_person
from tests.personas import Personas, logged_in


@dataclass
class World:
    p: Personas
    person: Person
    other: Person
    case: Case
    victim: Party
    perpetrator: Party
    social_person: Person  # social services' rows, which the tip triage officer works with
    social_case: Case


@pytest.fixture
def world(personas: Personas) -> World:
    officer = personas.police_a
    person = make_person(officer, first_name="Vera")
    other = make_person(officer, first_name="Pelle")
    case = make_case(officer)
    victim = cases.add_party(actor=officer, case=case, person=person, role="victim")
    perpetrator = cases.add_party(actor=officer, case=case, person=other, role="perpetrator")
    social = personas.social_a
    return World(
        personas,
        person,
        other,
        case,
        victim,
        perpetrator,
        make_person(social, first_name="Siv"),
        make_case(social),
    )


def _consent(w: World) -> object:
    return sharing.record_consent(
        actor=w.p.police_a,
        subject=w.person,
        recipient=w.p.social_org_a,
        purpose="support",
        consent_form="oral",
        witness="Vera Vittne",
        scope={"covers_person": True},
        valid_until=None,
    )


def _statutory(w: World) -> Callable[[], object]:
    social = w.p.social_a
    subject = make_person(social, first_name="Sam")
    return lambda: sharing.record_statutory_basis(
        actor=social,
        subject=subject,
        recipient=w.p.police_org_a,
        ground="osl_10_18c",
        conditions={
            "risk": True,
            "prevents": True,
            "not_inappropriate": True,
            "not_past_crime": True,
        },
        details={
            "feared_crime": "grov misshandel",
            "close_relation": "sambo",
            "justification": "hot",
        },
        purpose="prevent violence",
        scope={"covers_person": True},
        valid_until=None,
    )


def _add_party(w: World) -> Callable[[], object]:
    child = make_person(w.p.police_a, first_name="Kim")
    return lambda: cases.add_party(actor=w.p.police_a, case=w.case, person=child, role="child")


def _found_pair(w: World) -> list[tuple[Person, Person, object]]:
    from igor.people.scoring import match

    twin = make_person(w.p.police_a, first_name="Vera")
    result = match(record_of(w.person), record_of(twin))
    return [(w.person, twin, result)]


def _stored_pair(w: World) -> DuplicatePair:
    people.store_duplicate_pairs(
        actor=None,
        organisation_id=w.p.police_org_a.pk,
        unit_id=w.p.unit_a.pk,
        found=_found_pair(w),  # type: ignore[arg-type]
        actor_label="igor dedupe",
    )
    return DuplicatePair.objects.get()


def _store_pairs(w: World) -> Callable[[], object]:
    found = _found_pair(w)
    return lambda: people.store_duplicate_pairs(
        actor=None,
        organisation_id=w.p.police_org_a.pk,
        unit_id=w.p.unit_a.pk,
        found=found,  # type: ignore[arg-type]
        actor_label="igor dedupe",
    )


def _merge(w: World) -> Callable[[], object]:
    pair = _stored_pair(w)
    return lambda: people.merge_persons(actor=w.p.police_a, pair=pair, survivor=w.person)


def _distinct(w: World) -> Callable[[], object]:
    pair = _stored_pair(w)
    return lambda: people.mark_distinct(actor=w.p.police_a, pair=pair)


def _undo_merge(w: World) -> Callable[[], object]:
    pair = _stored_pair(w)
    merge = people.merge_persons(actor=w.p.police_a, pair=pair, survivor=w.person)
    return lambda: people.undo_merge(actor=w.p.police_a, merge=merge)


def _repeat(w: World) -> Callable[[], object]:
    later = make_case(w.p.police_a, "Ny partner")
    Party.objects.create(case=later, person=w.other, role="perpetrator")
    return lambda: people.note_repeat_perpetrator(actor=w.p.police_a, case=later, person=w.other)


def _withdraw(w: World) -> Callable[[], object]:
    basis = _consent(w)
    return lambda: sharing.withdraw_basis(actor=w.p.police_a, basis=basis)  # type: ignore[arg-type]


def _narrow(w: World) -> Callable[[], object]:
    basis = sharing.record_consent(
        actor=w.p.police_a,
        subject=w.person,
        recipient=w.p.social_org_a,
        purpose="support",
        consent_form="oral",
        witness="Vera Vittne",
        categories={"person", "contact"},
        valid_until=None,
    )
    return lambda: sharing.narrow_basis(actor=w.p.police_a, basis=basis, categories={"person"})


def _reconfirm(w: World) -> Callable[[], object]:
    basis = _consent(w)
    return lambda: sharing.reconfirm_consent(
        actor=w.p.police_a,
        basis=basis,  # type: ignore[arg-type]
        purpose="support and protection",
        consent_form="oral",
        witness="Vera Vittne",
        valid_until=None,
    )


def _decide(w: World) -> Callable[[], object]:
    basis = _statutory(w)()
    return lambda: sharing.decide_basis(actor=w.p.lead_a, basis=basis, approve=True)  # type: ignore[arg-type]


def _child_case(w: World) -> Any:
    child = make_person(w.p.police_a, first_name="Kim")
    cases.add_party(actor=w.p.police_a, case=w.case, person=child, role="child")
    return child


def _draft(w: World) -> Any:
    return sharing.draft_report_of_concern(
        actor=w.p.police_a,
        case=w.case,
        child=_child_case(w),
        concern="Barnet hörde våldet i natt.",
        justification="Barnet var hemma och hörde hoten.",
    )


def _sent(w: World) -> Any:
    return sharing.send_report_of_concern(actor=w.p.police_a, report=_draft(w))


def _device(w: World) -> TOTPDevice:
    return TOTPDevice.objects.get(user=w.p.police_a)


def _past() -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=1)


def _no_risk(**yes: str) -> dict[str, str]:
    from igor.risk.instruments import DEFAULT, current

    instrument = current(DEFAULT)
    assert instrument is not None
    return {item.id: yes.get(item.id, "no") for item in instrument.items}


def _assess(w: World, **kwargs: object) -> object:
    arguments: dict[str, object] = {
        "actor": w.p.police_a,
        "case": w.case,
        "person": w.person,
        "instrument_key": "igor-screening@1",
        "answers": _no_risk(),
        "level": "medium",
        "rationale": "Hon är rädd.",
    }
    return risk.assess_with_instrument(**{**arguments, **kwargs})  # type: ignore[arg-type]


def _decide_lowering(w: World) -> Callable[[], object]:
    officer, lead = w.p.police_b, w.p.lead_b  # in unit B the lead is police
    person = make_person(officer, first_name="Nora")
    case = make_case(officer)
    cases.add_party(actor=officer, case=case, person=person, role="victim")
    lowered = risk.assess_with_instrument(
        actor=officer,
        case=case,
        person=person,
        instrument_key="igor-screening@1",
        answers=_no_risk(threat_to_kill="yes"),
        level="low",
        rationale="Hotet togs tillbaka.",
        request_approval=True,
    )
    return lambda: risk.decide_lowering(actor=lead, assessment=lowered, approve=True)


def _contact_ban(w: World) -> object:
    today = timezone.localdate()
    return risk.add_measure(
        actor=w.p.police_a,
        case=w.case,
        person=w.person,
        details={
            "kind": "contact_ban",
            "status": "granted",
            "applied_on": today - datetime.timedelta(days=9),
            "decided_on": today - datetime.timedelta(days=5),
            "starts_on": today - datetime.timedelta(days=5),
            "expires_on": today + datetime.timedelta(days=30),
            "level": "high",
        },
    )


def _conference(w: World) -> object:
    return risk.create_conference(
        actor=w.p.police_a, unit=w.p.unit_a, kind="huddle", held_on=timezone.localdate()
    )


def _agenda_item(w: World) -> object:
    return risk.add_to_agenda(
        actor=w.p.police_a,
        conference=_conference(w),
        case=w.case,
        reasons=["high_level"],  # type: ignore[arg-type]
    )


def _provider(w: World, kind: str = "treatment") -> object:
    return support.add_provider(
        actor=w.p.lead_a, unit=w.p.unit_a, details={"name": f"Utförare {kind}", "kind": kind}
    )


def _referral(w: World) -> object:
    return support.send_referral(
        actor=w.p.police_a,
        case=w.case,
        person=w.other,
        provider=_provider(w),  # type: ignore[arg-type]
        purpose="Behandling",
        sent_on=timezone.localdate(),
    )


def _intervention(w: World) -> object:
    return support.record_intervention(
        actor=w.p.police_a,
        case=w.case,
        person=w.person,
        kind="advice",
        started_on=timezone.localdate(),
    )


def _transport(w: World) -> object:
    return support.book_transport(
        actor=w.p.police_a,
        case=w.case,
        person=w.person,
        purpose="police_interview",
        departs_at=timezone.now() + datetime.timedelta(hours=3),
        from_place="A",
        to_place="B",
    )


def _placement(w: World) -> object:
    return support.place_in_shelter(
        actor=w.p.police_a,
        case=w.case,
        person=w.person,
        provider=_provider(w, "sheltered_housing"),  # type: ignore[arg-type]
        moved_in_on=timezone.localdate(),
        address="Hemlig väg 3",
    )


def _planned(w: World) -> object:
    return support.plan_outreach(
        actor=w.p.police_a,
        case=w.case,
        person=w.other,
        method="home_visit",
        planned_for=timezone.now() + datetime.timedelta(days=1),
    )


def _conference_action(w: World) -> object:
    return risk.add_conference_action(
        actor=w.p.police_a,
        item=_agenda_item(w),  # type: ignore[arg-type]
        description="Ansök om kontaktförbud",
        owner=w.p.police_a,
        due_on=timezone.localdate(),
    )


def _task_row(w: World) -> object:
    return support.create_task(
        actor=w.p.police_a, unit=w.p.unit_a, title="Ring", due_on=timezone.localdate()
    )


def _legal(w: World) -> object:
    return support.record_legal_process(
        actor=w.p.police_a, case=w.case, report_number="K1234-26", details={}
    )


def _after(
    prepare: Callable[[World], object], act: Callable[[World, Any], object]
) -> Callable[[World], Callable[[], object]]:
    """A setup that prepares a row first (its events are not the action's), then acts on it."""

    def setup(w: World) -> Callable[[], object]:
        ready = prepare(w)
        return lambda: act(w, ready)

    return setup


# Each action: a setup step that prepares what the call needs and returns the call itself.
SETUP: dict[str, Callable[[World], Callable[[], object]]] = {
    "accounts.record_login": lambda w: (
        lambda: accounts.record_login(user=w.p.police_a, session_key="k" * 32, device=_device(w))
    ),
    "accounts.record_failed_login": lambda w: (
        lambda: accounts.record_failed_login(username="nobody", stage="password")
    ),
    "accounts.end_all_sessions": lambda w: (
        lambda: accounts.end_all_sessions(user=w.p.police_a, reason="logout")
    ),
    "accounts.deactivate_user": lambda w: (
        lambda: accounts.deactivate_user(actor=w.p.admin, user=w.p.police_b)
    ),
    "accounts.issue_authenticator": lambda w: (
        lambda: accounts.issue_authenticator(actor=w.p.admin, user=w.p.police_b)
    ),
    "accounts.create_api_token": lambda w: (
        lambda: accounts.create_api_token(actor=w.p.police_a, user=w.p.police_a, name="test")
    ),
    "people.register_person": lambda w: lambda: make_person(w.p.social_a),
    "people.update_person": lambda w: (
        lambda: people.update_person(
            actor=w.p.police_a, person=w.person, details={"languages": "svenska"}
        )
    ),
    "people.reveal_protected_details": lambda w: (
        lambda: people.reveal_protected_details(
            actor=w.p.police_a, person=w.person, reason="hot om våld i kväll"
        )
    ),
    "people.store_duplicate_pairs": _store_pairs,
    "people.merge_persons": _merge,
    "people.undo_merge": _undo_merge,
    "people.mark_distinct": _distinct,
    "people.note_repeat_perpetrator": _repeat,
    "people.save_match_model": lambda w: (
        lambda: people.save_match_model(
            actor=None,
            actor_label="igor match_train",
            model=DEFAULT_MODEL,
            random_pairs=0,
            candidate_pairs=0,
        )
    ),
    "cases.open_case": lambda w: lambda: make_case(w.p.social_a),
    "cases.update_case": lambda w: (
        lambda: cases.update_case(actor=w.p.police_a, case=w.case, details={"status": "active"})
    ),
    "cases.add_party": _add_party,
    "cases.relate_parties": lambda w: (
        lambda: cases.relate_parties(
            actor=w.p.police_a,
            case=w.case,
            from_party=w.perpetrator,
            to_party=w.victim,
            kind="former_partner",
        )
    ),
    "cases.record_incident": lambda w: (
        lambda: cases.record_incident(
            actor=w.p.police_a, case=w.case, details={"occurred_at": _past(), "kinds": ["physical"]}
        )
    ),
    "cases.write_journal_entry": lambda w: (
        lambda: cases.write_journal_entry(actor=w.p.police_a, case=w.case, text="Första samtalet.")
    ),
    "risk.assess_with_instrument": lambda w: lambda: _assess(w),
    "risk.record_external_result": lambda w: (
        lambda: risk.record_external_result(
            actor=w.p.police_a,
            case=w.case,
            person=w.person,
            instrument_name="SARA:SV",
            assessed_on=timezone.localdate(),
            assessor_name="Inspektör Berg",
            level="high",
            rationale="Upptrappning.",
        )
    ),
    "risk.record_victim_estimate": lambda w: (
        lambda: risk.record_victim_estimate(
            actor=w.p.police_a,
            case=w.case,
            person=w.person,
            level="high",
            in_her_words="Jag är rädd.",
            assessed_on=timezone.localdate(),
        )
    ),
    "risk.decide_lowering": _decide_lowering,
    "risk.save_safe_contact": lambda w: (
        lambda: risk.save_safe_contact(
            actor=w.p.police_a, person=w.person, details={"safe_times": "9–11"}
        )
    ),
    "risk.write_safety_plan": lambda w: (
        lambda: risk.write_safety_plan(
            actor=w.p.police_a, case=w.case, person=w.person, sections={"before": ("Väska", True)}
        )
    ),
    "risk.add_measure": lambda w: lambda: _contact_ban(w),
    "risk.update_measure": lambda w: (
        lambda m: (
            lambda: risk.update_measure(actor=w.p.police_a, measure=m, details={"status": "ended"})
        )
    )(_contact_ban(w)),
    "risk.record_breach": lambda w: (
        lambda m: (
            lambda: risk.record_breach(
                actor=w.p.police_a, measure=m, occurred_at=_past(), description="Ringde."
            )
        )
    )(_contact_ban(w)),
    "risk.create_conference": lambda w: lambda: _conference(w),
    "risk.add_to_agenda": lambda w: (
        lambda c: (
            lambda: risk.add_to_agenda(actor=w.p.police_a, conference=c, case=w.case, reasons=[])
        )
    )(_conference(w)),
    "risk.write_minutes": lambda w: (
        lambda i: (
            lambda: risk.write_minutes(
                actor=w.p.police_a, item=i, summary="", minutes="Beslut: ansök om kontaktförbud."
            )
        )
    )(_agenda_item(w)),
    "risk.add_conference_action": lambda w: (
        lambda i: (
            lambda: risk.add_conference_action(
                actor=w.p.police_a,
                item=i,
                description="Ansök om kontaktförbud",
                owner=w.p.social_a,
                due_on=timezone.localdate(),
            )
        )
    )(_agenda_item(w)),
    "risk.set_conference_action_done": _after(
        lambda w: _conference_action(w),
        lambda w, a: risk.set_conference_action_done(actor=w.p.police_a, action=a, done=True),
    ),
    # The measure was made when she moved in, so following the placement again updates it.
    "risk.follow_placement": _after(
        lambda w: _placement(w),
        lambda w, p: risk.follow_placement(actor=w.p.police_a, placement=p),
    ),
    "sharing.record_consent": lambda w: lambda: _consent(w),
    "sharing.record_statutory_basis": _statutory,
    "sharing.withdraw_basis": _withdraw,
    "sharing.narrow_basis": _narrow,
    "sharing.reconfirm_consent": _reconfirm,
    "sharing.decide_basis": _decide,
    "sharing.draft_report_of_concern": lambda w: (
        lambda child: (
            lambda: sharing.draft_report_of_concern(
                actor=w.p.police_a,
                case=w.case,
                child=child,
                concern="Barnet såg våldet.",
                justification="Barnet var hemma.",
            )
        )
    )(_child_case(w)),
    "sharing.send_report_of_concern": lambda w: (
        lambda report: lambda: sharing.send_report_of_concern(actor=w.p.police_a, report=report)
    )(_draft(w)),
    "sharing.receive_report_of_concern": lambda w: (
        lambda report: lambda: sharing.receive_report_of_concern(actor=w.p.social_a, report=report)
    )(_sent(w)),
    "sharing.respond_to_report_of_concern": lambda w: (
        lambda report: (
            lambda: sharing.respond_to_report_of_concern(
                actor=w.p.social_a, report=report, response="Utredning inleds."
            )
        )
    )(sharing.receive_report_of_concern(actor=w.p.social_a, report=_sent(w))),
    "sharing.break_the_glass": lambda w: (
        lambda: sharing.break_the_glass(
            actor=w.p.police_b,
            object_type="person",
            object_id=w.person.pk,
            reason="Akut fara för den utsatta i natt, behöver adressen",
        )
    ),
    "support.add_provider": lambda w: lambda: _provider(w),
    "support.update_provider": _after(
        lambda w: _provider(w),
        lambda w, p: support.update_provider(
            actor=w.p.lead_a,
            provider=p,  # type: ignore[arg-type]
            details={"capacity": 4},
        ),
    ),
    "support.plan_outreach": lambda w: (
        lambda: support.plan_outreach(
            actor=w.p.police_a,
            case=w.case,
            person=w.other,
            method="home_visit",
            planned_for=timezone.now() + datetime.timedelta(days=1),
        )
    ),
    "support.edit_planned_outreach": _after(
        lambda w: _planned(w),
        lambda w, c: support.edit_planned_outreach(
            actor=w.p.police_a,
            contact=c,
            method="phone",
            planned_for=timezone.now() + datetime.timedelta(days=2),
        ),
    ),
    "support.cancel_planned_outreach": _after(
        lambda w: _planned(w),
        lambda w, c: support.cancel_planned_outreach(actor=w.p.police_a, contact=c),
    ),
    "support.record_outreach": lambda w: (
        lambda: support.record_outreach(
            actor=w.p.police_a,
            case=w.case,
            person=w.other,
            method="home_visit",
            done_at=_past(),
            result="reached",
            offer="treatment",
            answer="thinking",
            follow_up_on=timezone.localdate(),
        )
    ),
    "support.send_referral": _after(
        lambda w: _provider(w),
        lambda w, p: support.send_referral(
            actor=w.p.police_a,
            case=w.case,
            person=w.other,
            provider=p,  # type: ignore[arg-type]
            purpose="Behandling",
            sent_on=timezone.localdate(),
        ),
    ),
    "support.edit_referral": _after(
        lambda w: _referral(w),
        lambda w, r: support.edit_referral(
            actor=w.p.police_a,
            referral=r,
            provider=r.provider,
            purpose="Behandling mot våld",
            sent_on=timezone.localdate(),
        ),
    ),
    "support.update_referral": _after(
        lambda w: _referral(w),
        lambda w, r: support.update_referral(
            actor=w.p.police_a, referral=r, status="accepted", on=timezone.localdate()
        ),
    ),
    "support.record_intervention": lambda w: lambda: _intervention(w),
    "support.edit_intervention": _after(
        lambda w: _intervention(w),
        lambda w, i: support.edit_intervention(
            actor=w.p.police_a, intervention=i, kind="advice", started_on=timezone.localdate()
        ),
    ),
    "support.end_intervention": _after(
        lambda w: _intervention(w),
        lambda w, i: support.end_intervention(
            actor=w.p.police_a, intervention=i, ended_on=timezone.localdate(), outcome="achieved"
        ),
    ),
    "support.book_transport": lambda w: lambda: _transport(w),
    "support.edit_transport": _after(
        lambda w: _transport(w),
        lambda w, t: support.edit_transport(
            actor=w.p.police_a,
            transport=t,
            purpose="police_interview",
            departs_at=timezone.now() + datetime.timedelta(hours=4),
            from_place="A",
            to_place="C",
        ),
    ),
    "support.set_transport_status": _after(
        lambda w: _transport(w),
        lambda w, t: support.set_transport_status(
            actor=w.p.police_a, transport=t, status="cancelled"
        ),
    ),
    "support.place_in_shelter": _after(
        lambda w: _provider(w, "sheltered_housing"),
        lambda w, p: support.place_in_shelter(
            actor=w.p.police_a,
            case=w.case,
            person=w.person,
            provider=p,
            moved_in_on=timezone.localdate(),
            address="Hemlig väg 3",
        ),
    ),
    "support.end_placement": _after(
        lambda w: _placement(w),
        lambda w, p: support.end_placement(
            actor=w.p.police_a, placement=p, moved_out_on=timezone.localdate()
        ),
    ),
    "support.reveal_protected_places": lambda w: (
        lambda: support.reveal_protected_places(actor=w.p.police_a, case=w.case, reason="Transport")
    ),
    "support.record_legal_process": lambda w: lambda: _legal(w),
    "support.add_legal_event": _after(
        lambda w: _legal(w),
        lambda w, p: support.add_legal_event(
            actor=w.p.police_a,
            process=p,
            kind="main_hearing",
            at=timezone.now() + datetime.timedelta(days=10),
        ),
    ),
    "support.create_task": lambda w: (
        lambda: support.create_task(
            actor=w.p.police_a, unit=w.p.unit_a, title="Ring", due_on=timezone.localdate()
        )
    ),
    "support.edit_task": _after(
        lambda w: _task_row(w),
        lambda w, t: support.edit_task(
            actor=w.p.police_a, task=t, title="Ring igen", due_on=timezone.localdate()
        ),
    ),
    "support.complete_task": _after(
        lambda w: _task_row(w),
        lambda w, t: support.complete_task(actor=w.p.police_a, task=t),
    ),
    "support.record_snapshot": lambda w: (
        lambda: support.record_snapshot(
            actor=w.p.police_a,
            case=w.case,
            person=w.other,
            stage="intake",
            details={
                "danger_level": "high",
                "violence_ongoing": "yes",
                "safety": "unsafe",
                "support_received": "no",
            },
        )
    ),
    "support.close_case": lambda w: (
        lambda: support.close_case(
            actor=w.p.police_a,
            case=w.case,
            reason="goals_met",
            override_reason="Inga mätningar gjordes",
        )
    ),
}


def _tip(w: World, **summary: object) -> object:
    sent = send_tip(w.p.unit_a)
    if summary:
        tips.write_summary(
            actor=w.p.triage_a, tip=sent.tip, summary="Oro för en familj.", protect_tipster=False
        )
    return sent


def _closed_tip(w: World) -> object:
    tip = _tip(w, summary=True).tip  # type: ignore[attr-defined]
    return tips.close_with_outcome(
        actor=w.p.triage_a, tip=tip, outcome="no_action", reason="Inget att gå vidare med."
    )


def _tipster_reply(w: World) -> Callable[[], object]:
    sent = _tip(w)
    digest = code_digest(sent.code.replace(" ", ""))  # type: ignore[attr-defined]
    return lambda: tips.tipster_reply(tip=sent.tip, body="Två barn bor där.", code_digest=digest)  # type: ignore[attr-defined]


def _tipster_delete(w: World) -> Callable[[], object]:
    sent = _tip(w)
    tip = sent.tip  # type: ignore[attr-defined]
    message = tips.tipster_reply(tip=tip, body="Fel svar.", code_digest="")
    return lambda: tips.tipster_delete_reply(tip=tip, message_id=message.pk)


def _tipster_reads(w: World) -> Callable[[], object]:
    tip = _tip(w).tip  # type: ignore[attr-defined]
    tips.reply_to_tipster(actor=w.p.triage_a, tip=tip, body="Hur gammal är han?")
    return lambda: tips.mark_read_by_tipster(tip=tip)


def _retention(w: World) -> Callable[[], object]:
    _closed_tip(w)
    later = timezone.now() + datetime.timedelta(days=400)
    return lambda: tips.delete_for_retention(now=later)


def _unlink(w: World) -> Callable[[], object]:
    tip = _tip(w).tip  # type: ignore[attr-defined]
    tips.link_person(actor=w.p.triage_a, tip=tip, person=w.social_person)
    return lambda: tips.unlink_person(actor=w.p.triage_a, tip=tip, person_id=w.social_person.pk)


def _reopen(w: World) -> Callable[[], object]:
    tip = _closed_tip(w)
    return lambda: tips.reopen(actor=w.p.triage_a, tip=tip)  # type: ignore[arg-type]


def _help_entry(w: World) -> object:
    return tips.save_help_entry(
        actor=w.p.lead_a,
        unit=w.p.unit_a,
        entry=None,
        details={"name": "Kvinnojouren", "helps_with": "Stöd", "position": 1},
    )


def _tip_line(w: World) -> object:
    return tips.save_tip_line(actor=w.p.lead_a, unit=w.p.unit_a, slug="sodermalm", open=True)


def _texts(w: World) -> Callable[[], object]:
    _tip_line(w)
    return lambda: tips.save_texts(
        actor=w.p.lead_a, unit=w.p.unit_a, language="sv", texts={"intro": "Hej"}
    )


def _delete_help_entry(w: World) -> Callable[[], object]:
    entry = _help_entry(w)
    return lambda: tips.delete_help_entry(actor=w.p.lead_a, entry=entry)  # type: ignore[arg-type]


def _on_tip(
    act: Callable[[World, object], object], *, summary: bool = False
) -> Callable[[World], Callable[[], object]]:
    """Setup: a tip sent (and summarised) first; the call is the action alone."""

    def setup(w: World) -> Callable[[], object]:
        tip = _tip(w, **({"summary": True} if summary else {})).tip  # type: ignore[attr-defined]
        return lambda: act(w, tip)

    return setup


def _close(w: World, tip: object) -> object:
    return tips.close_with_outcome(
        actor=w.p.triage_a,
        tip=tip,
        outcome="no_action",
        reason="Inget att gå vidare med.",  # type: ignore[arg-type]
    )


def _study(w: World) -> Study:
    return stats.register_study(
        actor=w.p.lead_a,
        name="Studie",
        ethics_reference="Dnr 2026-00002-01",
        period_start=datetime.date(2025, 1, 1),
        period_end=datetime.date(2025, 12, 31),
        units=[w.p.unit_a],
        variables=["status"],
        researcher=w.p.researcher,
        k=5,
    )


def _failed_extract(w: World) -> Callable[[], object]:
    study = _study(w)
    extract = Extract.objects.create(
        study=study,
        period_start=study.period_start,
        period_end=study.period_end,
        requested_by=w.p.researcher,
        status="failed",
    )
    return lambda: stats.retry_extract(actor=w.p.researcher, extract=extract)


def _request_extract(w: World) -> Callable[[], object]:
    study = _study(w)
    return lambda: stats.request_extract(
        actor=w.p.researcher,
        study=study,
        period_start=study.period_start,
        period_end=study.period_end,
        units=[w.p.unit_a],
    )


def _download(w: World) -> Callable[[], object]:
    study = _study(w)
    extract = Extract.objects.create(
        study=study,
        period_start=study.period_start,
        period_end=study.period_end,
        requested_by=w.p.researcher,
    )
    return lambda: stats.record_extract_download(actor=w.p.researcher, extract=extract)


SETUP.update(
    {
        "tips.store_submission": lambda w: lambda: _tip(w),
        "tips.tipster_reply": _tipster_reply,
        "tips.tipster_delete_reply": _tipster_delete,
        "tips.mark_read_by_tipster": _tipster_reads,
        "tips.update_triage": _on_tip(
            lambda w, tip: tips.update_triage(
                actor=w.p.triage_a,
                tip=tip,
                urgency="acute",
                assigned_to=w.p.police_a,  # type: ignore[arg-type]
            )
        ),
        "tips.write_summary": _on_tip(
            lambda w, tip: tips.write_summary(
                actor=w.p.triage_a,
                tip=tip,
                summary="Oro.",
                protect_tipster=True,  # type: ignore[arg-type]
            )
        ),
        "tips.link_person": _on_tip(
            lambda w, tip: tips.link_person(actor=w.p.triage_a, tip=tip, person=w.social_person)  # type: ignore[arg-type]
        ),
        "tips.unlink_person": _unlink,
        "tips.link_case": _on_tip(
            lambda w, tip: tips.link_case(actor=w.p.triage_a, tip=tip, case=w.social_case)  # type: ignore[arg-type]
        ),
        "tips.open_case_from_tip": _on_tip(
            lambda w, tip: tips.open_case_from_tip(actor=w.p.triage_a, tip=tip, title="Från tips"),  # type: ignore[arg-type]
            summary=True,
        ),
        "tips.close_with_outcome": _on_tip(_close, summary=True),
        "tips.reopen": _reopen,
        "tips.reply_to_tipster": _on_tip(
            lambda w, tip: tips.reply_to_tipster(actor=w.p.triage_a, tip=tip, body="Fråga")  # type: ignore[arg-type]
        ),
        "tips.delete_for_retention": _retention,
        "tips.save_tip_line": lambda w: lambda: _tip_line(w),
        "tips.save_texts": _texts,
        "tips.save_help_entry": lambda w: lambda: _help_entry(w),
        "tips.delete_help_entry": _delete_help_entry,
        "stats.register_study": lambda w: lambda: _study(w),
        "stats.request_extract": _request_extract,
        "stats.retry_extract": _failed_extract,
        "stats.record_extract_download": _download,
        "stats.record_figures_export": lambda w: (
            lambda: stats.record_figures_export(
                actor=w.p.lead_a, area="national", fmt="csv", periods=["2025", "2024"]
            )
        ),
    }
)

# The (verb, object type) of every event each action writes, in order.
EVENTS: dict[str, list[tuple[str, str]]] = {
    "accounts.record_login": [("login", "user")],
    "accounts.record_failed_login": [("login_failed", "user")],
    "accounts.end_all_sessions": [("logout", "user")],
    "accounts.deactivate_user": [("logout", "user"), ("update", "user")],
    "accounts.issue_authenticator": [("logout", "user"), ("update", "user")],
    "accounts.create_api_token": [("token", "api_token")],
    "people.register_person": [("create", "person")],
    "people.update_person": [("update", "person")],
    "people.reveal_protected_details": [("reveal", "person")],
    "people.store_duplicate_pairs": [("create", "duplicate_pair")],
    "people.merge_persons": [("merge", "person")],
    "people.undo_merge": [("undo_merge", "person")],
    "people.mark_distinct": [("update", "duplicate_pair")],
    "people.note_repeat_perpetrator": [("create", "repeat_alert")],
    "people.save_match_model": [("create", "match_model")],
    "cases.open_case": [("create", "case")],
    "cases.update_case": [("update", "case")],
    "cases.add_party": [("create", "party")],
    "cases.relate_parties": [("create", "relation")],
    "cases.record_incident": [("create", "incident")],
    "cases.write_journal_entry": [("create", "journal_entry")],
    "risk.assess_with_instrument": [("create", "risk_assessment")],
    "risk.record_external_result": [("create", "risk_assessment")],
    "risk.record_victim_estimate": [("create", "risk_assessment")],
    "risk.decide_lowering": [("approve", "risk_assessment")],
    "risk.save_safe_contact": [("create", "safe_contact")],
    "risk.write_safety_plan": [("create", "safety_plan")],
    "risk.add_measure": [("create", "protective_measure")],
    "risk.update_measure": [("update", "protective_measure")],
    "risk.record_breach": [("create", "breach")],
    "risk.create_conference": [("create", "conference")],
    "risk.add_to_agenda": [("create", "conference_item")],
    "risk.write_minutes": [("update", "conference_item")],
    "risk.add_conference_action": [("create", "conference_action")],
    "risk.set_conference_action_done": [("update", "conference_action")],
    "risk.follow_placement": [("update", "protective_measure")],
    "sharing.record_consent": [("create", "sharing_basis")],
    "sharing.record_statutory_basis": [("create", "sharing_basis")],
    "sharing.withdraw_basis": [("withdraw", "sharing_basis")],
    "sharing.narrow_basis": [("create", "sharing_basis")],
    "sharing.reconfirm_consent": [("create", "sharing_basis")],
    "sharing.decide_basis": [("update", "sharing_basis")],
    "sharing.draft_report_of_concern": [("create", "report_of_concern")],
    "sharing.send_report_of_concern": [
        ("create", "sharing_basis"),
        ("update", "report_of_concern"),
    ],
    "sharing.receive_report_of_concern": [("update", "report_of_concern")],
    "sharing.respond_to_report_of_concern": [("update", "report_of_concern")],
    "sharing.break_the_glass": [("break_glass", "person")],
    "tips.store_submission": [("create", "tip")],
    "tips.tipster_reply": [("create", "tip")],
    "tips.tipster_delete_reply": [("delete", "tip")],
    "tips.mark_read_by_tipster": [("read", "tip")],
    "tips.update_triage": [("update", "tip")],
    "tips.write_summary": [("update", "tip")],
    "tips.link_person": [("link", "tip")],
    "tips.unlink_person": [("unlink", "tip")],
    "tips.link_case": [("link", "tip")],
    "tips.open_case_from_tip": [("create", "case"), ("link", "tip")],
    "tips.close_with_outcome": [("close", "tip")],
    "tips.reopen": [("reopen", "tip")],
    "tips.reply_to_tipster": [("create", "tip")],
    "tips.delete_for_retention": [("delete", "tip")],
    "tips.save_tip_line": [("update", "tip_line")],
    "tips.save_texts": [("update", "tip_line_text")],
    "tips.save_help_entry": [("create", "help_entry")],
    "tips.delete_help_entry": [("delete", "help_entry")],
    "support.add_provider": [("create", "provider")],
    "support.update_provider": [("update", "provider")],
    "support.plan_outreach": [("create", "outreach_contact")],
    "support.edit_planned_outreach": [("update", "outreach_contact")],
    "support.cancel_planned_outreach": [("update", "outreach_contact")],
    "support.record_outreach": [("create", "outreach_contact"), ("create", "task")],
    "support.send_referral": [("create", "referral"), ("create", "task")],
    "support.edit_referral": [("update", "referral")],
    "support.update_referral": [("update", "referral")],
    "support.record_intervention": [("create", "intervention")],
    "support.edit_intervention": [("update", "intervention")],
    "support.end_intervention": [("update", "intervention")],
    "support.book_transport": [("create", "transport")],
    "support.edit_transport": [("update", "transport")],
    "support.set_transport_status": [("update", "transport")],
    # Moving in and out also makes and ends the sheltered-housing protective measure.
    "support.place_in_shelter": [
        ("create", "shelter_placement"),
        ("update", "person"),
        ("create", "protective_measure"),
    ],
    "support.end_placement": [
        ("update", "shelter_placement"),
        ("update", "protective_measure"),
    ],
    "support.reveal_protected_places": [("reveal", "support_places")],
    "support.record_legal_process": [("create", "legal_process")],
    "support.add_legal_event": [("create", "legal_event"), ("create", "task")],
    "support.create_task": [("create", "task")],
    "support.edit_task": [("update", "task")],
    "support.complete_task": [("update", "task")],
    "support.record_snapshot": [("create", "outcome_snapshot")],
    "support.close_case": [("create", "case_closure"), ("update", "case")],
    "stats.register_study": [("create", "study")],
    "stats.request_extract": [("create", "extract")],
    "stats.retry_extract": [("update", "extract")],
    "stats.record_extract_download": [("export", "extract")],
    "stats.record_figures_export": [("export", "figures")],
}


def _all_actions() -> set[str]:
    """Every public, transactional function in an app's actions module."""
    found = set()
    for module_info in pkgutil.iter_modules(igor.__path__):
        try:
            module = importlib.import_module(f"igor.{module_info.name}.actions")
        except ModuleNotFoundError:
            continue
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if function.__module__ == module.__name__ and hasattr(function, "__wrapped__"):
                if not name.startswith("_"):
                    found.add(f"{module_info.name}.{name}")
    return found


def test_it_knows_the_audit_events_of_every_action() -> None:
    assert _all_actions() == set(EVENTS), "add new actions (and their events) to this table"
    assert set(SETUP) == set(EVENTS)


@pytest.mark.parametrize("name", sorted(EVENTS))
def test_it_writes_the_documented_audit_events_for_each_action(world: World, name: str) -> None:
    call = SETUP[name](world)
    head = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
    call()
    written = list(
        AuditEvent.objects.filter(seq__gt=head).order_by("seq").values_list("verb", "object_type")
    )
    assert written == EVENTS[name]
    assert verify() == []


def _count_rows() -> tuple[int, ...]:
    return tuple(
        model.objects.count() for model in (Person, Case, Party, Incident, JournalEntry, AuditEvent)
    )


REFUSED: dict[str, Callable[[World], object]] = {
    "a person with a bad identity number": lambda w: make_person(
        w.p.police_a, identity_kind="personnummer", identity_number="185001011230"
    ),
    "a case without a title": lambda w: cases.open_case(
        actor=w.p.police_a, unit=w.p.unit_a, details={"title": ""}
    ),
    "an incident in the future": lambda w: cases.record_incident(
        actor=w.p.police_a,
        case=w.case,
        details={
            "occurred_at": timezone.now() + datetime.timedelta(days=1),
            "kinds": ["physical"],
        },
    ),
    "an empty journal entry": lambda w: cases.write_journal_entry(
        actor=w.p.police_a, case=w.case, text="   "
    ),
    "the same party twice": lambda w: cases.add_party(
        actor=w.p.police_a, case=w.case, person=w.person, role="victim"
    ),
    "a relation of a party to itself": lambda w: cases.relate_parties(
        actor=w.p.police_a, case=w.case, from_party=w.victim, to_party=w.victim, kind="partner"
    ),
    "a risk judgement without rationale": lambda w: _assess(w, rationale="  "),
    "risk answers outside the scale": lambda w: _assess(w, answers=_no_risk(weapon="maybe")),
    "a lowered risk level without approval": lambda w: _assess(
        w, answers=_no_risk(honour_context="yes"), level="low"
    ),
    "a safety plan section too large": lambda w: risk.write_safety_plan(
        actor=w.p.police_a, case=w.case, person=w.person, sections={"before": ("x" * 3001, True)}
    ),
    "a safety plan for the person using violence": lambda w: risk.write_safety_plan(
        actor=w.p.police_a, case=w.case, person=w.other, sections={"before": ("Väska", True)}
    ),
}


@pytest.mark.parametrize("attempt", sorted(REFUSED))
def test_it_writes_neither_rows_nor_events_when_an_action_refuses(
    world: World, attempt: str
) -> None:
    before = _count_rows()
    with pytest.raises(ValidationError):
        REFUSED[attempt](world)
    assert _count_rows() == before


def test_it_writes_one_audit_event_for_each_page_that_reads_personal_data(world: World) -> None:
    incident = cases.record_incident(
        actor=world.p.police_a,
        case=world.case,
        details={"occurred_at": _past(), "kinds": ["physical"]},
    )
    officer, lead = world.p.police_a, world.p.lead_a
    reads = [
        (officer, "get", f"/personer/{world.person.pk}/", ("read", "person")),
        (officer, "get", f"/arenden/{world.case.pk}/", ("read", "case")),
        (
            officer,
            "get",
            f"/arenden/{world.case.pk}/handelser/{incident.pk}/",
            ("read", "incident"),
        ),
        (officer, "post", "/personer/", ("search", "person")),
        (lead, "get", "/logg/", ("search", "audit")),
    ]
    for user, method, path, expected in reads:
        client = logged_in(user)
        head = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first()
        response = getattr(client, method)(path, {"q": "testsson"} if method == "post" else {})
        assert response.status_code == 200, path
        written = list(
            AuditEvent.objects.filter(seq__gt=head).values_list("verb", "object_type", "actor")
        )
        assert written == [(*expected, user.pk)], path
