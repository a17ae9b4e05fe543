"""The access policy's rules A1–A8 (ARCHITECTURE §4), one group of tests per rule.

Rows are written through the actions as the personas would; reads go through the policy and the
pages. Time is moved with explicit moments (scope_for(now=...)) or time-machine for pages.
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from igor.accounts.models import Unit, User
from igor.accounts.roles import Role
from igor.audit.models import AuditEvent, Disclosure
from igor.cases import actions as case_actions
from igor.cases.models import Case, Incident, JournalEntry
from igor.people import actions as people_actions
from igor.people.models import Person
from igor.sharing import actions as sharing_actions
from igor.sharing import policy
from igor.sharing.models import BreakGlassGrant, SharingBasis
from tests.authz import fixtures
from tests.personas import Personas, logged_in

HOUR = datetime.timedelta(hours=1)
DAY = datetime.timedelta(days=1)
EVERYTHING = {
    "covers_person": True,
    "covers_cases": True,
    "covers_incidents": True,
    "covers_journal": True,
}
# The personas once per module (eight Argon2id hashes); every test still starts clean.
module_db = fixtures.module_db
module_personas = fixtures.module_personas
personas = fixtures.personas

STREET = "Skyddsgatan 13"
PHONE = "0700-424242"


def _person(owner: User, last: str, unit: Unit | None = None, **extra: Any) -> Person:
    details = {"first_name": "Mira", "last_name": last, "identity_kind": "none", **extra}
    unit = unit or owner.units.get()
    return people_actions.register_person(actor=owner, unit=unit, details=details)


def _protected(owner: User, last: str) -> Person:
    return _person(
        owner,
        last,
        protection="skyddad_folkbokforing",
        phone=PHONE,
        street_address=STREET,
        postal_code="11853",
        city="Stockholm",
    )


def _case(owner: User, *parties: tuple[Person, str], title: str = "Våld i nära relation") -> Case:
    case = case_actions.open_case(actor=owner, unit=owner.units.get(), details={"title": title})
    for person, role in parties:
        case_actions.add_party(actor=owner, case=case, person=person, role=role)
    return case


def _incident(owner: User, case: Case, place: str = "Hornstull") -> Incident:
    return case_actions.record_incident(
        actor=owner,
        case=case,
        details={"occurred_at": timezone.now() - DAY, "kinds": ["physical"], "place": place},
    )


def _journal(owner: User, case: Case, text: str = "Samtal hölls.") -> JournalEntry:
    return case_actions.write_journal_entry(actor=owner, case=case, text=text)


def _consent(
    personas: Personas, subject: Person, scope: dict[str, bool] | None = None, **kwargs: Any
) -> SharingBasis:
    arguments: dict[str, Any] = {
        "actor": personas.police_a,
        "subject": subject,
        "recipient": personas.social_org_a,
        "purpose": "samordnat stöd",
        "consent_form": "oral",
        "witness": "Vera Vittne",
        "scope": EVERYTHING if scope is None else scope,
        "valid_until": None,
    }
    return sharing_actions.record_consent(**{**arguments, **kwargs})


def _visible(user: User, now: datetime.datetime | None = None) -> dict[str, set[int]]:
    scope = policy.scope_for(user, now=now)
    return {
        "persons": set(policy.persons_visible_to(user, scope).values_list("pk", flat=True)),
        "cases": set(policy.cases_visible_to(user, scope).values_list("pk", flat=True)),
        "incidents": set(policy.incidents_visible_to(user, scope).values_list("pk", flat=True)),
        "journal": set(policy.journal_visible_to(user, scope).values_list("pk", flat=True)),
    }


def _sees_person(user: User, person: Person) -> bool:
    try:
        policy.get_person_for(user, person.pk)
    except Http404:
        return False
    return True


def _sees_case(user: User, case: Case) -> bool:
    try:
        policy.get_case_for(user, case.pk)
    except Http404:
        return False
    return True


def _other_unit_officer(personas: Personas) -> User:
    """A police officer of Södermalm's police area working in a second joint unit only."""
    unit = Unit.objects.create(
        name="IGOR Södermalm Syd",
        police=personas.police_org_a,
        social_services=personas.social_org_a,
    )
    officer = User.objects.create(
        username="polis.syd",
        first_name="Sigrid",
        last_name="Syd",
        role=Role.POLICE_OFFICER,
        organisation=personas.police_org_a,
    )
    officer.units.add(unit)
    TOTPDevice.objects.create(user=officer, name="test", confirmed=True)
    return officer


