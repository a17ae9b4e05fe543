"""A consent given in both directions: each agency sees the other's record of the person in the
named categories, and withdrawing, narrowing or re-confirming it acts on both directions."""

from __future__ import annotations

import datetime
import html
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from igor.accounts.models import User
from igor.audit.models import AuditEvent
from igor.cases import actions as case_actions
from igor.cases.models import Case
from igor.people import actions as people_actions
from igor.people.models import Person
from igor.sharing import actions, policy
from igor.sharing.models import SharingBasis
from tests.authz import fixtures
from tests.builders import identity_number
from tests.personas import Personas, logged_in

module_db = fixtures.module_db
module_personas = fixtures.module_personas
personas = fixtures.personas

NUMBER = identity_number("18740312")


def _person(owner: User, last: str, number: str = NUMBER) -> Person:
    details = {
        "first_name": "Tove",
        "last_name": last,
        "identity_kind": "personnummer" if number else "none",
        "identity_number": number,
    }
    return people_actions.register_person(actor=owner, unit=owner.units.get(), details=details)


def _case_about(owner: User, person: Person) -> Case:
    case = case_actions.open_case(actor=owner, unit=owner.units.get(), details={"title": "Båda"})
    case_actions.add_party(actor=owner, case=case, person=person, role="victim")
    case_actions.record_incident(
        actor=owner,
        case=case,
        details={"occurred_at": timezone.now() - datetime.timedelta(days=1), "kinds": ["physical"]},
    )
    return case


def _consent(owner: User, subject: Person, **kwargs: Any) -> SharingBasis:
    unit = subject.unit
    recipient = (
        unit.police if subject.organisation_id == unit.social_services_id else unit.social_services
    )
    arguments: dict[str, Any] = {
        "actor": owner,
        "subject": subject,
        "recipient": recipient,
        "purpose": "samordnat stöd",
        "consent_form": "oral",
        "witness": "Vera Vittne",
        "categories": {"person", "cases"},
        "valid_until": None,
        "both_ways": True,
    }
    return actions.record_consent(**{**arguments, **kwargs})


def _sees(user: User, person: Person, case: Case) -> tuple[bool, bool, bool]:
    """Whether the user sees the person, their case, and the case's incidents."""
    try:
        person_seen = policy.get_person_for(user, person.pk) is not None
    except Http404:
        person_seen = False
    try:
        access = policy.get_case_for(user, case.pk)
    except Http404:
        return person_seen, False, False
    return person_seen, True, policy.sees_incidents(access)


@pytest.fixture
def both(personas: Personas) -> dict[str, Any]:
    """The same person known to social services and to the police of unit A, each with a case."""
    social_row = _person(personas.social_a, "Socialsidan")
    police_row = _person(personas.police_a, "Polissidan")
    return {
        "social_row": social_row,
        "police_row": police_row,
        "social_case": _case_about(personas.social_a, social_row),
        "police_case": _case_about(personas.police_a, police_row),
    }


def test_each_agency_sees_the_others_record_in_the_named_categories(
    personas: Personas, both: dict[str, Any]
) -> None:
    police, social = personas.police_a, personas.social_a
    assert _sees(police, both["social_row"], both["social_case"]) == (False, False, False)
    assert _sees(social, both["police_row"], both["police_case"]) == (False, False, False)
    basis = _consent(social, both["social_row"])
    mirror = SharingBasis.objects.get(mirror_of=basis)
    assert (mirror.subject, mirror.organisation, mirror.recipient) == (
        both["police_row"],
        personas.police_org_a,
        personas.social_org_a,
    )
    assert set(mirror.category_keys()) == {"person", "cases"} and mirror.both_ways
    # Both ways, in scope (person, cases) but not beyond it (incidents).
    assert _sees(police, both["social_row"], both["social_case"]) == (True, True, False)
    assert _sees(social, both["police_row"], both["police_case"]) == (True, True, False)
    # Each side's record stays apart from what it receives; nobody outside the unit sees either.
    assert _sees(personas.police_b, both["social_row"], both["social_case"]) == (False,) * 3
    assert _sees(personas.social_b, both["police_row"], both["police_case"]) == (False,) * 3
    created = AuditEvent.objects.filter(verb="create", object_type="sharing_basis")
    assert sorted(created.values_list("object_id", flat=True)) == sorted([basis.pk, mirror.pk])


