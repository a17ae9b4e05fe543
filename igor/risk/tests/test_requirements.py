"""Requirements 7, 30 and 31 of domain-sweden.md §8, and rule A5 for safety plans and safe contact.

(Requirements 32 and 33, no licensed instrument text, are tested in test_instruments.py.)
"""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from igor.audit.models import Disclosure
from igor.risk import actions
from igor.risk.models import Assessment, SafetyPlan
from igor.risk.tests.helpers import RiskWorld, all_no, assess, risk_world, share_with_social
from igor.sharing import actions as sharing_actions
from tests.personas import Personas, logged_in


@pytest.fixture
def world(personas: Personas) -> RiskWorld:
    return risk_world(personas)


def test_requirement_30_assessments_are_records_reassessed_over_time(world: RiskWorld) -> None:
    """Requirement 30: instrument name and version, assessor, date, factors present / partly /
    absent, overall low / medium / high, a linked safety plan, and reassessment over time."""
    long_ago = timezone.localdate() - datetime.timedelta(days=40)
    external = actions.record_external_result(
        actor=world.p.police_a,
        case=world.case,
        person=world.victim,
        instrument_name="SARA:SV",
        instrument_version="2",
        assessed_on=long_ago,
        assessor_name="Inspektör Berg",
        level="medium",
        rationale="Strukturerad bedömning vid förhör.",
        factors={"P1": "present", "P4": "partly", "V2": "absent"},
    )
    stored = Assessment.objects.get(pk=external.pk)
    assert (stored.instrument_name, stored.instrument_version, stored.assessor_name) == (
        "SARA:SV",
        "2",
        "Inspektör Berg",
    )
    assert (stored.assessed_on, stored.level) == (long_ago, "medium")
    assert stored.answers == {"P1": "present", "P4": "partly", "V2": "absent"}
    actions.write_safety_plan(
        actor=world.p.police_a,
        case=world.case,
        person=world.victim,
        sections={"before": ("Väska hos grannen.", True)},
    )
    assert SafetyPlan.objects.filter(case=stored.case, person=stored.person).exists()
    # Medium is reassessed monthly: 40 days on it is overdue and listed.
    client = logged_in(world.p.police_a)
    overview = client.get("/risk/").content.decode()
    assert (
        world.case.reference
        in overview.split("Försenade ombedömningar", 1)[1].split("Ska göras inom")[0]
    )
    page = client.get(f"/risk/arenden/{world.case.pk}/").content.decode()
    assert "Försenad" in page and "Se över planen" in page
    assess(world, "high")  # a new assessment: the level changes, the plan needs review
    page = client.get(f"/risk/arenden/{world.case.pk}/").content.decode()
    assert "Se över planen: risknivån har ändrats" in page


def test_requirement_31_a_score_never_decides_alone(world: RiskWorld) -> None:
    """Requirement 31: the assessor's judgement with a written summary is always required; the
    score is kept beside it as a suggestion."""
    with pytest.raises(ValidationError) as error:
        actions.assess_with_instrument(
            actor=world.p.police_a,
            case=world.case,
            person=world.victim,
            instrument_key="igor-screening@1",
            answers=all_no(),
            level="low",
            rationale="",
        )
    assert "rationale" in error.value.message_dict
    assessment = assess(world, "high", violence_before="yes")
    assert (assessment.score, assessment.suggested_level, assessment.level) == (1, "low", "high")
    assert assessment.rationale