# --- A1: own organisation, own units ------------------------------------------------------------


def test_a1_it_shows_a_user_the_rows_of_their_own_organisation_and_unit(
    personas: Personas,
) -> None:
    person = _person(personas.police_a, "Egen")
    case = _case(personas.police_a, (person, "victim"))
    incident, entry = _incident(personas.police_a, case), _journal(personas.police_a, case)
    seen = _visible(personas.police_a)
    assert person.pk in seen["persons"] and case.pk in seen["cases"]
    assert incident.pk in seen["incidents"] and entry.pk in seen["journal"]
    assert _sees_person(personas.police_a, person) and _sees_case(personas.police_a, case)


def test_a1_it_hides_rows_of_another_unit_of_the_same_organisation(personas: Personas) -> None:
    officer = _other_unit_officer(personas)
    person = _person(personas.police_a, "Enhetsgräns")
    case = _case(personas.police_a, (person, "victim"))
    _incident(personas.police_a, case)
    assert _visible(officer) == {
        "persons": set(),
        "cases": set(),
        "incidents": set(),
        "journal": set(),
    }
    assert not _sees_person(officer, person) and not _sees_case(officer, case)
    client = logged_in(officer)
    assert client.get(reverse("people:detail", args=[person.pk])).status_code == 404
    assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 404
    assert Disclosure.objects.count() == 0


def test_a1_it_hides_a_row_from_the_other_organisation_of_the_same_unit(
    personas: Personas,
) -> None:
    person = _person(personas.police_a, "Muren")
    case = _case(personas.police_a, (person, "victim"))
    for user in (personas.social_a, personas.lead_a):
        assert not _sees_person(user, person) and not _sees_case(user, case)
        assert person.pk not in _visible(user)["persons"]
    response = logged_in(personas.social_a).get(reverse("cases:detail", args=[case.pk]))
    assert response.status_code == 404


# --- A2: a basis covers, within its scope -------------------------------------------------------


def test_a2_it_shows_only_the_categories_a_consent_covers(personas: Personas) -> None:
    person = _person(personas.police_a, "Kategori")
    case = _case(personas.police_a, (person, "victim"))
    incident, entry = _incident(personas.police_a, case), _journal(personas.police_a, case)
    social = personas.social_a

    _consent(personas, person, scope={"covers_person": True})
    assert _visible(social) == {
        "persons": {person.pk},
        "cases": set(),
        "incidents": set(),
        "journal": set(),
    }
    _consent(personas, person, scope={"covers_cases": True})
    seen = _visible(social)
    assert (seen["cases"], seen["incidents"], seen["journal"]) == ({case.pk}, set(), set())
    page = logged_in(social).get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "Hornstull" not in page and "Samtal hölls." not in page
    _consent(
        personas,
        person,
        scope={"covers_cases": True, "covers_incidents": True, "covers_journal": True},
    )
    seen = _visible(social)
    assert (seen["incidents"], seen["journal"]) == ({incident.pk}, {entry.pk})


def test_a2_a_basis_for_incidents_or_journal_must_cover_their_case(personas: Personas) -> None:
    """The lists and the pages agree: incidents and journal entries are shown inside their case,
    so a basis covering them without the case is refused by the action and by the database."""
    person = _person(personas.police_a, "Utancase")
    incident = _incident(personas.police_a, _case(personas.police_a, (person, "victim")))
    for scope in ({"covers_incidents": True}, {"covers_journal": True}):
        with pytest.raises(ValidationError) as refused:
            _consent(personas, person, scope=scope)
        assert "categories" in refused.value.message_dict
    assert not SharingBasis.objects.exists()
    basis = _consent(personas, person, scope={"covers_cases": True, "covers_incidents": True})
    with pytest.raises(IntegrityError), transaction.atomic():
        SharingBasis.objects.filter(pk=basis.pk).update(covers_cases=False)
    assert _visible(personas.social_a)["incidents"] == {incident.pk}


