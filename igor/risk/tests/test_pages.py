"""The risk pages: happy paths, bad input (nothing saved), wrong role, other organisation,
anonymous, wrong method, and the audit events written."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from igor.audit.models import AuditEvent, Disclosure
from igor.risk import actions
from igor.risk.models import (
    Assessment,
    Breach,
    Conference,
    ConferenceItem,
    ProtectiveMeasure,
    SafeContact,
    SafetyPlanVersion,
)
from igor.risk.tests.helpers import (
    RiskWorld,
    all_no,
    assess,
    contact_ban,
    risk_world,
    share_with_social,
)
from tests.personas import Personas, logged_in


@pytest.fixture
def world(personas: Personas) -> RiskWorld:
    return risk_world(personas)


PERSON: dict[str, int] = {}


@pytest.fixture(autouse=True)
def _person(world: RiskWorld) -> None:
    PERSON["person"] = world.victim.pk


def _form(level: str = "", **answers: str) -> dict[str, str]:
    data: dict[str, str] = {"person": str(PERSON["person"])}
    data.update({f"item_{k}": v for k, v in all_no(**answers).items()})
    data.update({"assessed_on": timezone.localdate().isoformat(), "rationale": "Hon är rädd."})
    if level:
        data["level"] = level
    return data


def _events(since: int) -> list[tuple[str, str]]:
    return list(
        AuditEvent.objects.filter(seq__gt=since).order_by("seq").values_list("verb", "object_type")
    )


def _head() -> int:
    return AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0


def test_it_suggests_a_level_then_saves_a_raised_judgement(world: RiskWorld) -> None:
    client = logged_in(world.p.police_a)
    url = f"/risk/arenden/{world.case.pk}/bedomning/ny/"
    page = client.get(url)
    assert page.status_code == 200
    assert "inte ett validerat" in page.content.decode()
    preview = client.post(url, {**_form(strangulation="yes"), "preview": "1"})
    body = preview.content.decode()
    assert preview.status_code == 200 and "Poäng: 3." in body
    assert Assessment.objects.count() == 0
    head = _head()
    saved = client.post(url, {**_form("high", strangulation="yes"), "save": "1"})
    assessment = Assessment.objects.get()
    assert saved.status_code == 302
    assert (assessment.suggested_level, assessment.level, assessment.status) == (
        "medium",
        "high",
        "final",
    )
    assert _events(head) == [("create", "risk_assessment")]
    case_page = client.get(f"/risk/arenden/{world.case.pk}/").content.decode()
    assert "Flaggat till nästa ärendedragning" in case_page or "Flaggat" in case_page


BAD_ASSESSMENTS = [
    ("a judgement without rationale", {"rationale": ""}, "rationale"),
    ("an answer outside the scale", {"item_weapon": "maybe"}, "item_weapon"),
    ("a missing answer", {"item_weapon": ""}, "item_weapon"),
    ("no level", {"level": ""}, "level"),
    ("a lowered level without approval", {"level": "low", "item_honour_context": "yes"}, "level"),
    ("a date in the future", {"assessed_on": "2099-01-01"}, "assessed_on"),
]


@pytest.mark.parametrize(
    ("what", "change", "field"), BAD_ASSESSMENTS, ids=[b[0] for b in BAD_ASSESSMENTS]
)
def test_it_refuses_a_bad_assessment_and_saves_nothing(
    world: RiskWorld, what: str, change: dict[str, str], field: str
) -> None:
    client = logged_in(world.p.police_a)
    head = _head()
    data = {**_form("medium"), **change, "save": "1"}
    response = client.post(f"/risk/arenden/{world.case.pk}/bedomning/ny/", data)
    assert response.status_code == 200
    body = response.content.decode()
    assert "error-summary" in body and f'id="id_{field}' in body
    assert 'aria-invalid="true"' in body or "field--error" in body
    assert Assessment.objects.count() == 0 and _events(head) == []


def test_a_lowered_level_waits_for_the_unit_leads_approval(world: RiskWorld) -> None:
    lead = world.p.lead_a  # social services lead: another organisation, cannot approve police work
    world.p.police_a.units.get()
    assessment = actions.assess_with_instrument(
        actor=world.p.police_a,
        case=world.case,
        person=world.victim,
        instrument_key="igor-screening@1",
        answers=all_no(honour_context="yes"),
        level="medium",
        rationale="Hotet kommer från en släkting som nu flyttat utomlands.",
        request_approval=True,
    )
    assert (assessment.status, assessment.effective_level) == ("awaiting_approval", "high")
    url = f"/risk/arenden/{world.case.pk}/bedomning/{assessment.pk}/beslut/"
    assert logged_in(world.p.police_a).post(url, {"decision": "approve"}).status_code == 403
    assert logged_in(lead).post(url, {"decision": "approve"}).status_code == 404
    assessment.refresh_from_db()
    assert assessment.status == "awaiting_approval"


def test_the_police_lead_approves_a_lowering(personas: Personas) -> None:
    """In unit B the lead is police: she approves the officer's lowered level."""
    officer, lead = personas.police_b, personas.lead_b
    from igor.cases import actions as case_actions
    from tests.builders import make_case, make_person

    victim = make_person(officer, first_name="Nora")
    case = make_case(officer)
    case_actions.add_party(actor=officer, case=case, person=victim, role="victim")
    assessment = actions.assess_with_instrument(
        actor=officer,
        case=case,
        person=victim,
        instrument_key="igor-screening@1",
        answers=all_no(threat_to_kill="yes"),
        level="low",
        rationale="Hotet var ett skämt enligt båda.",
        request_approval=True,
    )
    client = logged_in(lead)
    head = _head()
    page = client.get(f"/risk/arenden/{case.pk}/bedomning/{assessment.pk}/")
    assert "Godkänn" in page.content.decode() or "decision" in page.content.decode()
    response = client.post(
        f"/risk/arenden/{case.pk}/bedomning/{assessment.pk}/beslut/", {"decision": "approve"}
    )
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert (assessment.status, assessment.effective_level, assessment.decided_by) == (
        "final",
        "low",
        lead,
    )
    assert ("approve", "risk_assessment") in _events(head)


