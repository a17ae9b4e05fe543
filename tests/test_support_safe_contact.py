"""The safe-contact rules come before any contact action in support (issue 6): the box on the
outreach and transport forms, a contact not saved before the rules were shown, and never the
victim's rules on the work with the person using violence."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest
from django.urls import reverse
from django.utils import timezone

from igor.cases import actions as cases
from igor.cases.models import Case
from igor.people.models import Person
from igor.risk import actions as risk
from igor.support.models import OutreachContact, Transport
from tests.builders import make_case, make_person
from tests.personas import Personas, logged_in

CODE = "Blåklint i fönstret"


@dataclass
class Pair:
    p: Personas
    case: Case
    victim: Person
    man: Person


@pytest.fixture
def pair(personas: Personas) -> Pair:
    officer = personas.police_a
    victim = make_person(officer, first_name="Vera", last_name="Kontaktsson")
    man = make_person(officer, first_name="Ulf", last_name="Utövarsson")
    case = make_case(officer, "Kontakt med försiktighet")
    cases.add_party(actor=officer, case=case, person=victim, role="victim")
    cases.add_party(actor=officer, case=case, person=man, role="perpetrator")
    risk.save_safe_contact(
        actor=officer,
        person=victim,
        details={"safe_times": "Vardagar 9–11", "code_word": CODE, "others_read_phone": True},
    )
    return Pair(personas, case, victim, man)


def _plan(person: Person, **extra: object) -> dict[str, object]:
    when = timezone.localtime() + datetime.timedelta(days=2)
    return {
        "person": person.pk,
        "method": "phone",
        "planned_for": when.strftime("%Y-%m-%dT%H:%M"),
        **extra,
    }


def test_the_outreach_form_shows_the_victims_rules_before_the_contact(pair: Pair) -> None:
    client = logged_in(pair.p.police_a)
    url = reverse("support:plan_outreach", args=[pair.case.pk])
    page = client.get(url, {"person": pair.victim.pk}).content.decode()
    assert "Innan du tar kontakt" in page and CODE in page and "Vardagar 9–11" in page
    # Sent from a page without the rules (no ?person=): the form comes back with them.
    unseen = client.post(url, _plan(pair.victim))
    body = unseen.content.decode()
    assert unseen.status_code == 200 and CODE in body and "error-summary" in body
    assert not OutreachContact.objects.exists()
    seen = client.post(url, _plan(pair.victim, safe_contact_seen=pair.victim.pk))
    assert seen.status_code == 302 and OutreachContact.objects.get().person == pair.victim


def test_the_rules_of_another_person_do_not_count_as_seen(pair: Pair) -> None:
    client = logged_in(pair.p.police_a)
    url = reverse("support:plan_outreach", args=[pair.case.pk])
    response = client.post(url, _plan(pair.victim, safe_contact_seen=pair.man.pk))
    assert response.status_code == 200 and not OutreachContact.objects.exists()


def test_the_victims_rules_never_show_on_the_work_with_the_person_using_violence(
    pair: Pair,
) -> None:
    client = logged_in(pair.p.police_a)
    url = reverse("support:plan_outreach", args=[pair.case.pk])
    page = client.get(url, {"person": pair.man.pk}).content.decode()
    assert CODE not in page and "Innan du tar kontakt" not in page
    saved = client.post(url, _plan(pair.man))  # nothing to read first for him
    assert saved.status_code == 302
    contact = OutreachContact.objects.get()
    record = reverse("support:record_outreach", args=[pair.case.pk])
    page = client.get(record, {"planerad": contact.pk}).content.decode()
    assert CODE not in page


def test_a_planned_contacts_outcome_shows_the_rules(pair: Pair) -> None:
    client = logged_in(pair.p.police_a)
    url = reverse("support:plan_outreach", args=[pair.case.pk])
    client.post(url, _plan(pair.victim, safe_contact_seen=pair.victim.pk))
    contact = OutreachContact.objects.get()
    record = reverse("support:record_outreach", args=[pair.case.pk])
    assert CODE in client.get(record, {"planerad": contact.pk}).content.decode()


def test_transport_booking_shows_the_rules_first(pair: Pair) -> None:
    client = logged_in(pair.p.police_a)
    url = reverse("support:add_transport", args=[pair.case.pk])
    ride = {
        "person": pair.victim.pk,
        "purpose": "police_interview",
        "departs_at": "2099-01-05T08:00",
        "from_place": "Hämtplats",
        "to_place": "Polishuset",
    }
    assert CODE in client.get(url, {"person": pair.victim.pk}).content.decode()
    assert client.post(url, ride).status_code == 200 and not Transport.objects.exists()
    assert client.post(url, {**ride, "safe_contact_seen": pair.victim.pk}).status_code == 302
    assert Transport.objects.get().person == pair.victim


def test_an_unknown_person_in_the_link_shows_no_box(pair: Pair) -> None:
    other = make_person(pair.p.police_a, first_name="Annan")
    risk.save_safe_contact(actor=pair.p.police_a, person=other, details={"code_word": "Annat"})
    client = logged_in(pair.p.police_a)
    url = reverse("support:plan_outreach", args=[pair.case.pk])
    for raw in (str(other.pk), "x", "-1"):
        page = client.get(url, {"person": raw})
        assert page.status_code == 200 and "Annat" not in page.content.decode()
