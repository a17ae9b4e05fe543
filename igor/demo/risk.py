"""Demo risk work: assessments (IGOR's list, other instruments, the victim's own estimate),
safety plans, safe-contact rules, protective measures and a case conference per unit.

Deterministic per seed, written in bulk after the persons and cases. Invented; no real case.
"""

from __future__ import annotations

import datetime
import json
import random
from dataclasses import dataclass

from django.db import transaction

from igor.accounts.models import Unit, User
from igor.audit.record import record
from igor.cases.models import Case, CaseStatus, Party, PartyRole
from igor.risk import rules
from igor.risk.instruments import DEFAULT, current
from igor.risk.levels import rank
from igor.risk.models import (
    Assessment,
    Breach,
    Conference,
    ConferenceAction,
    ConferenceItem,
    ProtectiveMeasure,
    SafeContact,
    SafetyPlan,
    SafetyPlanVersion,
    Source,
)

SHARE = 0.25  # of open cases with a victim
LIMIT = 600
RATIONALES = (
    "Hon berättar om upptrappning sedan separationen och är rädd när han hör av sig.",
    "Våldet har pågått i flera år men blivit grövre; stryptag vid senaste tillfället.",
    "Han har hotat att ta med barnen utomlands. Hon vill inte göra en polisanmälan ännu.",
    "Få riskfaktorer just nu; hon har stöd av sin syster och bor på ny adress.",
    "Kontrollerande beteende, läser hennes telefon och bestämmer över ekonomin.",
    "Hot från flera i släkten; bedömningen gjord tillsammans med en kollega.",
)
HER_WORDS = (
    "Jag tror inte att han skulle göra något allvarligt.",
    "Jag är rädd att han dödar mig om han får veta var jag bor.",
    "Det är lugnare nu, men jag sover dåligt.",
)
PLAN = {
    "before": "Packa en väska med pass, mediciner och laddare hos grannen på våning 3.",
    "during": "Gå mot ytterdörren, inte köket. Ring 112 och lämna luren på.",
    "after": "Kvinnojouren och socialjouren finns dygnet runt. Ta med barnens papper.",
    "people_to_call": "Syster Lina, kollegan Aisha, socialsekreteraren på gruppen.",
    "safe_places": "Biblioteket vid torget och grannen på våning 3.",
    "code_word": "Om jag skriver ”köp mjölk” ska min syster ringa 112.",
    "children": "Barnen vet att de ska gå till grannen och ringa mormor.",
    "digital": "Stäng av platsdelning; nytt lösenord till e-post; kolla bilen efter GPS-sändare.",
}


@dataclass
class RiskCounts:
    assessments: int = 0
    plans: int = 0
    measures: int = 0
    conferences: int = 0


def _answers(rng: random.Random) -> dict[str, str]:
    instrument = current(DEFAULT)
    assert instrument is not None
    danger = rng.random()
    return {
        item.id: rng.choices(["yes", "no", "unknown"], [danger, 1 - danger, 0.1])[0]
        for item in instrument.items
    }