def test_a2_it_limits_a_consent_to_its_recipient_organisation_and_unit(
    personas: Personas,
) -> None:
    person = _person(personas.police_a, "Mottagare")
    case = _case(personas.police_a, (person, "victim"))
    _consent(personas, person)
    assert _sees_case(personas.social_a, case) and _sees_case(personas.lead_a, case)
    for outsider in (personas.social_b, personas.police_b, personas.lead_b):
        assert not _sees_person(outsider, person) and not _sees_case(outsider, case)
    with pytest.raises(ValidationError) as refused:
        _consent(personas, person, recipient=personas.social_org_b)
    assert "recipient" in refused.value.message_dict
    assert SharingBasis.objects.filter(recipient=personas.social_org_b).count() == 0


def test_a2_it_carries_rows_only_in_the_direction_of_the_basis(personas: Personas) -> None:
    police_row = _person(personas.police_a, "Riktning")
    social_row = _person(personas.social_a, "Riktning")
    _consent(personas, police_row)
    assert _sees_person(personas.social_a, police_row)
    assert not _sees_person(personas.police_a, social_row)
    with pytest.raises(ValidationError):
        sharing_actions.record_statutory_basis(
            actor=personas.police_a,
            subject=police_row,
            recipient=personas.social_org_a,
            ground="osl_10_18c",  # social services → police only
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
            purpose="förebygga våld",
            scope=EVERYTHING,
            valid_until=None,
        )
    assert not SharingBasis.objects.filter(kind="statutory").exists()


def test_a2_it_requires_every_condition_of_a_statutory_ground(personas: Personas) -> None:
    child = _person(personas.police_a, "Barnsson")
    case = _case(personas.police_a, (child, "child"))
    arguments: dict[str, Any] = {
        "actor": personas.police_a,
        "subject": child,
        "recipient": personas.social_org_a,
        "ground": "orosanmalan",
        "details": {"justification": "Barnet såg våldet"},
        "purpose": "orosanmälan",
        "scope": EVERYTHING,
        "valid_until": None,
    }
    with pytest.raises(ValidationError):
        sharing_actions.record_statutory_basis(
            **arguments, conditions={"child": True, "concern": True}
        )
    assert not _sees_case(personas.social_a, case)
    sharing_actions.record_statutory_basis(
        **arguments, conditions={"child": True, "concern": True, "individual": True}
    )
    assert _sees_case(personas.social_a, case) and _sees_person(personas.social_a, child)


def test_a2_it_limits_a_case_bound_consent_to_that_case(personas: Personas) -> None:
    person = _person(personas.police_a, "Ärendebunden")
    first = _case(personas.police_a, (person, "victim"), title="Första")
    second = _case(personas.police_a, (person, "victim"), title="Andra")
    _consent(personas, person, case=first)
    assert _visible(personas.social_a)["cases"] == {first.pk}
    assert not _sees_case(personas.social_a, second)


def test_a2_it_shows_a_consent_valid_only_within_its_period(personas: Personas) -> None:
    person = _person(personas.police_a, "Period")
    now = timezone.now()
    _consent(personas, person, valid_from=now + DAY, valid_until=now + 3 * DAY)
    assert person.pk not in _visible(personas.social_a, now)["persons"]
    assert person.pk in _visible(personas.social_a, now + 2 * DAY)["persons"]
    assert person.pk not in _visible(personas.social_a, now + 3 * DAY)["persons"]


# --- A3: withdrawal and expiry bite at the next request; the register stays ----------------------