@pytest.mark.parametrize("from_side", ["recorder", "other"])
def test_withdrawing_either_direction_ends_both(
    personas: Personas, both: dict[str, Any], from_side: str
) -> None:
    basis = _consent(personas.social_a, both["social_row"])
    mirror = SharingBasis.objects.get(mirror_of=basis)
    # The police control their own record, so they may withdraw the consent from their side.
    actor, chosen = (
        (personas.social_a, basis) if from_side == "recorder" else (personas.police_a, mirror)
    )
    actions.withdraw_basis(actor=actor, basis=chosen)
    assert _sees(personas.police_a, both["social_row"], both["social_case"]) == (False,) * 3
    assert _sees(personas.social_a, both["police_row"], both["police_case"]) == (False,) * 3
    for row in (basis, mirror):
        row.refresh_from_db()
        assert row.status_at(timezone.now()) == "withdrawn"
    assert AuditEvent.objects.filter(verb="withdraw").count() == 2
    with pytest.raises(ValidationError) as refused:
        actions.withdraw_basis(actor=personas.police_a, basis=mirror)
    assert refused.value.message_dict == {"basis": [_("It is already withdrawn.")]}


def test_narrowing_either_direction_narrows_both_and_keeps_them_linked(
    personas: Personas, both: dict[str, Any]
) -> None:
    basis = _consent(personas.social_a, both["social_row"])
    mirror = SharingBasis.objects.get(mirror_of=basis)
    narrower = actions.narrow_basis(actor=personas.police_a, basis=mirror, categories={"person"})
    assert _sees(personas.police_a, both["social_row"], both["social_case"]) == (True, False, False)
    assert _sees(personas.social_a, both["police_row"], both["police_case"]) == (True, False, False)
    primary = SharingBasis.objects.get(replaces=basis)
    assert narrower.mirror_of == primary and primary.category_keys() == ["person"]
    actions.withdraw_basis(actor=personas.social_a, basis=primary)
    narrower.refresh_from_db()
    assert narrower.withdrawn_at is not None


def test_a_new_purpose_reconfirms_both_directions(personas: Personas, both: dict[str, Any]) -> None:
    basis = _consent(personas.social_a, both["social_row"])
    mirror = SharingBasis.objects.get(mirror_of=basis)
    new = actions.reconfirm_consent(
        actor=personas.social_a,
        basis=basis,
        purpose="samordnat stöd och skydd",
        consent_form="oral",
        witness="Vera Vittne",
        valid_until=None,
    )
    new_mirror = SharingBasis.objects.get(mirror_of=new)
    assert (new.replaces, new_mirror.replaces) == (basis, mirror)
    assert new_mirror.purpose == "samordnat stöd och skydd"
    mirror.refresh_from_db()
    assert mirror.ended_reason == "purpose_changed"
    assert _sees(personas.social_a, both["police_row"], both["police_case"]) == (True, True, False)


@pytest.mark.parametrize("problem", ["no counterpart", "no number", "one case"])
def test_both_ways_is_refused_when_there_is_no_other_direction_and_nothing_is_saved(
    personas: Personas, problem: str
) -> None:
    social_row = _person(personas.social_a, "Ensam", "" if problem == "no number" else NUMBER)
    case = _case_about(personas.social_a, social_row)
    if problem == "one case":
        _person(personas.police_a, "Polissidan")
    with pytest.raises(ValidationError) as refused:
        _consent(personas.social_a, social_row, case=case if problem == "one case" else None)
    assert list(refused.value.message_dict) == ["both_ways"]
    assert not SharingBasis.objects.exists()
    assert not AuditEvent.objects.filter(object_type="sharing_basis").exists()


def test_the_consent_page_explains_a_refused_second_direction_beside_the_field(
    personas: Personas,
) -> None:
    alone = _person(personas.social_a, "Sidan", "")
    page = logged_in(personas.social_a).post(
        reverse("sharing:record_consent", args=[alone.pk]),
        {
            "categories": ["person", "cases"],
            "purpose": "samordnat stöd",
            "given_by": "subject",
            "consent_form": "oral",
            "witness": "Vera Vittne",
            "both_ways": "on",
        },
    )
    assert page.status_code == 200
    message = html.escape(
        _(
            "The other agency has no record of the person with the same identity number: "
            "record the consent in this direction only."
        )
    )
    text = page.content.decode()
    assert 'id="id_both_ways-error"' in text or 'id="id_both_ways_error"' in text
    assert text.count(message) == 2  # beside the field and in the error summary
    assert not SharingBasis.objects.exists()