def test_the_other_organisation_sees_risk_only_under_a_covering_basis(world: RiskWorld) -> None:
    assess(world)
    social = logged_in(world.p.social_a)
    url = f"/risk/arenden/{world.case.pk}/"
    assert social.get(url).status_code == 404
    assert logged_in(world.p.police_b).get(url).status_code == 404
    basis = share_with_social(world)
    before = Disclosure.objects.count()
    response = social.get(url)
    assert response.status_code == 200
    assert Disclosure.objects.count() == before + 1
    row = Disclosure.objects.order_by("-id").first()
    assert row is not None and (row.object_type, row.basis_id) == ("case_risk", basis.pk)
    # She may read but never write across the wall.
    assert social.get(f"/risk/arenden/{world.case.pk}/bedomning/ny/").status_code == 404
    assert (
        social.post(
            f"/risk/arenden/{world.case.pk}/bedomning/ny/", {**_form("high"), "save": "1"}
        ).status_code
        == 404
    )


def test_wrong_role_anonymous_and_wrong_method(world: RiskWorld) -> None:
    url = f"/risk/arenden/{world.case.pk}/"
    assert logged_in(world.p.researcher).get(url).status_code == 403
    assert logged_in(world.p.admin).get(url).status_code == 403
    anonymous = logged_in(world.p.police_a).__class__().get(url)
    assert anonymous.status_code == 302 and "/konto/logga-in/" in anonymous["Location"]
    assert logged_in(world.p.police_a).post(url).status_code == 405
    assert logged_in(world.p.police_a).get(
        f"/risk/arenden/{world.case.pk}/bedomning/1/beslut/"
    ).status_code in (403, 405)