def test_a3_it_ends_access_at_the_next_request_after_withdrawal(personas: Personas) -> None:
    person = _person(personas.police_a, "Återkallad")
    case = _case(personas.police_a, (person, "victim"))
    basis = _consent(personas, person)
    client = logged_in(personas.social_a)
    url = reverse("cases:detail", args=[case.pk])
    assert client.get(url).status_code == 200
    sharing_actions.withdraw_basis(actor=personas.police_a, basis=basis)
    assert client.get(url).status_code == 404
    assert client.get(reverse("people:detail", args=[person.pk])).status_code == 404
    kept = Disclosure.objects.get(actor=personas.social_a)
    assert (kept.basis_id, kept.object_type, kept.object_id) == (basis.pk, "case", case.pk)
    assert AuditEvent.objects.filter(verb="withdraw", object_id=basis.pk).count() == 1


def test_a3_it_ends_access_when_a_consent_expires(personas: Personas) -> None:
    person = _person(personas.police_a, "Utgången")
    start = timezone.now()
    basis = _consent(personas, person, valid_until=start + HOUR)
    url = reverse("people:detail", args=[person.pk])
    assert logged_in(personas.social_a).get(url).status_code == 200
    with time_machine.travel(start + 2 * HOUR, tick=False):
        # a fresh login: the old session has been idle longer than allowed
        assert logged_in(personas.social_a).get(url).status_code == 404
    assert Disclosure.objects.filter(actor=personas.social_a, basis=basis).count() == 1


def test_a3_it_keeps_the_disclosure_register_when_a_basis_ends(personas: Personas) -> None:
    person = _person(personas.police_a, "Registret")
    basis = _consent(personas, person)
    logged_in(personas.lead_a).get(reverse("people:detail", args=[person.pk]))
    sharing_actions.withdraw_basis(actor=personas.police_a, basis=basis)
    with pytest.raises(ValidationError):
        sharing_actions.withdraw_basis(actor=personas.police_a, basis=basis)
    row = Disclosure.objects.get()
    assert (row.actor, row.basis, row.from_organisation, row.to_organisation) == (
        personas.lead_a,
        basis,
        personas.police_org_a,
        personas.social_org_a,
    )


# --- A4: every read across the wall is a disclosure; every read an audit event ----------------


def test_a4_it_records_a_disclosure_with_its_basis_for_every_read_across_the_wall(
    personas: Personas,
) -> None:
    person = _person(personas.police_a, "Utlämnad")
    case = _case(personas.police_a, (person, "victim"))
    incident = _incident(personas.police_a, case)
    basis = _consent(personas, person)
    client = logged_in(personas.social_a)
    for name, args in (
        ("people:detail", [person.pk]),
        ("cases:detail", [case.pk]),
        ("cases:incident", [case.pk, incident.pk]),
    ):
        assert client.get(reverse(name, args=args)).status_code == 200
    rows = Disclosure.objects.filter(actor=personas.social_a).order_by("id")
    assert [(r.object_type, r.object_id) for r in rows] == [
        ("person", person.pk),
        ("case", case.pk),
        ("incident", incident.pk),
    ]
    for row in rows:
        event = AuditEvent.objects.get(pk=row.audit_event_id)
        assert (row.basis, row.from_organisation, row.to_organisation) == (
            basis,
            personas.police_org_a,
            personas.social_org_a,
        )
        assert event.verb == "disclose" and event.basis == basis.label() and event.purpose


def test_a4_it_records_an_audit_event_with_purpose_for_every_own_read(personas: Personas) -> None:
    person = _person(personas.police_a, "Läst")
    case = _case(personas.police_a, (person, "victim"))
    client = logged_in(personas.police_a)
    client.get(reverse("people:detail", args=[person.pk]))
    client.get(reverse("cases:detail", args=[case.pk]))
    reads = AuditEvent.objects.filter(actor=personas.police_a, verb="read").order_by("seq")
    assert [(e.object_type, e.object_id, e.purpose) for e in reads] == [
        ("person", person.pk, "view person"),
        ("case", case.pk, "view case"),
    ]
    assert not Disclosure.objects.exists()


def test_a4_it_writes_no_disclosure_for_a_refused_read(personas: Personas) -> None:
    person = _person(personas.police_a, "Nekad")
    response = logged_in(personas.social_a).get(reverse("people:detail", args=[person.pk]))
    assert response.status_code == 404
    assert not Disclosure.objects.exists()
    assert not AuditEvent.objects.filter(actor=personas.social_a, verb="disclose").exists()


