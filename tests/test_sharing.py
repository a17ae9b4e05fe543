"""Sharing done lawfully: consent, statutory disclosures, reports of concern about children, the
disclosure register. Each requirement of domain-sweden.md §8 that applies has a test named
after it (test_req01_…); the pages are driven as the personas would, through the Django client.
"""

from __future__ import annotations

import csv
import datetime
import io
from typing import Any

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone, translation
from pypdf import PdfReader

from igor.accounts.models import User
from igor.audit.models import AuditEvent, Disclosure
from igor.cases import actions as case_actions
from igor.cases.models import Case, Incident
from igor.people import actions as people_actions
from igor.people.models import Person
from igor.sharing import actions, categories, policy
from igor.sharing.grounds import grounds, parse
from igor.sharing.models import ReportOfConcern, SharingBasis, SignedConsentForm
from tests.authz import fixtures
from tests.personas import Personas, logged_in

module_db = fixtures.module_db
module_personas = fixtures.module_personas
personas = fixtures.personas

DAY = datetime.timedelta(days=1)
PDF_BYTES = b"%PDF-1.4\n% signed consent form scan\n"
FULL_18C = {
    "conditions": {
        "risk": True,
        "prevents": True,
        "not_inappropriate": True,
        "not_past_crime": True,
    },
    "details": {
        "feared_crime": "grov misshandel (3 kap. 6 § BrB)",
        "close_relation": "f.d. sambo",
        "justification": "Hot om att döda vid flera tillfällen senaste veckan.",
    },
}


def _person(owner: User, last: str, **extra: Any) -> Person:
    details = {"first_name": "Lina", "last_name": last, "identity_kind": "none", **extra}
    return people_actions.register_person(actor=owner, unit=owner.units.get(), details=details)


def _case(owner: User, *parties: tuple[Person, str]) -> Case:
    case = case_actions.open_case(actor=owner, unit=owner.units.get(), details={"title": "VNR"})
    for person, role in parties:
        case_actions.add_party(actor=owner, case=case, person=person, role=role)
    return case


def _incident(owner: User, case: Case, **extra: Any) -> Incident:
    details = {"occurred_at": timezone.now() - DAY, "kinds": ["physical"], **extra}
    return case_actions.record_incident(actor=owner, case=case, details=details)


def _consent(owner: User, subject: Person, recipient: Any, **kwargs: Any) -> SharingBasis:
    arguments: dict[str, Any] = {
        "actor": owner,
        "subject": subject,
        "recipient": recipient,
        "purpose": "samordnat stöd",
        "consent_form": "oral",
        "witness": "Vera Vittne",
        "categories": {"person", "cases", "incidents"},
        "valid_until": None,
    }
    return actions.record_consent(**{**arguments, **kwargs})


def _sees_case(user: User, case: Case) -> bool:
    try:
        policy.get_case_for(user, case.pk)
    except Http404:
        return False
    return True


# --- Requirement 1: separate stores, nothing across without a recorded disclosure --------------


def test_req01_it_keeps_each_agencys_rows_apart_until_a_basis_and_records_each_crossing(
    personas: Personas,
) -> None:
    victim = _person(personas.police_a, "Skild")
    case = _case(personas.police_a, (victim, "victim"))
    client = logged_in(personas.social_a)
    assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 404
    assert not Disclosure.objects.exists()
    _consent(personas.police_a, victim, personas.social_org_a)
    assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 200
    row = Disclosure.objects.get()
    assert (row.from_organisation, row.to_organisation) == (
        personas.police_org_a,
        personas.social_org_a,
    )


# --- Requirement 2: every disclosure logged with its basis from the closed list ---------------


def test_req02_it_logs_sender_recipient_item_date_handler_and_a_basis_from_the_closed_list(
    personas: Personas,
) -> None:
    child = _person(personas.police_a, "Logg")
    case = _case(personas.police_a, (child, "child"))
    report = actions.draft_report_of_concern(
        actor=personas.police_a,
        case=case,
        child=child,
        concern="Barnet hörde hot.",
        justification="Barnet var hemma under händelsen.",
    )
    actions.send_report_of_concern(actor=personas.police_a, report=report)
    logged_in(personas.social_a).get(reverse("cases:detail", args=[case.pk]))
    row = Disclosure.objects.select_related("basis").get()
    assert row.actor == personas.social_a and row.at is not None
    assert (row.object_type, row.object_id) == ("case", case.pk)
    assert row.from_organisation == personas.police_org_a
    assert row.to_organisation == personas.social_org_a
    assert row.basis is not None and row.basis.ground in grounds()
    event = AuditEvent.objects.get(pk=row.audit_event_id)
    assert event.verb == "disclose" and "orosanmalan" in event.basis