def test_rule_a5_plans_and_safe_contact_never_on_anything_about_the_perpetrator(
    world: RiskWorld,
) -> None:
    """The safety plan and the safe-contact details never appear on the person using violence's
    page, in the API about him, nor can they be made about him."""
    actions.write_safety_plan(
        actor=world.p.police_a,
        case=world.case,
        person=world.victim,
        sections={"safe_places": ("Planmarkör: biblioteket vid torget", True)},
    )
    actions.save_safe_contact(
        actor=world.p.police_a,
        person=world.victim,
        details={"code_word": "Kodmarkör-blåbär", "safe_times": "Tidsmarkör 9–11"},
    )
    share_with_social(world)
    markers = ("Planmarkör", "Kodmarkör", "Tidsmarkör")
    for user in (world.p.police_a, world.p.social_a):
        client = logged_in(user)
        about_him = [
            client.get(f"/personer/{world.perpetrator.pk}/"),
            client.get(f"/risk/personer/{world.perpetrator.pk}/kontaktvagar/"),
            client.get(f"/risk/arenden/{world.case.pk}/sakerhetsplan/{world.perpetrator.pk}/"),
            client.get(f"/risk/arenden/{world.case.pk}/sakerhetsplan/{world.perpetrator.pk}/pdf/"),
        ]
        for response in about_him:
            body = response.content.decode(errors="replace")
            assert not any(marker in body for marker in markers), response.request["PATH_INFO"]
    from igor.accounts.actions import create_api_token

    token = create_api_token(actor=world.p.police_a, user=world.p.police_a, name="t")[1]
    api = logged_in(world.p.police_a).__class__()
    body = api.get(
        f"/api/v1/persons/{world.perpetrator.pk}", headers={"Authorization": f"Bearer {token}"}
    ).content.decode()
    assert not any(marker in body for marker in markers)
    # Her own page shows them, before the contact details.
    mine = logged_in(world.p.police_a).get(f"/personer/{world.victim.pk}/").content.decode()
    assert "Kodmarkör-blåbär" in mine
    with pytest.raises(ValidationError):
        actions.save_safe_contact(
            actor=world.p.police_a, person=world.perpetrator, details={"code_word": "x"}
        )


def test_requirement_7_the_risk_assessment_and_the_safety_plan_are_shared_only_by_name(
    world: RiskWorld,
) -> None:
    """Requirement 7 (and 3): a victim's consent to share her risk assessment is a category of
    its own. A basis covering the case shows social services none of the police's risk work;
    one naming the risk assessment shows the assessments and conference minutes but not the
    safety plan or safe-contact rules; one naming the safety plan shows those and not the rest."""
    officer, social = world.p.police_a, world.p.social_a
    assessment = assess(world, "high")
    actions.write_safety_plan(
        actor=officer,
        case=world.case,
        person=world.victim,
        sections={"safe_places": ("Planmarkör: biblioteket", True)},
    )
    actions.save_safe_contact(
        actor=officer, person=world.victim, details={"code_word": "Kodmarkör-lingon"}
    )
    meeting = actions.create_conference(
        actor=officer, unit=world.p.unit_a, kind="huddle", held_on=timezone.localdate()
    )
    item = actions.add_to_agenda(
        actor=officer, conference=meeting, case=world.case, reasons=["high_level"]
    )
    actions.write_minutes(actor=officer, item=item, summary="", minutes="Protokollmarkör")
    pages = {
        "risk": f"/risk/arenden/{world.case.pk}/",
        "assessment": f"/risk/arenden/{world.case.pk}/bedomning/{assessment.pk}/",
        "minutes": f"/risk/samrad/{meeting.pk}/arenden/{item.pk}/",
        "plan": f"/risk/arenden/{world.case.pk}/sakerhetsplan/{world.victim.pk}/",
        "plan_pdf": f"/risk/arenden/{world.case.pk}/sakerhetsplan/{world.victim.pk}/pdf/",
    }
    client = logged_in(social)

    def seen() -> dict[str, bool]:
        shown = {name: client.get(url).status_code == 200 for name, url in pages.items()}
        person = client.get(f"/personer/{world.victim.pk}/").content.decode()
        shown["safe_contact"] = "Kodmarkör-lingon" in person
        if shown["assessment"]:
            body = client.get(pages["assessment"]).content.decode()
            assert "upptrappning" in body
        if shown["minutes"]:
            assert "Protokollmarkör" in client.get(pages["minutes"]).content.decode()
        if shown["risk"]:
            body = client.get(pages["risk"]).content.decode()
            assert (pages["plan"] in body) == shown["plan"]  # no way to the plan without it
        return shown

    nothing = dict.fromkeys([*pages, "safe_contact"], False)
    basis = share_with_social(world, covers_risk_assessment=False, covers_safety_plan=False)
    assert seen() == nothing
    sharing_actions.withdraw_basis(actor=officer, basis=basis)
    risk = share_with_social(world, covers_safety_plan=False)
    risk_only = {"risk": True, "assessment": True, "minutes": True}
    assert seen() == {**nothing, **risk_only}
    sharing_actions.withdraw_basis(actor=officer, basis=risk)
    plan = share_with_social(world, covers_risk_assessment=False)
    assert seen() == {**nothing, "plan": True, "plan_pdf": True, "safe_contact": True}
    read = Disclosure.objects.filter(actor=social, object_type="safety_plan").order_by("-id")
    assert {row.basis_id for row in read} == {plan.pk}  # named by the basis that covers it
    sharing_actions.withdraw_basis(actor=officer, basis=plan)
    assert seen() == nothing