# --- A5: protected identity --------------------------------------------------------------------


def _search(client: Client, text: str) -> str:
    response = client.post(reverse("people:search"), {"q": text})
    assert response.status_code == 200
    return response.content.decode()


def test_a5_it_never_shows_protected_details_to_the_other_organisation(
    personas: Personas,
) -> None:
    person = _protected(personas.police_a, "Skyddadsson")
    case = _case(personas.police_a, (person, "victim"))
    _consent(personas, person)
    client = logged_in(personas.social_a)
    pages = [
        client.get(reverse("people:detail", args=[person.pk])).content.decode(),
        client.get(reverse("cases:detail", args=[case.pk])).content.decode(),
        _search(client, "Skyddadsson"),
    ]
    assert all("Skyddadsson" in page for page in pages)  # the person is shared …
    assert not any(STREET in page or PHONE in page for page in pages)  # … never the details
    reveal = client.post(reverse("people:reveal", args=[person.pk]), {"reason": "behöver"})
    assert reveal.status_code == 403
    assert STREET not in reveal.content.decode()
    assert not AuditEvent.objects.filter(verb="reveal").exists()


def test_a5_it_keeps_protected_details_out_of_the_owners_pages_and_lists(
    personas: Personas,
) -> None:
    person = _protected(personas.police_a, "Listasson")
    case = _case(personas.police_a, (person, "victim"))
    client = logged_in(personas.police_a)
    pages = [
        client.get(reverse("people:detail", args=[person.pk])).content.decode(),
        client.get(reverse("people:edit", args=[person.pk])).content.decode(),
        client.get(reverse("cases:detail", args=[case.pk])).content.decode(),
        client.get(reverse("cases:list")).content.decode(),
        _search(client, "Listasson"),
    ]
    assert not any(STREET in page or PHONE in page for page in pages)


def test_a5_it_reveals_only_with_a_reason_and_records_a_reveal_event(personas: Personas) -> None:
    person = _protected(personas.police_a, "Avslöjad")
    client = logged_in(personas.police_a)
    url = reverse("people:reveal", args=[person.pk])
    refused = client.post(url, {"reason": "  "})
    assert refused.status_code == 200 and STREET not in refused.content.decode()
    assert not AuditEvent.objects.filter(verb="reveal").exists()
    shown = client.post(url, {"reason": "Hembesök i dag, behöver adressen"})
    assert STREET in shown.content.decode() and PHONE in shown.content.decode()
    event = AuditEvent.objects.get(verb="reveal")
    assert (event.actor, event.person_id, event.purpose, event.acting_role) == (
        personas.police_a,
        person.pk,
        "Hembesök i dag, behöver adressen",
        "investigation",
    )
    again = client.get(reverse("people:detail", args=[person.pk])).content.decode()
    assert STREET not in again  # a reveal lasts one response


# --- A6: researchers and administrators ------------------------------------------------------


def _study_with_extract(personas: Personas) -> tuple[Any, Any]:
    """A study of unit A naming the researcher, with a finished extract of every variable."""
    import datetime

    from igor.stats import actions as stats
    from igor.stats.extracts import VARIABLE_KEYS
    from igor.stats.models import Extract

    study = stats.register_study(
        actor=personas.lead_a,
        name="A6-studie",
        ethics_reference="Dnr 2026-00006-01",
        period_start=datetime.date(2000, 1, 1),
        period_end=datetime.date(2030, 12, 31),
        units=[personas.unit_a],
        variables=list(VARIABLE_KEYS),
        researcher=personas.researcher,
        k=2,
    )
    extract = Extract.objects.create(
        study=study,
        period_start=study.period_start,
        period_end=study.period_end,
        requested_by=personas.researcher,
    )
    extract.units.set([personas.unit_a])
    return study, stats.run_extract(extract_id=extract.pk)


