"""Issue 7: a triaged self-referral opens outreach. "Outreach planned" plans a phone contact in
the tip's case with the person it is from (linked, or registered from the referral), copies a
victim's contact preferences into her safe-contact rules, all in one transaction, audited."""

from __future__ import annotations

import datetime
import secrets
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from igor.audit.models import AuditEvent
from igor.cases.models import Case, Party
from igor.people.models import Person
from igor.risk.models import SafeContact
from igor.support.models import OutreachContact
from igor.tips import actions
from igor.tips.models import Tip
from tests.builders import make_case, make_person
from tests.personas import Personas, logged_in

WHEN = "2099-01-05T10:00"


def _referral(p: Personas, kind: str = "contact_me", name: str = "Vera Självsson") -> Tip:
    sent = actions.submit(
        unit=p.unit_a,
        kind=kind,
        language="sv",
        details={"message": "Ring mig när han är på jobbet."},
        contact={
            "name": name,
            "phone": "070-174 06 61",
            "email": "",
            "safe_times": "Vardagar 10–14",
            "voicemail_ok": False,
            "sms_ok": True,
            "code_word": "Pelargon",
            "others_read_phone": "unsure",
        },
        submission_key=secrets.token_urlsafe(16),
    )
    tip = sent.tip
    triage = p.triage_a
    actions.write_summary(
        actor=triage, tip=tip, summary="Vill bli kontaktad.", protect_tipster=True
    )
    case = make_case(triage, "Självanmälan")
    actions.link_case(actor=triage, tip=tip, case=case)
    tip.refresh_from_db()
    return tip


def _close(p: Personas, tip: Tip, **data: str) -> Any:
    client = logged_in(p.triage_a)
    return client.post(f"/tips/{tip.pk}/utfall/", {"outcome": "outreach_planned", **data})


def test_a_contact_me_referral_plans_outreach_to_a_new_person_with_her_rules(
    personas: Personas,
) -> None:
    tip = _referral(personas)
    response = _close(personas, tip, reason="", planned_for=WHEN)
    assert response.status_code == 302
    person = Person.objects.get(first_name="Vera", last_name="Självsson")
    party = Party.objects.get(case=tip.case, person=person)
    assert party.role == "victim"
    contact = OutreachContact.objects.get(person=person)
    assert (contact.method, contact.case_id, contact.done_at) == ("phone", tip.case_id, None)
    assert timezone.localtime(contact.planned_for).strftime("%Y-%m-%dT%H:%M") == WHEN
    rules = SafeContact.objects.get(person=person)
    assert (rules.safe_times, rules.code_word, rules.sms_allowed) == (
        "Vardagar 10–14",
        "Pelargon",
        True,
    )
    assert rules.voicemail_allowed is False and rules.others_read_phone is True
    tip.refresh_from_db()
    assert (tip.status, tip.outcome) == ("closed", "outreach_planned")
    types = set(AuditEvent.objects.values_list("object_type", flat=True))
    assert {"person", "outreach_contact", "safe_contact", "tip"} <= types


def test_the_linked_person_is_contacted_not_a_new_one(personas: Personas) -> None:
    tip = _referral(personas)
    known = make_person(personas.triage_a, first_name="Vera", last_name="Känd")
    actions.link_person(actor=personas.triage_a, tip=tip, person=known)
    assert _close(personas, tip, planned_for=WHEN).status_code == 302
    assert OutreachContact.objects.get().person == known
    assert not Person.objects.filter(last_name="Självsson").exists()


def test_help_to_stop_makes_him_a_party_using_violence_and_keeps_no_rules(
    personas: Personas,
) -> None:
    tip = _referral(personas, kind="help_to_stop", name="Ulf Vill-sluta")
    assert _close(personas, tip, planned_for=WHEN).status_code == 302
    person = Person.objects.get(last_name="Vill-sluta")
    assert Party.objects.get(person=person).role == "perpetrator"
    assert OutreachContact.objects.get().party_role == "perpetrator"
    assert not SafeContact.objects.exists()  # never kept for a person using violence


@pytest.mark.parametrize(
    "data, field",
    [({"planned_for": ""}, "planned_for"), ({"planned_for": "i morgon"}, "planned_for")],
)
def test_bad_input_saves_nothing(personas: Personas, data: dict[str, str], field: str) -> None:
    tip = _referral(personas)
    before = AuditEvent.objects.count()
    response = _close(personas, tip, **data)
    body = response.content.decode()
    assert response.status_code == 422 and "error-summary" in body and f"id_{field}" in body
    assert not OutreachContact.objects.exists() and not SafeContact.objects.exists()
    assert not Person.objects.filter(last_name="Självsson").exists()
    tip.refresh_from_db()
    assert tip.status != "closed" and AuditEvent.objects.count() == before


def test_without_a_case_nothing_is_half_saved(personas: Personas) -> None:
    tip = _referral(personas)
    Tip.objects.filter(pk=tip.pk).update(case=None)
    tip.refresh_from_db()
    with pytest.raises(ValidationError):
        actions.close_with_outcome(
            actor=personas.triage_a,
            tip=tip,
            outcome="outreach_planned",
            reason="",
            planned_for=timezone.now() + datetime.timedelta(days=1),
        )
    assert (
        not OutreachContact.objects.exists()
        and not Person.objects.filter(last_name="Självsson").exists()
    )


def test_two_linked_people_must_be_narrowed_first(personas: Personas) -> None:
    tip = _referral(personas)
    for name in ("Ett", "Två"):
        person = make_person(personas.triage_a, first_name=name)
        actions.link_person(actor=personas.triage_a, tip=tip, person=person)
    response = _close(personas, tip, planned_for=WHEN)
    assert response.status_code == 422 and not OutreachContact.objects.exists()
    assert tip.case is not None and Case.objects.filter(pk=tip.case.pk).exists()


def test_a_plain_tip_closes_with_outreach_planned_as_before(personas: Personas) -> None:
    from igor.tips.tests.make import send_tip

    tip = send_tip(personas.unit_a).tip
    actions.write_summary(actor=personas.triage_a, tip=tip, summary="Oro.", protect_tipster=False)
    assert _close(personas, tip).status_code == 302
    assert not OutreachContact.objects.exists()
