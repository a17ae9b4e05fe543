"""incidents_list, incidents_create, incidents_detail."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone

from igor.api.tests import make
from igor.api.tests.conftest import Api, count_queries
from igor.audit.models import AuditEvent, Disclosure
from igor.cases.models import Case, Incident
from tests.personas import Personas


def _list(case: Case) -> str:
    return f"/api/v1/cases/{case.pk}/incidents"


def _shared_case(personas: Personas, **scope: bool) -> Case:
    victim = make.person(personas.social_a, last_name="Utsatt")
    case = make.case(personas.social_a)
    make.party(personas.social_a, case, victim)
    make.incident(personas.social_a, case, place="Hemma")
    make.consent(personas.social_a, victim, personas.police_org_a, {"covers_person": True, **scope})
    return case


def _valid(**changes: Any) -> dict[str, Any]:
    return {
        "occurred_at": "2026-01-10T21:30:00",
        "kinds": ["physical", "psychological"],
        "place": "Lägenheten",
        "police_report_number": "k123456-26",
        "children_present": True,
        "strangulation": True,
        **changes,
    }


# --- incidents_list --------------------------------------------------------------------------


def test_it_lists_a_cases_incidents_newest_first_and_records_the_read(
    api: Api, personas: Personas
) -> None:
    case = make.case(personas.police_a)
    now = timezone.now()
    old = make.incident(personas.police_a, case, occurred_at=now - datetime.timedelta(days=9))
    new = make.incident(personas.police_a, case, occurred_at=now - datetime.timedelta(days=1))
    make.incident(personas.police_a, make.case(personas.police_a))  # another case

    body = api.get(_list(case), personas.police_a).json()

    assert [i["id"] for i in body["items"]] == [new.pk, old.pk]
    event = AuditEvent.objects.filter(verb="read", case_id=case.pk).latest("seq")
    assert (event.purpose, event.data) == ("api: list incidents", {"incidents": [new.pk, old.pk]})


def test_it_answers_404_for_incidents_across_the_wall_without_a_basis(
    api: Api, personas: Personas
) -> None:
    case = make.case(personas.social_a)
    make.incident(personas.social_a, case)
    for user in (personas.police_a, personas.social_b):
        assert api.get(_list(case), user).status_code == 404


def test_it_answers_404_when_the_basis_does_not_cover_incidents(
    api: Api, personas: Personas
) -> None:
    case = _shared_case(personas, covers_cases=True)
    assert api.get(f"/api/v1/cases/{case.pk}", personas.police_a).status_code == 200
    assert api.get(_list(case), personas.police_a).status_code == 404


def test_it_lists_incidents_shared_by_consent_and_records_the_disclosure(
    api: Api, personas: Personas
) -> None:
    case = _shared_case(personas, covers_cases=True, covers_incidents=True)

    items = api.get(_list(case), personas.police_a).json()["items"]

    assert [i["place"] for i in items] == ["Hemma"]
    disclosures = Disclosure.objects.filter(object_type="case", object_id=case.pk)
    assert disclosures.count() == 1
    assert disclosures[0].audit_event.data == {"incidents": [items[0]["id"]]}


def test_it_lists_incidents_without_a_query_per_incident(
    api: Api, personas: Personas, django_assert_max_num_queries: Any
) -> None:
    case = make.case(personas.police_a)
    make.incident(personas.police_a, case)
    few = count_queries(lambda: api.get(_list(case), personas.police_a))
    for _ in range(30):
        make.incident(personas.police_a, case)

    with django_assert_max_num_queries(few):
        body = api.get(_list(case), personas.police_a).json()
    assert (len(body["items"]), body["has_next"]) == (25, True)
    assert few <= 30  # token, scope, the case, the incidents, the read event


# --- incidents_create ------------------------------------------------------------------------


def test_it_records_an_incident_and_audits_it(api: Api, personas: Personas) -> None:
    case = make.case(personas.police_a)

    response = api.post(_list(case), _valid(), personas.police_a)

    assert response.status_code == 201
    incident = Incident.objects.get(pk=response.json()["id"])
    assert incident.case == case
    assert incident.kinds == ["physical", "psychological"]
    assert incident.police_report_number == "K123456-26"
    assert timezone.localtime(incident.occurred_at).hour == 21  # local time, as on the form
    assert response.json()["strangulation"] is True
    event = AuditEvent.objects.get(verb="create", object_type="incident")
    assert (event.object_id, event.case_id) == (incident.pk, case.pk)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"occurred_at": "2999-01-01T00:00:00+01:00"}, "occurred_at"),  # in the future
        ({"occurred_at": "2026-02-30T10:00:00"}, "occurred_at"),
        ({"occurred_at": None}, "occurred_at"),
        ({"kinds": []}, "kinds"),
        ({"kinds": ["shouting"]}, "kinds"),
        ({"kinds": "physical"}, "kinds"),
        ({"police_report_number": "12-AB"}, "police_report_number"),
        ({"place": "x" * 201}, "place"),
        ({"injuries": "x" * 2001}, "injuries"),
        ({"description": "x" * 5001}, "description"),
        ({"weapon": "knife"}, "weapon"),
        ({"case": 1}, "case"),
    ],
)
def test_it_rejects_bad_incident_input_and_saves_nothing(
    api: Api, personas: Personas, changes: dict[str, Any], field: str
) -> None:
    case = make.case(personas.police_a)

    response = api.post(_list(case), _valid(**changes), personas.police_a)

    assert response.status_code == 422
    assert ["body", field] in [error["loc"][:2] for error in response.json()["detail"]]
    assert not Incident.objects.exists()


def test_it_answers_404_when_recording_in_a_case_the_caller_may_only_read(
    api: Api, personas: Personas
) -> None:
    case = _shared_case(personas, covers_cases=True, covers_incidents=True)
    other_unit = make.case(personas.police_b)

    assert api.post(_list(case), _valid(), personas.police_a).status_code == 404
    assert api.post(_list(other_unit), _valid(), personas.police_a).status_code == 404
    assert Incident.objects.count() == 1  # the one made for the shared case


# --- incidents_detail ------------------------------------------------------------------------


def test_it_shows_an_incident_and_records_which_was_read(api: Api, personas: Personas) -> None:
    case = make.case(personas.social_a)
    incident = make.incident(personas.social_a, case, injuries="Blåmärken")

    body = api.get(f"{_list(case)}/{incident.pk}", personas.social_a).json()

    assert body["injuries"] == "Blåmärken"
    event = AuditEvent.objects.filter(verb="read", object_type="incident").latest("seq")
    assert (event.object_id, event.case_id) == (incident.pk, case.pk)


def test_it_shows_a_shared_incident_and_records_the_disclosure(
    api: Api, personas: Personas
) -> None:
    case = _shared_case(personas, covers_cases=True, covers_incidents=True)
    incident = Incident.objects.get(case=case)

    response = api.get(f"{_list(case)}/{incident.pk}", personas.police_a)

    assert response.status_code == 200
    disclosure = Disclosure.objects.get(object_type="incident")
    assert (disclosure.object_id, disclosure.to_organisation) == (
        incident.pk,
        personas.police_org_a,
    )


def test_it_answers_404_for_an_incident_of_another_case_or_across_the_wall(
    api: Api, personas: Personas
) -> None:
    mine = make.case(personas.police_a)
    theirs = make.case(personas.social_a)
    incident = make.incident(personas.social_a, theirs)

    assert api.get(f"{_list(mine)}/{incident.pk}", personas.police_a).status_code == 404
    assert api.get(f"{_list(theirs)}/{incident.pk}", personas.police_a).status_code == 404
    assert api.get(f"{_list(theirs)}/{2**64}", personas.social_a).status_code == 404
    assert not AuditEvent.objects.filter(verb__in=["read", "disclose"]).exists()