def _text(content: bytes) -> str:
    """A page's text; of a ZIP download (an extract, an XLSX) the text of every file in it."""
    import io
    import zipfile

    if not content.startswith(b"PK"):
        return content.decode()
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return "\n".join(archive.read(name).decode(errors="replace") for name in archive.namelist())


def test_a6_it_shows_researchers_and_administrators_no_case_data_on_any_page(
    personas: Personas,
) -> None:
    from tests.authz.matrix import PAGES

    person = _person(personas.police_a, "Forskningsobjekt", phone="0700-111222")
    case = _case(personas.police_a, (person, "victim"), title="Hemligt ärende")
    incident = _incident(personas.police_a, case, place="Hemlig plats")
    _journal(personas.police_a, case, text="Hemlig anteckning")
    markers = ("Forskningsobjekt", "Hemligt ärende", "Hemlig plats", "Hemlig anteckning")
    kwargs = {"person": {"pk": person.pk}, "case": {"pk": case.pk}}
    kwargs["incident"] = {"pk": case.pk, "incident_pk": incident.pk}
    kwargs["staff_user"] = {"pk": personas.police_a.pk}
    for target, extra in (
        ("risk_assessment", "assessment_pk"),
        ("safety_plan", "person_pk"),
        ("protective_measure", "measure_pk"),
    ):
        kwargs[target] = {"pk": case.pk, extra: 1}
    kwargs["conference"] = {"pk": 1}
    kwargs["conference_item"] = {"pk": 1, "item_pk": 1}
    child = _person(personas.police_a, "Forskningsbarn")
    case_actions.add_party(actor=personas.police_a, case=case, person=child, role="child")
    report = sharing_actions.draft_report_of_concern(
        actor=personas.police_a,
        case=case,
        child=child,
        concern="Hemlig oro",
        justification="Hemlig motivering",
    )
    kwargs["report"] = {"pk": report.pk}
    markers += ("Forskningsbarn", "Hemlig oro", "Hemlig motivering")
    # Tip pages (igor.tips): rows of a unit, never case data; any id will do for this check.
    public_line = {"unit": "sodermalm", "lang": "sv"}
    kwargs.update(
        tip_line=public_line,
        tip_line_message={**public_line, "pk": 1},
        tip={"pk": 1},
        tip_person={"pk": 1, "person_pk": person.pk},
        help_entry={"pk": 1},
    )
    kwargs["provider"] = kwargs["task"] = {"pk": 1}  # no such rows: a 403 comes first anyway
    study, extract = _study_with_extract(personas)
    kwargs["study"] = {"pk": study.pk}
    kwargs["extract"] = {"pk": study.pk, "extract_pk": extract.pk}
    for user in (personas.researcher, personas.admin):
        assert _visible(user) == {
            "persons": set(),
            "cases": set(),
            "incidents": set(),
            "journal": set(),
        }
        assert not _sees_person(user, person) and not _sees_case(user, case)
        client = logged_in(user)
        for page in PAGES.values():
            if "GET" not in page.methods or page.fresh_session:  # the quick exit ends the session
                continue
            route = kwargs.get(page.target or "", {})
            url = reverse(page.name, kwargs={**route, "item_pk": 1} if page.item else route)
            body = _text(client.get(url).content)
            leaked = [marker for marker in markers if marker in body]
            assert not leaked, f"{user.username} sees {leaked} on {page.name}"
        assert client.post(reverse("people:search"), {"q": "Forsk"}).status_code == 403
    assert not Disclosure.objects.exists()


# --- A7: break the glass --------------------------------------------------------------------------


def _break_glass(client: Client, case: Case, reason: str) -> Any:
    return client.post(
        reverse("sharing:break_glass"),
        {"target": "case", "identifier": case.reference, "reason": reason},
    )