def generate_risk(*, seed: int, now: datetime.datetime) -> RiskCounts:
    """Risk work for a share of the open cases; one transaction, one audit event."""
    rng = random.Random(seed * 7919)
    counts = RiskCounts()
    instrument = current(DEFAULT)
    assert instrument is not None
    today = now.date()
    with transaction.atomic():
        victims = (
            Party.objects.filter(
                role=PartyRole.VICTIM, case__status__in=[CaseStatus.OPEN, CaseStatus.ACTIVE]
            )
            .select_related("case", "person", "case__organisation")
            .order_by("case_id")
        )
        chosen = [party for party in victims[: LIMIT * 4] if rng.random() < SHARE][:LIMIT]
        assessments, plans, contacts, measures, flagged = [], [], [], [], []
        for party in chosen:
            case, assessor = party.case, party.case.owner or party.case.created_by
            answers = _answers(rng)
            suggestion = rules.suggest(instrument, answers)
            level = suggestion.level or "low"
            if rng.random() < 0.2 and level != "high":
                level = "high" if level == "medium" else "medium"  # judged higher than the score
            assessed_on = today - datetime.timedelta(days=rng.randint(0, 120))
            common = {
                "case": case,
                "organisation_id": case.organisation_id,
                "unit_id": case.unit_id,
                "person": party.person,
                "assessor": assessor,
            }
            assessments.append(
                Assessment(
                    **common,
                    source=Source.INSTRUMENT,
                    instrument_id=instrument.id,
                    instrument_version=instrument.version,
                    instrument_name=instrument.name_by_language["sv"],
                    answers=answers,
                    score=suggestion.score,
                    suggested_level=suggestion.level or "",
                    level=level,
                    rationale=rng.choice(RATIONALES),
                    assessed_on=assessed_on,
                )
            )
            if case.organisation.kind == "police" and rng.random() < 0.3:
                assessments.append(
                    Assessment(
                        **common,
                        source=Source.EXTERNAL,
                        instrument_name=rng.choice(["SARA:SV", "PATRIARK", "Check-10"]),
                        assessor_name="Inspektör " + assessor.last_name,
                        level=rng.choice(["medium", "high"]),
                        rationale="Strukturerad bedömning gjord vid förhör; se blankett.",
                        assessed_on=assessed_on - datetime.timedelta(days=2),
                    )
                )
            if rng.random() < 0.35:
                assessments.append(
                    Assessment(
                        **common,
                        source=Source.VICTIM,
                        level=rng.choice(["low", "medium", "high"]),
                        rationale=rng.choice(HER_WORDS),
                        assessed_on=assessed_on,
                    )
                )
            if rank(level) >= 1:
                plans.append((party, assessor, level))
                contacts.append(
                    SafeContact(
                        person=party.person,
                        safe_times=rng.choice(["Vardagar 9–11", "Efter 18, inte helger", ""]),
                        sms_allowed=rng.random() < 0.5,
                        voicemail_allowed=False,
                        others_read_phone=rng.random() < 0.4,
                        code_word=rng.choice(["Kanelbulle", "Blåbär", ""]),
                        updated_by=assessor,
                    )
                )
            if level == "high":
                flagged.append(case)
                expires = today + datetime.timedelta(days=rng.randint(-5, 90))
                measures.append(
                    ProtectiveMeasure(
                        **{k: v for k, v in common.items() if k != "assessor"},
                        created_by=assessor,
                        kind=rng.choice(["contact_ban", "contact_ban", "alarm_package"]),
                        status="granted",
                        applied_on=expires - datetime.timedelta(days=120),
                        decided_on=expires - datetime.timedelta(days=110),
                        starts_on=expires - datetime.timedelta(days=110),
                        expires_on=expires,
                        level="high",
                    )
                )
        Assessment.objects.bulk_create(assessments, batch_size=500)
        SafeContact.objects.bulk_create(
            list({c.person_id: c for c in contacts}.values()), batch_size=500
        )
        counts.assessments = len(assessments)
        counts.plans = _plans(plans, now)
        created = ProtectiveMeasure.objects.bulk_create(measures, batch_size=500)
        Breach.objects.bulk_create(
            [
                Breach(
                    measure=m,
                    occurred_at=now - datetime.timedelta(days=rng.randint(1, 20), hours=3),
                    description="Stod utanför hennes arbetsplats och ringde upprepade gånger.",
                    police_report_number=f"K{rng.randint(100000, 999999)}-26",
                    recorded_by=m.created_by,
                )
                for m in created
                if m.kind == "contact_ban" and rng.random() < 0.25
            ]
        )
        counts.measures = len(created)
        counts.conferences = _conferences(flagged, today, rng)
        record(
            actor=None,
            verb="create",
            object_type="demo_data",
            actor_label="system",
            purpose="demo risk data",
            data={"seed": seed, **counts.__dict__},
        )
    return counts


def _plans(rows: list[tuple[Party, User, str]], now: datetime.datetime) -> int:
    plans = SafetyPlan.objects.bulk_create(
        [
            SafetyPlan(
                case=party.case,
                person=party.person,
                organisation_id=party.case.organisation_id,
                unit_id=party.case.unit_id,
            )
            for party, _user, _level in rows
        ],
        batch_size=500,
    )
    versions = [
        SafetyPlanVersion(
            plan=plan,
            number=1,
            sections_json=json.dumps(
                {k: {"text": v, "print": k != "code_word"} for k, v in PLAN.items()},
                ensure_ascii=False,
            ),
            language="sv",
            level=level,
            written_by=user,
            written_at=now - datetime.timedelta(days=3),
        )
        for plan, (_party, user, level) in zip(plans, rows, strict=True)
    ]
    SafetyPlanVersion.objects.bulk_create(versions, batch_size=500)
    return len(plans)


def _conferences(flagged: list[Case], today: datetime.date, rng: random.Random) -> int:
    """Yesterday's huddle in each unit, with some of the flagged cases discussed."""
    made = 0
    for unit in Unit.objects.order_by("pk"):
        cases = [c for c in flagged if c.unit_id == unit.pk][:6]
        if not cases:
            continue
        creator = cases[0].owner or cases[0].created_by
        conference = Conference.objects.create(
            unit=unit,
            kind="huddle",
            held_on=today - datetime.timedelta(days=1),
            title="Morgonens genomgång",
            created_by=creator,
        )
        made += 1
        for position, case in enumerate(cases[:3], start=1):
            owner = case.owner or case.created_by
            item = ConferenceItem.objects.create(
                conference=conference,
                case=case,
                organisation_id=case.organisation_id,
                reasons=["high_level"],
                position=position,
                summary="Hög risk efter ny bedömning.",
                minutes="Gruppen går igenom skyddet. Polisen följer upp kontaktförbudet.",
                added_by=owner,
            )
            ConferenceAction.objects.create(
                item=item,
                description="Följ upp säkerhetsplanen med henne inom en vecka",
                owner=owner,
                organisation_id=case.organisation_id,
                due_on=today + datetime.timedelta(days=rng.randint(2, 7)),
                created_by=owner,
            )
    return made