def test_it_records_an_external_result_with_a_scan_and_no_question_text(world: RiskWorld) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = logged_in(world.p.police_a)
    scan = SimpleUploadedFile("sara.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    response = client.post(
        f"/risk/arenden/{world.case.pk}/bedomning/extern/",
        {
            "person": world.victim.pk,
            "instrument_name": "SARA:SV",
            "instrument_version": "2",
            "assessed_on": "2026-11-20",
            "assessor_name": "Inspektör Berg",
            "level": "high",
            "rationale": "Upptrappning och brott mot kontaktförbud.",
            "factors": "P1 present\nP3 partly",
            "scan": scan,
        },
    )
    assert response.status_code == 302
    item = Assessment.objects.get()
    assert (item.source, item.instrument_name, item.answers) == (
        "external",
        "SARA:SV",
        {"P1": "present", "P3": "partly"},
    )
    download = client.get(f"/risk/arenden/{world.case.pk}/bedomning/{item.pk}/skanning/")
    assert download.status_code == 200 and download.content == b"%PDF-1.4 test"


def test_it_refuses_an_external_result_without_rationale_or_with_a_bad_scan(
    world: RiskWorld,
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = logged_in(world.p.police_a)
    response = client.post(
        f"/risk/arenden/{world.case.pk}/bedomning/extern/",
        {
            "person": world.victim.pk,
            "instrument_name": "PATRIARK",
            "assessed_on": "2026-11-20",
            "assessor_name": "X",
            "level": "high",
            "rationale": "Motivering",
            "scan": SimpleUploadedFile("a.exe", b"MZ", content_type="application/x-msdownload"),
        },
    )
    assert response.status_code == 200 and "error-summary" in response.content.decode()
    assert Assessment.objects.count() == 0


def test_the_victims_estimate_is_shown_beside_and_disagreement_is_flagged(world: RiskWorld) -> None:
    assess(world, "high")
    client = logged_in(world.p.police_a)
    response = client.post(
        f"/risk/arenden/{world.case.pk}/bedomning/egen/",
        {
            "person": world.victim.pk,
            "assessed_on": timezone.localdate().isoformat(),
            "level": "low",
            "in_her_words": "Han skulle aldrig göra mig illa på riktigt.",
        },
    )
    assert response.status_code == 302
    body = client.get(f"/risk/arenden/{world.case.pk}/").content.decode()
    assert "Bedömningarna går isär" in body


def test_safety_plan_versions_print_and_bad_input(world: RiskWorld) -> None:
    client = logged_in(world.p.police_a)
    url = f"/risk/arenden/{world.case.pk}/sakerhetsplan/{world.victim.pk}/ny/"
    too_long = client.post(url, {"section_before": "x" * 3001, "language": "ar"})
    assert too_long.status_code == 200 and "error-summary" in too_long.content.decode()
    assert SafetyPlanVersion.objects.count() == 0
    data = {
        "section_before": "Packa en väska med pass och mediciner hos grannen.",
        "print_before": "on",
        "section_code_word": "Hemligt ord: blåbär",
        "section_digital": "Stäng av platsdelning.",
        "print_digital": "on",
        "language": "ar",
        "made_with_person": "on",
    }
    assert client.post(url, data).status_code == 302
    assert client.post(url, {**data, "section_after": "Ring kvinnojouren."}).status_code == 302
    assert list(SafetyPlanVersion.objects.values_list("number", flat=True).order_by("number")) == [
        1,
        2,
    ]
    pdf = client.get(f"/risk/arenden/{world.case.pk}/sakerhetsplan/{world.victim.pk}/pdf/?sprak=sv")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    from io import BytesIO

    from pypdf import PdfReader

    text = "".join(page.extract_text() for page in PdfReader(BytesIO(pdf.content)).pages)
    assert "Packa en väska" in text and "blåbär" not in text  # not printed at her wish


def test_plans_and_safe_contact_are_never_about_the_person_using_violence(world: RiskWorld) -> None:
    client = logged_in(world.p.police_a)
    assert (
        client.get(
            f"/risk/arenden/{world.case.pk}/sakerhetsplan/{world.perpetrator.pk}/ny/"
        ).status_code
        == 404
    )
    assert client.get(f"/risk/personer/{world.perpetrator.pk}/kontaktvagar/").status_code == 404


def test_safe_contact_rules_show_before_contact_details(world: RiskWorld) -> None:
    client = logged_in(world.p.police_a)
    head = _head()
    response = client.post(
        f"/risk/personer/{world.victim.pk}/kontaktvagar/",
        {"safe_times": "Vardagar 9–11", "sms_allowed": "on", "code_word": "Kanelbulle"},
    )
    assert response.status_code == 302
    assert _events(head) == [("create", "safe_contact")]
    body = client.get(f"/personer/{world.victim.pk}/").content.decode()
    assert body.index("Vardagar 9–11") < body.index("Kontaktuppgifter") or "Kanelbulle" in body
    assert "Lämna inget röstmeddelande" in body
    bad = client.post(f"/risk/personer/{world.victim.pk}/kontaktvagar/", {"code_word": "x" * 101})
    assert bad.status_code == 200 and SafeContact.objects.get().code_word == "Kanelbulle"


def test_measures_breaches_and_expiry_alerts(world: RiskWorld) -> None:
    assess(world)
    measure = contact_ban(world, expires_in_days=5)
    client = logged_in(world.p.police_a)
    overview = client.get("/risk/").content.decode()
    assert "Kontaktförbud" in overview
    url = f"/risk/arenden/{world.case.pk}/skydd/{measure.pk}/overtradelse/"
    assert client.post(url, {"date": "2099-01-01", "description": "Ringde"}).status_code == 200
    assert Breach.objects.count() == 0
    yesterday = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    assert (
        client.post(url, {"date": yesterday, "description": "Stod utanför porten."}).status_code
        == 302
    )
    assert Breach.objects.count() == 1
    refused = client.post(
        f"/risk/arenden/{world.case.pk}/skydd/{measure.pk}/", {"status": "applied"}
    )
    assert refused.status_code == 200 and "error-summary" in refused.content.decode()
    new = client.post(
        f"/risk/arenden/{world.case.pk}/skydd/ny/",
        {
            "person": world.victim.pk,
            "kind": "alarm_package",
            "status": "applied",
            "applied_on": timezone.localdate().isoformat(),
        },
    )
    assert new.status_code == 302
    assert ProtectiveMeasure.objects.get(kind="alarm_package").level == "high"


def test_a_conference_agenda_from_the_flags_with_minutes_and_actions(world: RiskWorld) -> None:
    assess(world, "high")
    police = logged_in(world.p.police_a)
    response = police.post(
        "/risk/samrad/nytt/",
        {"unit": world.p.unit_a.pk, "kind": "huddle", "held_on": timezone.localdate().isoformat()},
    )
    assert response.status_code == 302
    conference = Conference.objects.get()
    assert police.post(f"/risk/samrad/{conference.pk}/dagordning/", {}).status_code == 302
    item = ConferenceItem.objects.get()
    assert item.case_id == world.case.pk and "high_level" in item.reasons
    # Social services of the unit see the meeting, but the police case only under a basis.
    social = logged_in(world.p.social_a)
    page = social.get(f"/risk/samrad/{conference.pk}/").content.decode()
    assert world.case.title not in page and "inte delat med dig" in page
    assert social.get(f"/risk/samrad/{conference.pk}/arenden/{item.pk}/").status_code == 404
    assert logged_in(world.p.police_b).get(f"/risk/samrad/{conference.pk}/").status_code == 404
    assert (
        police.post(
            f"/risk/samrad/{conference.pk}/arenden/{item.pk}/",
            {"summary": "Hög risk", "minutes": "Polisen söker kontaktförbud."},
        ).status_code
        == 302
    )
    action = police.post(
        f"/risk/samrad/{conference.pk}/arenden/{item.pk}/atgard/",
        {
            "description": "Ansök om kontaktförbud",
            "owner": world.p.social_a.pk,
            "due_on": "2026-12-01",
        },
    )
    assert action.status_code == 302
    bad = police.post(
        f"/risk/samrad/{conference.pk}/arenden/{item.pk}/atgard/",
        {"description": "", "owner": world.p.police_b.pk, "due_on": ""},
    )
    assert bad.status_code == 200 and "error-summary" in bad.content.decode()
    share_with_social(world)
    minutes = social.get(f"/risk/samrad/{conference.pk}/arenden/{item.pk}/").content.decode()
    assert "Polisen söker kontaktförbud." in minutes and "Ansök om kontaktförbud" in minutes