def test_a7_it_opens_a_row_outside_the_rules_with_a_reason_and_flags_it(
    personas: Personas,
) -> None:
    person = _person(personas.police_a, "Nödläge")
    case = _case(personas.police_a, (person, "victim"))
    _journal(personas.police_a, case, text="Hotbild mot barnen")
    client = logged_in(personas.social_a)
    url = reverse("cases:detail", args=[case.pk])
    assert client.get(url).status_code == 404
    response = _break_glass(client, case, "Barnen är i akut fara i kväll")
    assert response.status_code == 302 and response["Location"] == url
    page = client.get(url)
    assert page.status_code == 200 and "Hotbild mot barnen" in page.content.decode()
    grant = AuditEvent.objects.get(verb="break_glass")
    assert (grant.actor, grant.case_id, grant.break_glass) == (personas.social_a, case.pk, True)
    assert grant.purpose == "Barnen är i akut fara i kväll"
    disclosure = Disclosure.objects.get(actor=personas.social_a)
    assert disclosure.break_glass and disclosure.basis is None
    event = AuditEvent.objects.get(pk=disclosure.audit_event_id)
    assert event.break_glass and event.verb == "disclose"
    flagged = logged_in(personas.lead_a).get(reverse("audit:search"), {"break_glass": "on"})
    assert "Barnen är i akut fara i kväll" in flagged.content.decode()


def test_a7_it_refuses_break_the_glass_without_a_reason(personas: Personas) -> None:
    case = _case(personas.police_a, (_person(personas.police_a, "Skäl"), "victim"))
    response = _break_glass(logged_in(personas.social_a), case, "akut")
    assert response.status_code == 200
    assert not BreakGlassGrant.objects.exists()
    assert not _sees_case(personas.social_a, case)


def test_a7_it_refuses_break_the_glass_outside_the_users_units(personas: Personas) -> None:
    case = _case(personas.police_a, (_person(personas.police_a, "Annanenhet"), "victim"))
    response = _break_glass(logged_in(personas.social_b), case, "Akut fara för barnen i kväll")
    assert response.status_code == 200
    assert not BreakGlassGrant.objects.exists()
    for user in (personas.researcher, personas.admin):
        refused = _break_glass(logged_in(user), case, "Akut fara för barnen i kväll")
        assert refused.status_code == 403
    assert not BreakGlassGrant.objects.exists()


def test_a7_it_ends_emergency_access_when_the_grant_expires(personas: Personas) -> None:
    case = _case(personas.police_a, (_person(personas.police_a, "Tidsgräns"), "victim"))
    grant = sharing_actions.break_the_glass(
        actor=personas.social_a,
        object_type="case",
        object_id=case.pk,
        reason="Akut fara för barnen i kväll",
    )
    assert case.pk in _visible(personas.social_a, grant.granted_at)["cases"]
    assert case.pk not in _visible(personas.social_a, grant.expires_at)["cases"]


# --- A8: the acting role ----------------------------------------------------------------------


def test_a8_it_records_the_acting_role_with_each_access(personas: Personas) -> None:
    person = _person(personas.police_a, "Rollsson")
    case = _case(personas.police_a, (person, "victim"))
    _consent(personas, person)
    police, social = logged_in(personas.police_a), logged_in(personas.social_a)
    url = reverse("cases:detail", args=[case.pk])
    police.get(url)
    social.get(url)
    switched = social.post(reverse("accounts:acting_role"), {"acting_role": "investigation"})
    assert switched.status_code == 302
    social.get(url)
    social.post(reverse("accounts:acting_role"), {"acting_role": "no-such-role"})
    social.get(url)
    police_read = AuditEvent.objects.get(actor=personas.police_a, verb="read")
    assert police_read.acting_role == "investigation"
    disclosed = AuditEvent.objects.filter(actor=personas.social_a, verb="disclose").order_by("seq")
    assert [event.acting_role for event in disclosed] == [
        "support",
        "investigation",
        "investigation",
    ]


def test_a8_it_records_the_acting_role_with_writes(personas: Personas) -> None:
    case = _case(personas.police_a, (_person(personas.police_a, "Skrivroll"), "victim"))
    client = logged_in(personas.police_a)
    client.post(reverse("accounts:acting_role"), {"acting_role": "support"})
    response = client.post(
        reverse("cases:add_journal_entry", args=[case.pk]), {"text": "Stödsamtal"}
    )
    assert response.status_code == 302
    event = AuditEvent.objects.get(object_type="journal_entry", verb="create")
    assert event.acting_role == "support"