def test_req02_the_closed_list_refuses_a_ground_it_does_not_name(personas: Personas) -> None:
    person = _person(personas.social_a, "Okänd")
    with pytest.raises(ValidationError) as refused:
        actions.record_statutory_basis(
            actor=personas.social_a,
            subject=person,
            recipient=personas.police_org_a,
            ground="osl_10_27",
            conditions={},
            purpose="generalklausul",
            categories={"person"},
            valid_until=None,
        )
    assert "ground" in refused.value.message_dict
    assert not SharingBasis.objects.exists()


# --- Requirement 3: consent as structured data, nothing outside its scope ----------------------


def test_req03_it_records_consent_as_structured_data_and_blocks_sharing_outside_it(
    personas: Personas,
) -> None:
    victim = _person(personas.social_a, "Struktur")
    case = _case(personas.social_a, (victim, "victim"))
    incident = _incident(personas.social_a, case, place="Ringvägen")
    client = logged_in(personas.social_a)
    response = client.post(
        reverse("sharing:record_consent", args=[victim.pk]),
        {
            "categories": ["person", "cases", "risk_assessment", "support"],
            "purpose": "Samordnad riskbedömning",
            "given_by": "subject",
            "consent_form": "written",
            "valid_until": (timezone.localdate() + 90 * DAY).isoformat(),
            "signed_form": _upload(),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    basis = SharingBasis.objects.get()
    assert (basis.subject, basis.recipient, basis.given_by) == (
        victim,
        personas.police_org_a,
        "subject",
    )
    assert set(basis.category_keys()) == {"person", "cases", "risk_assessment", "support"}
    assert basis.consent_form == "written" and basis.purpose == "Samordnad riskbedömning"
    assert SignedConsentForm.objects.get(basis=basis).size == len(PDF_BYTES)
    officer = personas.police_a
    access = policy.get_case_for(officer, case.pk)
    assert policy.sees_case_category(access, "risk_assessment")
    assert not policy.sees_incidents(access) and not policy.sees_journal(access)
    assert incident.pk not in set(policy.incidents_visible_to(officer).values_list("pk", flat=True))


def _upload() -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("samtycke.pdf", PDF_BYTES, content_type="application/pdf")


# --- Requirement 4: in advance, specific, re-confirmed when the purpose changes ----------------


def test_req04_it_takes_consent_in_advance_and_asks_again_when_the_purpose_changes(
    personas: Personas,
) -> None:
    victim = _person(personas.police_a, "Förhand")
    case = _case(personas.police_a, (victim, "victim"))
    start = timezone.now() + 2 * DAY
    basis = _consent(personas.police_a, victim, personas.social_org_a, valid_from=start)
    assert not _sees_case(personas.social_a, case)
    with time_machine.travel(start + DAY):
        assert _sees_case(personas.social_a, case)
    with pytest.raises(ValidationError):
        actions.reconfirm_consent(
            actor=personas.police_a,
            basis=basis,
            purpose=basis.purpose,
            consent_form="oral",
            witness="Vera Vittne",
            valid_until=None,
        )
    renewed = actions.reconfirm_consent(
        actor=personas.police_a,
        basis=basis,
        purpose="Stöd inför rättegång",
        consent_form="oral",
        witness="Vera Vittne",
        valid_until=None,
    )
    basis.refresh_from_db()
    assert basis.ended_reason == "purpose_changed" and basis.withdrawn_at is not None
    assert renewed.replaces == basis and renewed.purpose == "Stöd inför rättegång"
    assert renewed.recipient == personas.social_org_a  # specific to one recipient


# --- Requirement 5: OSL 10 kap. 18 c § has its own form with all three conditions -------------


def _pending_18c(personas: Personas, subject: Person, **overrides: Any) -> SharingBasis:
    arguments: dict[str, Any] = {
        "actor": personas.social_a,
        "subject": subject,
        "recipient": personas.police_org_a,
        "ground": "osl_10_18c",
        "purpose": "förebygga våld",
        "categories": {"person", "cases", "incidents"},
        "valid_until": None,
        **FULL_18C,
    }
    return actions.record_statutory_basis(**{**arguments, **overrides})


def test_req05_the_18c_form_needs_all_conditions_goes_to_police_only_and_not_for_past_crime(
    personas: Personas,
) -> None:
    perpetrator = _person(personas.social_a, "Risk")
    case = _case(personas.social_a, (perpetrator, "perpetrator"))
    for missing in ("risk", "prevents", "not_inappropriate", "not_past_crime"):
        conditions = {**FULL_18C["conditions"], missing: False}
        with pytest.raises(ValidationError):
            _pending_18c(personas, perpetrator, conditions=conditions)
    with pytest.raises(ValidationError):
        _pending_18c(personas, perpetrator, details={**FULL_18C["details"], "feared_crime": ""})
    police_row = _person(personas.police_a, "Fel håll")
    with pytest.raises(ValidationError):
        _pending_18c(personas, police_row, actor=personas.police_a, recipient=personas.social_org_a)
    assert not SharingBasis.objects.exists()
    basis = _pending_18c(personas, perpetrator)
    assert basis.recipient.kind == "police" and basis.approval == "pending"
    assert not _sees_case(personas.police_a, case)  # nothing before the second person approves
    actions.decide_basis(actor=personas.lead_a, basis=basis, approve=True)
    assert _sees_case(personas.police_a, case)


def test_req05_the_page_lists_the_conditions_and_fields_of_the_ground(personas: Personas) -> None:
    perpetrator = _person(personas.social_a, "Sida")
    page = logged_in(personas.social_a).get(
        reverse("sharing:record_statutory", args=[perpetrator.pk]) + "?grund=osl_10_18c"
    )
    text = page.content.decode()
    for item in (*grounds()["osl_10_18c"].conditions, *grounds()["osl_10_18c"].fields):
        assert (
            f'name="{"condition" if item in grounds()["osl_10_18c"].conditions else "detail"}_{item.key}"'
            in text
        )


# --- Requirement 6: no general clause; crime suspicion names offence and penalty, reviewed ----


def test_req06_there_is_no_general_clause_and_a_crime_disclosure_names_offence_and_penalty(
    personas: Personas,
) -> None:
    assert not any("10_27" in key or "10 kap. 27" in g.law for key, g in grounds().items())
    rule = grounds()["osl_10_21_24"]
    assert {item.key for item in rule.fields} >= {"offence", "penalty_minimum", "legal_review"}
    assert rule.needs_approval and not rule.verified and rule.note
    suspect = _person(personas.social_a, "Misstänkt")
    arguments: dict[str, Any] = {
        "actor": personas.social_a,
        "subject": suspect,
        "recipient": personas.police_org_a,
        "ground": "osl_10_21_24",
        "conditions": {"suspicion": True, "threshold": True},
        "purpose": "brottsmisstanke",
        "categories": {"person"},
        "valid_until": None,
    }
    with pytest.raises(ValidationError) as refused:
        actions.record_statutory_basis(**arguments, details={"offence": "grov misshandel"})
    assert "detail_penalty_minimum" in refused.value.message_dict
    basis = actions.record_statutory_basis(
        **arguments,
        details={
            "offence": "grov misshandel, 3 kap. 6 § BrB",
            "penalty_minimum": "fängelse i lägst ett år och sex månader",
            "legal_review": "Jurist Jan Juridik",
        },
    )
    assert basis.approval == "pending"
    assert basis.details_dict()["offence"].startswith("grov misshandel")


def test_req06_the_list_is_configuration_and_a_malformed_list_is_refused() -> None:
    from django.core.exceptions import ImproperlyConfigured

    custom = parse(
        '[[ground]]\nkey = "x"\nfrom = "police"\nto = "social_services"\n'
        'label.sv = "X"\nlabel.en = "X"\n'
    )
    assert custom["x"].allows("police", "social_services")
    assert not custom["x"].allows("social_services", "police")
    with pytest.raises(ImproperlyConfigured):
        parse('[[ground]]\nkey = "x"\nfrom = "court"\nto = "police"\n')


# --- Requirement 7: risk assessment shared with consent, both ways ------------------------------


def test_req07_it_tracks_consent_to_share_risk_assessments_in_either_direction(
    personas: Personas,
) -> None:
    for owner, recipient, reader in (
        (personas.police_a, personas.social_org_a, personas.social_a),
        (personas.social_a, personas.police_org_a, personas.police_a),
    ):
        victim = _person(owner, f"Risk{owner.pk}")
        case = _case(owner, (victim, "victim"))
        _consent(owner, victim, recipient, categories={"person", "cases"})
        assert not policy.sees_case_category(
            policy.get_case_for(reader, case.pk), "risk_assessment"
        )
        _consent(owner, victim, recipient, categories={"cases", "risk_assessment"})
        assert policy.sees_case_category(policy.get_case_for(reader, case.pk), "risk_assessment")


# --- Requirements 8 and 9: reports of concern, timestamps, reporter, feedback due --------------


def test_req08_a_case_with_a_child_prompts_for_a_report_stamped_when_made_and_sent(
    personas: Personas,
) -> None:
    mother, child = _person(personas.police_a, "Mor"), _person(personas.police_a, "Barn")
    case = _case(personas.police_a, (mother, "victim"), (child, "child"))
    officer = logged_in(personas.police_a)
    page = officer.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert reverse("sharing:draft_concern", args=[case.pk]) in page
    response = officer.post(
        reverse("sharing:draft_concern", args=[case.pk]),
        {"child": child.pk, "concern": "Barnet hörde hot.", "justification": "Var hemma."},
    )
    report = ReportOfConcern.objects.get()
    assert response.status_code == 302 and report.created_at and report.sent_at is None
    officer.post(reverse("sharing:concern", args=[report.pk]), {"step": "send"})
    report.refresh_from_db()
    assert report.status == "sent" and report.sent_at >= report.created_at
    assert report.sent_by == personas.police_a  # the mandatory reporter
    assert report.basis is not None and report.basis.ground == "orosanmalan"
    assert report.basis.approval == "not_needed"  # "genast": no waiting for approval
    page = officer.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert reverse("sharing:draft_concern", args=[case.pk]) not in page  # reported: no prompt


def test_req09_social_services_receive_it_in_the_queue_and_feedback_has_a_due_date(
    personas: Personas, settings: Any
) -> None:
    settings.CONCERN_FEEDBACK_DAYS = 14
    child = _person(personas.police_a, "Kö")
    case = _case(personas.police_a, (child, "child"))
    report = actions.send_report_of_concern(
        actor=personas.police_a,
        report=actions.draft_report_of_concern(
            actor=personas.police_a,
            case=case,
            child=child,
            concern="Oro",
            justification="Barnet såg våldet.",
        ),
    )
    social = logged_in(personas.social_a)
    queue = social.get(reverse("sharing:concern_queue")).content.decode()
    assert reverse("sharing:concern", args=[report.pk]) in queue
    social.post(reverse("sharing:concern", args=[report.pk]), {"step": "receive"})
    report.refresh_from_db()
    assert report.response_due == timezone.localdate() + 14 * DAY
    assert not report.is_overdue(timezone.localdate() + 14 * DAY)
    assert report.is_overdue(timezone.localdate() + 15 * DAY)
    social.post(
        reverse("sharing:concern", args=[report.pk]),
        {"step": "respond", "response": "Förhandsbedömning inledd."},
    )
    report.refresh_from_db()
    assert report.status == "responded" and report.responded_by == personas.social_a
    with pytest.raises(PermissionDenied):  # the reporter cannot answer their own report
        actions.respond_to_report_of_concern(actor=personas.police_a, report=report, response="x")


# --- Requirement 10: a child who saw or heard: barnfridsbrott flagged --------------------------


def test_req10_it_flags_barnfridsbrott_when_a_child_saw_or_heard_the_incident(
    personas: Personas,
) -> None:
    mother, child = _person(personas.police_a, "Mor10"), _person(personas.police_a, "Barn10")
    case = _case(personas.police_a, (mother, "victim"), (child, "child"))
    quiet = _incident(personas.police_a, case, children_present=True)
    heard = _incident(personas.police_a, case, children_present=True, children_heard=True)
    assert not quiet.child_witnessed and heard.child_witnessed
    page = logged_in(personas.police_a).get(reverse("cases:detail", args=[case.pk]))
    assert page.content.decode().count("Barnfridsbrott") == 1
    report = actions.draft_report_of_concern(
        actor=personas.police_a,
        case=case,
        child=child,
        concern="Hörde våldet",
        justification="Barnet hörde",
        incident=heard,
    )
    assert report.child_witnessed


# --- Requirement 12: what a data subject's export holds -----------------------------------------


def test_req12_the_register_export_for_a_data_subject_names_no_other_private_person(
    personas: Personas,
) -> None:
    """A party-access (partsinsyn) export of the register carries organisations, staff and
    bases, never the name of another private person (a tipster's or a reporter's among them)."""
    victim = _person(personas.police_a, "Export")
    other = _person(personas.police_a, "Anmälarsson")
    case = _case(personas.police_a, (victim, "victim"), (other, "other"))
    _consent(personas.police_a, victim, personas.social_org_a)
    logged_in(personas.social_a).get(reverse("cases:detail", args=[case.pk]))
    response = logged_in(personas.police_a).get(
        reverse("sharing:person_register", args=[victim.pk]) + "?format=csv"
    )
    assert response["Content-Type"] == "text/csv"
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:3] == ["time", "disclosed", "item"] and len(rows) == 2
    assert "Anmälarsson" not in response.content.decode()
    assert AuditEvent.objects.filter(verb="export", object_type="disclosure_register").exists()


# --- Requirement 24: role and need-to-know; acting role recorded and searchable -----------------


def test_req24_the_acting_role_is_recorded_with_each_access_and_the_audit_filters_on_it(
    personas: Personas,
) -> None:
    victim = _person(personas.social_a, "Roll")
    case = _case(personas.social_a, (victim, "victim"))
    officer = logged_in(personas.police_a)
    _consent(personas.social_a, victim, personas.police_org_a)
    officer.post(reverse("accounts:acting_role"), {"acting_role": "support", "next": "/"})
    officer.get(reverse("cases:detail", args=[case.pk]))
    disclosure = AuditEvent.objects.get(verb="disclose")
    assert disclosure.acting_role == "support"
    lead = logged_in(personas.lead_a)
    social_side = logged_in(personas.social_a)
    social_side.post(reverse("accounts:acting_role"), {"acting_role": "investigation", "next": "/"})
    social_side.get(reverse("cases:detail", args=[case.pk]))
    found = lead.get(reverse("audit:search"), {"acting_role": "support"})
    roles = {event.acting_role for event in found.context["page"].items}
    assert roles <= {"support"}
    found = lead.get(reverse("audit:search"), {"acting_role": "investigation"})
    assert {event.acting_role for event in found.context["page"].items} == {"investigation"}


# --- Requirement 42: police → social services as a report with a justification ----------------


def test_req42_a_police_disclosure_to_social_services_needs_a_case_by_case_justification(
    personas: Personas,
) -> None:
    child = _person(personas.police_a, "Motiv")
    case = _case(personas.police_a, (child, "child"))
    with pytest.raises(ValidationError) as refused:
        actions.draft_report_of_concern(
            actor=personas.police_a, case=case, child=child, concern="Oro", justification=" "
        )
    assert "justification" in refused.value.message_dict
    with pytest.raises(ValidationError):
        actions.record_statutory_basis(
            actor=personas.police_a,
            subject=child,
            recipient=personas.social_org_a,
            ground="orosanmalan",
            conditions={"child": True, "concern": True, "individual": True},
            purpose="rutin",
            categories={"person"},
            valid_until=None,
        )
    assert not SharingBasis.objects.exists() and not ReportOfConcern.objects.exists()


# --- Bad input ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"categories": []}, "categories"),
        ({"categories": ["person", "telepathy"]}, "categories"),
        ({"categories": ["incidents"]}, "categories"),
        ({"valid_until": "2020-01-01"}, "valid_until"),
        ({"consent_form": "oral", "witness": ""}, "witness"),
        ({"consent_form": "written"}, "signed_form"),
        ({"purpose": ""}, "purpose"),
    ],
)
def test_bad_consent_input_gives_a_message_beside_the_field_and_saves_nothing(
    personas: Personas, change: dict[str, Any], field: str
) -> None:
    victim = _person(personas.police_a, "Fel")
    data = {
        "categories": ["person"],
        "purpose": "stöd",
        "given_by": "subject",
        "consent_form": "oral",
        "witness": "Vera Vittne",
        **change,
    }
    response = logged_in(personas.police_a).post(
        reverse("sharing:record_consent", args=[victim.pk]), data
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors.get(field), form.errors
    assert 'class="error-summary"' in response.content.decode()
    assert not SharingBasis.objects.exists() and not SignedConsentForm.objects.exists()


def test_a_fake_signed_form_is_refused(personas: Personas) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    victim = _person(personas.police_a, "Falsk")
    fake = SimpleUploadedFile("samtycke.pdf", b"MZ not a pdf", content_type="application/pdf")
    response = logged_in(personas.police_a).post(
        reverse("sharing:record_consent", args=[victim.pk]),
        {
            "categories": ["person"],
            "purpose": "stöd",
            "given_by": "subject",
            "consent_form": "written",
            "signed_form": fake,
        },
    )
    assert response.context["form"].errors.get("signed_form")
    assert not SharingBasis.objects.exists()


def test_a_child_consents_through_a_named_guardian_or_as_the_child(personas: Personas) -> None:
    child = _person(personas.police_a, "Minderårig")
    _case(personas.police_a, (child, "child"))
    with pytest.raises(ValidationError) as refused:
        _consent(personas.police_a, child, personas.social_org_a)
    assert "given_by" in refused.value.message_dict
    with pytest.raises(ValidationError):
        _consent(personas.police_a, child, personas.social_org_a, given_by="guardian")
    basis = _consent(
        personas.police_a,
        child,
        personas.social_org_a,
        given_by="guardian",
        given_by_name="Maria Vårdnadshavare",
    )
    assert basis.given_by_name == "Maria Vårdnadshavare"


def test_the_requester_cannot_approve_and_a_refusal_needs_a_reason(personas: Personas) -> None:
    perpetrator = _person(personas.social_a, "Själv")
    basis = _pending_18c(personas, perpetrator, actor=personas.lead_a)
    with pytest.raises(ValidationError):
        actions.decide_basis(actor=personas.lead_a, basis=basis, approve=True)
    with pytest.raises(PermissionDenied):
        actions.decide_basis(actor=personas.social_a, basis=basis, approve=True)
    other = _pending_18c(personas, _person(personas.social_a, "Annan"))
    with pytest.raises(ValidationError):
        actions.decide_basis(actor=personas.lead_a, basis=other, approve=False, note=" ")
    basis.refresh_from_db()
    assert basis.approval == other.approval == "pending"
    with pytest.raises(IntegrityError), transaction.atomic():
        SharingBasis.objects.filter(pk=basis.pk).update(
            approval="approved", decided_by=personas.lead_a, decided_at=timezone.now()
        )


def test_the_approval_page_decides_and_refuses_self_approval(personas: Personas) -> None:
    basis = _pending_18c(personas, _person(personas.social_a, "Sidan"))
    lead = logged_in(personas.lead_a)
    assert f'id="basis-{basis.pk}"' in lead.get(reverse("sharing:approvals")).content.decode()
    response = lead.post(
        reverse("sharing:approvals"), {"basis": basis.pk, "decision": "approve", "note": ""}
    )
    assert response.status_code == 302
    basis.refresh_from_db()
    assert basis.approval == "approved" and basis.decided_by == personas.lead_a
    assert logged_in(personas.social_a).get(reverse("sharing:approvals")).status_code == 403


def test_withdrawing_twice_is_refused_and_the_read_after_the_withdrawal_is_denied(
    personas: Personas,
) -> None:
    victim = _person(personas.police_a, "Två")
    case = _case(personas.police_a, (victim, "victim"))
    basis = _consent(personas.police_a, victim, personas.social_org_a)
    reader = logged_in(personas.social_a)
    assert reader.get(reverse("cases:detail", args=[case.pk])).status_code == 200
    page = logged_in(personas.police_a)
    response = page.post(
        reverse("sharing:person", args=[victim.pk]), {"basis": basis.pk, "step": "withdraw"}
    )
    assert response.status_code == 302
    assert reader.get(reverse("cases:detail", args=[case.pk])).status_code == 404
    again = page.post(
        reverse("sharing:person", args=[victim.pk]), {"basis": basis.pk, "step": "withdraw"}
    )
    assert again.status_code == 200 and "error-summary" in again.content.decode()
    assert AuditEvent.objects.filter(verb="withdraw").count() == 1
    assert Disclosure.objects.filter(basis=basis).count() == 1  # the register keeps it (A3)


def test_sharing_less_replaces_the_basis_from_now_on(personas: Personas) -> None:
    victim = _person(personas.police_a, "Mindre")
    case = _case(personas.police_a, (victim, "victim"))
    incident = _incident(personas.police_a, case)
    basis = _consent(personas.police_a, victim, personas.social_org_a)
    assert incident.pk in set(
        policy.incidents_visible_to(personas.social_a).values_list("pk", flat=True)
    )
    logged_in(personas.police_a).post(
        reverse("sharing:person", args=[victim.pk]),
        {"basis": basis.pk, "step": "narrow", "categories": ["person", "cases"]},
    )
    narrower = SharingBasis.objects.get(replaces=basis)
    assert set(narrower.category_keys()) == {"person", "cases"}
    assert _sees_case(personas.social_a, case)
    assert not policy.incidents_visible_to(personas.social_a).exists()


# --- The consent form PDF, the case at a glance -------------------------------------------------


@pytest.mark.parametrize("language", ["sv", "en", "ar", "fa"])
def test_the_consent_form_prints_in_each_language_with_the_person_and_scope(
    personas: Personas, language: str
) -> None:
    victim = _person(personas.police_a, "Blankett")
    basis = _consent(
        personas.police_a, victim, personas.social_org_a, categories={"person", "contact"}
    )
    response = logged_in(personas.police_a).get(
        reverse("sharing:consent_pdf", args=[victim.pk]),
        {"language": language, "underlag": basis.pk},
    )
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    assert reader.trailer["/Root"]["/Lang"] == language
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "Blankett" in text and "samordnat stöd" in text


def test_every_string_of_the_consent_form_is_in_arabic_and_persian() -> None:
    from tests.test_translations import catalogue_entries, template_msgids

    wanted = template_msgids("sharing/pdf/consent_form.html")
    with translation.override("en"):  # the msgids are the English texts
        wanted |= {str(c.label) for c in categories.CATEGORIES}
        wanted |= {str(c.help) for c in categories.CATEGORIES}
    for language in ("ar", "fa"):
        translated = {e.msgid for e in catalogue_entries(language) if e.msgstr}
        assert not sorted(wanted - translated), language


def test_the_case_shows_what_is_shared_in_which_direction_on_what_basis_until_when(
    personas: Personas,
) -> None:
    victim = _person(personas.social_a, "Överblick")
    case = _case(personas.social_a, (victim, "victim"))
    until = timezone.now() + 30 * DAY
    _consent(
        personas.social_a,
        victim,
        personas.police_org_a,
        categories={"person", "cases", "risk_assessment", "support"},
        valid_until=until,
    )
    for user in (personas.social_a, personas.police_a):
        page = logged_in(user).get(
            reverse("cases:detail", args=[case.pk]), HTTP_ACCEPT_LANGUAGE="en"
        )
        text = page.content.decode()
        assert "What is shared" in text or "Vad som delas" in text
        assert timezone.localdate(until).isoformat() in text  # shown in local time
        assert str(personas.police_org_a) in text


# --- Categories: one list ----------------------------------------------------------------------


def test_each_category_is_a_column_and_its_requirement_a_database_constraint() -> None:
    names = {f.name for f in SharingBasis._meta.get_fields()}
    constraints = {c.name for c in SharingBasis._meta.constraints}
    for category in categories.CATEGORIES:
        assert category.field in names
        if category.requires:
            assert f"basis_{category.key}_needs_{category.requires}" in constraints
    assert categories.scope_problems({"incidents"})
    assert not categories.scope_problems({"cases", "incidents"})
