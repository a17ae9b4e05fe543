"""Candidate suggestions while triaging a tip: the persons the tip may name, with reasons, a link
button, the audit trail, and the wall."""

from __future__ import annotations

import datetime

from django.urls import reverse

from igor.accounts.models import User
from igor.audit.models import AuditEvent, Disclosure
from igor.people.models import Person
from igor.sharing import actions as sharing
from igor.tips.models import PersonLink
from igor.tips.tests.make import TipWorld, send_tip
from tests.builders import make_person
from tests.personas import Personas, logged_in

NAMING = {"people_involved": "Johan, mannen i lägenheten ovanför", "place": "Ringvägen 12"}


def _known(owner: User, **details: object) -> Person:
    fields: dict[str, object] = {
        "first_name": "Johan",
        "last_name": "Ek",
        "street_address": "Ringvägen 12",
        "birth_date": datetime.date(1885, 4, 12),
    }
    return make_person(owner, **{**fields, **details})


def _page(user: User, tip_pk: int) -> str:
    return logged_in(user).get(reverse("tips:detail", args=[tip_pk])).content.decode()


def test_triage_sees_the_known_person_with_class_and_reasons(world: TipWorld) -> None:
    known = _known(world.p.social_a)
    tip = send_tip(world.p.unit_a, **NAMING).tip
    html = _page(world.p.triage_a, tip.pk)
    assert "Ek, Johan" in html
    assert "samma gata" in html or "same street" in html
    assert "Trolig" in html or "Probable" in html
    assert f'name="person" value="{known.pk}"' in html
    event = AuditEvent.objects.filter(verb="match", object_type="person").latest("seq")
    assert event.actor_id == world.p.triage_a.pk
    assert event.data["results"] == [known.pk] and event.data["tip"] == tip.pk


def test_the_link_button_links_the_tip_and_the_audit_trail_says_so(world: TipWorld) -> None:
    known = _known(world.p.social_a)
    tip = send_tip(world.p.unit_a, **NAMING).tip
    client = logged_in(world.p.triage_a)
    response = client.post(reverse("tips:link_person", args=[tip.pk]), {"person": known.pk})
    assert response.status_code == 302
    assert PersonLink.objects.filter(tip=tip, person=known).exists()
    assert AuditEvent.objects.filter(
        verb="link", object_type="tip", object_id=tip.pk, person_id=known.pk
    ).exists()
    html = _page(world.p.triage_a, tip.pk)
    assert f'name="person" value="{known.pk}"' not in html  # linked: no longer suggested


def test_across_the_wall_only_a_note_that_the_other_agency_may_know(world: TipWorld) -> None:
    police_record = _known(world.p.police_a, last_name="Ekström")
    tip = send_tip(world.p.unit_a, people_involved="Johan Ekström", place="Ringvägen 12").tip
    html = _page(world.p.triage_a, tip.pk)
    assert "Ekström, Johan" not in html and "1885-04-12" not in html
    assert f'name="person" value="{police_record.pk}"' not in html
    assert "andra organisationen" in html or "other organisation" in html
    assert not Disclosure.objects.filter(actor=world.p.triage_a).exists()
    event = AuditEvent.objects.filter(verb="match").latest("seq")
    assert event.data["results"] == [] and event.data["other_side"] is True


def test_a_person_shared_with_a_basis_is_shown_and_disclosed(world: TipWorld) -> None:
    police_record = _known(world.p.police_a, last_name="Ekström")
    sharing.record_consent(
        actor=world.p.police_a,
        subject=police_record,
        recipient=world.p.social_org_a,
        purpose="support",
        consent_form="oral",
        witness="Sara Holm",
        scope={"covers_person": True},
        valid_until=None,
    )
    tip = send_tip(world.p.unit_a, people_involved="Johan Ekström", place="Ringvägen 12").tip
    html = _page(world.p.triage_a, tip.pk)
    assert "Ekström, Johan" in html
    disclosure = Disclosure.objects.get(actor=world.p.triage_a, object_type="person")
    assert disclosure.object_id == police_record.pk and disclosure.basis_id is not None


def test_who_may_not_read_the_raw_tip_gets_no_candidates(world: TipWorld) -> None:
    _known(world.p.social_a)
    tip = send_tip(world.p.unit_a, **NAMING).tip
    html = _page(world.p.social_a, tip.pk)
    assert "candidates-heading" not in html
    assert not AuditEvent.objects.filter(verb="match").exists()


def test_a_tip_naming_nobody_readable_shows_no_candidate_section(personas: Personas) -> None:
    _known(personas.social_a)
    tip = send_tip(personas.unit_a, people_involved="han och hon", place="").tip
    assert "candidates-heading" not in _page(personas.triage_a, tip.pk)


def test_a_closed_tip_suggests_nothing(world: TipWorld) -> None:
    from igor.tips import actions

    _known(world.p.social_a)
    tip = send_tip(world.p.unit_a, **NAMING).tip
    actions.write_summary(actor=world.p.triage_a, tip=tip, summary="Oro.", protect_tipster=False)
    actions.close_with_outcome(
        actor=world.p.triage_a, tip=tip, outcome="no_action", reason="Inget att göra."
    )
    assert "candidates-heading" not in _page(world.p.triage_a, tip.pk)
