"""statutory_create/list, basis_detail, grounds_list, approvals_list/decide, register_unit and
the reports of concern (concerns_*): happy paths, who may, bad input (nothing saved), audit."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext, override

from igor.api.tests import make
from igor.api.tests.conftest import Api
from igor.audit.models import AuditEvent, Disclosure
from igor.cases.models import Case
from igor.people.models import Person
from igor.sharing.models import ReportOfConcern, SharingBasis
from tests.personas import Personas

NECESSARY = {
    "ground": "osl_10_2",
    "conditions": ["necessary"],
    "details": {"justification": "Behövs för att kunna skydda den utsatta"},
    "categories": ["person", "cases"],
    "purpose": "Skydd",
}


def _(message: str) -> str:
    """A message as the API says it to a caller who asks for no language."""
    with override(settings.LANGUAGE_CODE):
        return gettext(message)


def _messages(response: Any, *loc: str) -> list[str]:
    return [e["msg"] for e in response.json()["detail"] if e["loc"] == ["body", *loc]]


def _pending(api: Api, personas: Personas) -> tuple[Person, SharingBasis]:
    victim = make.person(personas.police_a, last_name="Lagstod")
    response = api.post(f"/api/v1/persons/{victim.pk}/statutory", NECESSARY, personas.police_a)
    assert response.status_code == 201, response.content
    return victim, SharingBasis.objects.get(pk=response.json()["id"])


# --- Statutory disclosures -------------------------------------------------------------------------


def test_it_records_a_statutory_request_with_its_conditions_and_lists_and_reads_it(
    api: Api, personas: Personas
) -> None:
    victim, basis = _pending(api, personas)
    assert (basis.kind, basis.ground, basis.approval) == ("statutory", "osl_10_2", "pending")
    assert basis.conditions == {"necessary": True}
    assert basis.details_dict() == NECESSARY["details"]
    listed = api.get(f"/api/v1/persons/{victim.pk}/statutory", personas.police_a).json()
    assert [(b["id"], b["status"], b["details"]) for b in listed] == [
        (basis.pk, "pending", NECESSARY["details"])
    ]
    one = api.get(f"/api/v1/sharing/bases/{basis.pk}", personas.police_a).json()
    assert one["conditions"] == ["necessary"] and one["recorded_by"]
    assert AuditEvent.objects.filter(verb="create", object_type="sharing_basis").count() == 1
    assert AuditEvent.objects.filter(verb="read", object_type="sharing_basis").count() == 1
    # Nobody but the controller reads it, even the recipient organisation.
    for other in (personas.social_a, personas.police_b):
        assert api.get(f"/api/v1/sharing/bases/{basis.pk}", other).status_code == 404
        assert api.get(f"/api/v1/persons/{victim.pk}/statutory", other).status_code == 404


def test_the_grounds_list_names_each_grounds_conditions_and_fields(
    api: Api, personas: Personas
) -> None:
    body = api.get("/api/v1/sharing/grounds", personas.social_a).json()
    found = {g["key"]: g for g in body["items"]}
    assert [c["key"] for c in found["osl_10_18c"]["conditions"]][:2] == ["risk", "prevents"]
    assert "justification" in [f["key"] for f in found["osl_10_18c"]["fields"]]
    assert found["orosanmalan"]["needs_approval"] is False
    assert api.get("/api/v1/sharing/grounds", personas.researcher).status_code == 403


@pytest.mark.parametrize(
    ("change", "loc", "message"),
    [
        ({"conditions": []}, ("conditions",), "Every condition of the ground must be confirmed."),
        ({"details": {}}, ("details", "justification"), "This ground needs this filled in."),
        ({"details": {"justification": "  "}}, ("details", "justification"), None),
        ({"ground": "osl_99"}, ("ground",), "Choose a ground from the list."),
        # Orosanmälan carries police data to social services only.
        ({"ground": "osl_10_18c"}, ("ground",), None),
        ({"purpose": ""}, ("purpose",), "State the purpose of the sharing."),
        ({"categories": ["journal"]}, ("categories",), None),
        ({"categories": ["telepathy"]}, ("categories", "0"), None),
        ({"valid_until": "2020-01-01T00:00:00Z"}, ("valid_until",), None),
    ],
)
def test_it_refuses_a_statutory_request_missing_what_its_ground_requires(
    api: Api, personas: Personas, change: dict[str, Any], loc: tuple[str, ...], message: str | None
) -> None:
    victim = make.person(personas.police_a, last_name="Lagfel")
    response = api.post(
        f"/api/v1/persons/{victim.pk}/statutory", {**NECESSARY, **change}, personas.police_a
    )
    assert response.status_code == 422
    if loc == ("categories", "0"):
        assert any(e["loc"][:3] == ["body", "categories", 0] for e in response.json()["detail"])
    else:
        found = _messages(response, *loc)
        assert found, response.json()
        if message:  # the page's own message, in the same language
            assert found == [_(message)]
    assert not SharingBasis.objects.exists()
    assert not AuditEvent.objects.filter(object_type="sharing_basis").exists()


# --- Approval --------------------------------------------------------------------------------------


def test_the_lead_approves_a_pending_request_and_only_then_the_recipient_sees(
    api: Api, personas: Personas
) -> None:
    victim, basis = _pending(api, personas)
    assert api.get(f"/api/v1/persons/{victim.pk}", personas.social_a).status_code == 404
    queue = api.get("/api/v1/sharing/approvals", personas.lead_a).json()
    assert [b["id"] for b in queue["items"]] == [basis.pk]
    response = api.post(
        f"/api/v1/sharing/approvals/{basis.pk}", {"decision": "approve"}, personas.lead_a
    )
    assert response.status_code == 200 and response.json()["status"] == "active"
    basis.refresh_from_db()
    assert (basis.approval, basis.decided_by) == ("approved", personas.lead_a)
    assert api.get(f"/api/v1/persons/{victim.pk}", personas.social_a).status_code == 200
    assert api.get("/api/v1/sharing/approvals", personas.lead_a).json()["items"] == []
    again = api.post(
        f"/api/v1/sharing/approvals/{basis.pk}", {"decision": "refuse"}, personas.lead_a
    )
    assert _messages(again, "basis") == [_("This disclosure is not awaiting a decision.")]


def test_a_lead_cannot_approve_their_own_request_and_nothing_is_saved(
    api: Api, personas: Personas
) -> None:
    victim = make.person(personas.social_a, last_name="Egen")
    response = api.post(
        f"/api/v1/persons/{victim.pk}/statutory",
        {
            **NECESSARY,
            "ground": "osl_10_18a",
            "conditions": ["under_21", "risk", "prevents", "not_inappropriate"],
        },
        personas.lead_a,
    )
    assert response.status_code == 201, response.content
    basis_id = response.json()["id"]
    events = AuditEvent.objects.count()
    response = api.post(
        f"/api/v1/sharing/approvals/{basis_id}", {"decision": "approve"}, personas.lead_a
    )
    assert response.status_code == 422
    assert _messages(response, "basis") == [
        _("Somebody else must approve a disclosure you requested.")
    ]
    basis = SharingBasis.objects.get(pk=basis_id)
    assert (basis.approval, basis.decided_by) == ("pending", None)
    assert AuditEvent.objects.count() == events


def test_a_refusal_needs_a_note_and_others_cannot_decide(api: Api, personas: Personas) -> None:
    _victim, basis = _pending(api, personas)
    url = f"/api/v1/sharing/approvals/{basis.pk}"
    response = api.post(url, {"decision": "refuse"}, personas.lead_a)
    assert _messages(response, "note") == [_("Say why the disclosure is refused.")]
    assert api.post(url, {"decision": "approve"}, personas.lead_b).status_code == 404
    assert api.post(url, {"decision": "approve"}, personas.social_a).status_code == 403
    assert api.post(url, {"decision": "maybe"}, personas.lead_a).status_code == 422
    basis.refresh_from_db()
    assert basis.approval == "pending"
    response = api.post(url, {"decision": "refuse", "note": "Inte nödvändigt"}, personas.lead_a)
    assert response.json()["status"] == "refused"


# --- The unit's register ---------------------------------------------------------------------------


def test_the_unit_register_lists_what_crossed_the_wall_for_the_lead_only(
    api: Api, personas: Personas
) -> None:
    victim = make.person(personas.police_a, last_name="Enhetsregister")
    make.consent(personas.police_a, victim, personas.social_org_a)
    api.get(f"/api/v1/persons/{victim.pk}", personas.social_a)
    body = api.get("/api/v1/sharing/register", personas.lead_a).json()
    assert [(i["object_type"], i["person_id"]) for i in body["items"]] == [("person", victim.pk)]
    assert api.get("/api/v1/sharing/register", personas.lead_b).json()["items"] == []
    assert api.get("/api/v1/sharing/register", personas.social_a).status_code == 403


# --- Reports of concern ----------------------------------------------------------------------------


def _police_case_with_child(personas: Personas) -> tuple[Case, Person]:
    case = make.case(personas.police_a)
    child = make.person(personas.police_a, last_name="Barnsson")
    make.party(personas.police_a, case, child, role="child")
    return case, child


def _draft(api: Api, personas: Personas, **change: Any) -> Any:
    case, child = _police_case_with_child(personas)
    body = {"child": child.pk, "concern": "Barnet hörde hot.", "justification": "Var hemma."}
    return api.post(f"/api/v1/cases/{case.pk}/concerns", {**body, **change}, personas.police_a)


def test_a_report_goes_from_draft_to_sent_received_and_answered(
    api: Api, personas: Personas, settings: Any
) -> None:
    settings.CONCERN_FEEDBACK_DAYS = 14
    drafted = _draft(api, personas)
    assert drafted.status_code == 201 and drafted.json()["status"] == "draft"
    report_id = drafted.json()["id"]
    url = f"/api/v1/concerns/{report_id}"
    assert api.get(url, personas.social_a).status_code == 404  # a draft stays with the police
    sent = api.post(f"{url}/send", None, personas.police_a).json()
    assert sent["status"] == "sent" and sent["sent_at"] and sent["basis_id"]
    assert api.post(f"{url}/send", None, personas.police_a).status_code == 422
    queue = api.get("/api/v1/concerns", personas.social_a).json()["items"]
    assert [(r["id"], r["incoming"]) for r in queue] == [(report_id, True)]
    assert api.get(url, personas.social_a).json()["concern"] == "Barnet hörde hot."
    assert Disclosure.objects.filter(object_type="report_of_concern").count() == 1
    assert api.post(f"{url}/receive", None, personas.police_a).status_code == 404
    received = api.post(f"{url}/receive", None, personas.social_a).json()
    due = timezone.localdate() + datetime.timedelta(days=14)
    assert (received["status"], received["response_due"]) == ("received", due.isoformat())
    empty = api.post(f"{url}/respond", {"response": " "}, personas.social_a)
    assert _messages(empty, "response") == [_("Write the feedback to the reporter.")]
    answered = api.post(f"{url}/respond", {"response": "Utredning inledd."}, personas.social_a)
    assert answered.json()["status"] == "responded"
    report = ReportOfConcern.objects.get()
    assert (report.responded_by, report.response) == (personas.social_a, "Utredning inledd.")
    assert api.post(f"{url}/respond", {"response": "x"}, personas.police_a).status_code == 404
    assert api.post(f"{url}/send", None, personas.police_b).status_code == 404


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"concern": ""}, "concern", "Describe what the police know or suspect."),
        (
            {"justification": " "},
            "justification",
            "Give the justification in this individual case.",
        ),
        ({"child": 999_999}, "child", "Choose a child who is a party to the case."),
        ({"incident": 999_999}, "incident", "The incident belongs to another case."),
    ],
)
def test_a_bad_draft_is_refused_with_the_pages_message_and_nothing_saved(
    api: Api, personas: Personas, change: dict[str, Any], field: str, message: str
) -> None:
    response = _draft(api, personas, **change)
    assert response.status_code == 422
    assert _messages(response, field) == [_(message)]
    assert not ReportOfConcern.objects.exists()
    assert not AuditEvent.objects.filter(object_type="report_of_concern").exists()


def test_only_police_of_the_case_draft_a_report(api: Api, personas: Personas) -> None:
    case, child = _police_case_with_child(personas)
    body = {"child": child.pk, "concern": "Oro", "justification": "Motivering"}
    for other in (personas.social_a, personas.police_b):
        assert api.post(f"/api/v1/cases/{case.pk}/concerns", body, other).status_code == 404
    assert api.post(f"/api/v1/cases/{case.pk}/concerns", body, personas.admin).status_code == 403
    assert not ReportOfConcern.objects.exists()


# --- Consent in both directions, withdrawal, and bad input through the API -------------------------

CONSENT = {
    "categories": ["person", "cases"],
    "purpose": "Samordnat stöd",
    "witness": "Vera Vittne",
}


def _known_to_both(personas: Personas) -> tuple[Person, Person]:
    details = {"identity_kind": "personnummer", "identity_number": make.TEST_PERSONNUMMER}
    social_row = make.person(personas.social_a, last_name="Bada", **details)
    police_row = make.person(personas.police_a, last_name="Bada", **details)
    return social_row, police_row


def test_a_consent_both_ways_opens_each_side_and_one_withdrawal_closes_both(
    api: Api, personas: Personas
) -> None:
    social_row, police_row = _known_to_both(personas)
    response = api.post(
        f"/api/v1/persons/{social_row.pk}/consents",
        {**CONSENT, "both_ways": True},
        personas.social_a,
    )
    assert response.status_code == 201, response.content
    mirror = SharingBasis.objects.get(mirror_of_id=response.json()["id"])
    assert api.get(f"/api/v1/persons/{social_row.pk}", personas.police_a).status_code == 200
    assert api.get(f"/api/v1/persons/{police_row.pk}", personas.social_a).status_code == 200
    # What social services read of the police's record is in the police's register, under the
    # basis about that record.
    register = api.get(f"/api/v1/persons/{police_row.pk}/disclosures", personas.police_a).json()
    assert [i["basis_id"] for i in register["items"]] == [mirror.pk]
    listed = api.get(f"/api/v1/persons/{police_row.pk}/sharing", personas.police_a).json()
    assert [(b["id"], b["both_ways"]) for b in listed] == [(mirror.pk, True)]
    ended = api.post(f"/api/v1/sharing/bases/{mirror.pk}/withdraw", None, personas.police_a)
    assert ended.status_code == 200 and ended.json()["status"] == "withdrawn"
    assert api.get(f"/api/v1/persons/{social_row.pk}", personas.police_a).status_code == 404
    assert api.get(f"/api/v1/persons/{police_row.pk}", personas.social_a).status_code == 404
    assert SharingBasis.objects.filter(withdrawn_at__isnull=True).count() == 0


def test_both_ways_without_the_other_agencys_record_is_refused_at_the_field(
    api: Api, personas: Personas
) -> None:
    alone = make.person(personas.social_a, last_name="Ensam")
    response = api.post(
        f"/api/v1/persons/{alone.pk}/consents", {**CONSENT, "both_ways": True}, personas.social_a
    )
    assert response.status_code == 422
    assert _messages(response, "both_ways") == [
        _(
            "The other agency has no record of the person with the same identity number: "
            "record the consent in this direction only."
        )
    ]
    assert not SharingBasis.objects.exists()


def test_withdrawing_twice_is_refused_and_changes_nothing(api: Api, personas: Personas) -> None:
    victim = make.person(personas.social_a, last_name="Tvagang")
    basis = make.consent(personas.social_a, victim, personas.police_org_a)
    url = f"/api/v1/sharing/bases/{basis.pk}/withdraw"
    assert api.post(url, None, personas.social_a).status_code == 200
    basis.refresh_from_db()
    ended_at, events = basis.withdrawn_at, AuditEvent.objects.count()
    again = api.post(url, None, personas.social_a)
    assert again.status_code == 422
    assert _messages(again, "basis") == [_("It is already withdrawn.")]
    basis.refresh_from_db()
    assert basis.withdrawn_at == ended_at and AuditEvent.objects.count() == events
    for other in (personas.police_a, personas.social_b):
        assert api.post(url, None, other).status_code == 404


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        # Without scope: no categories at all, or none chosen.
        ({"purpose": "Stöd", "witness": "Vera Vittne"}, "categories", None),
        ({**CONSENT, "categories": []}, "categories", None),
        (
            {
                **CONSENT,
                "valid_from": "2026-12-10T00:00:00Z",
                "valid_until": "2026-12-01T00:00:00Z",
            },
            "valid_until",
            "The end must be after the start.",
        ),
        ({**CONSENT, "categories": ["person", "horoscope"]}, "categories", None),
    ],
)
def test_bad_consent_is_refused_with_field_errors_and_nothing_saved(
    api: Api, personas: Personas, body: dict[str, Any], field: str, message: str | None
) -> None:
    victim = make.person(personas.social_a, last_name="Felsamtycke")
    response = api.post(f"/api/v1/persons/{victim.pk}/consents", body, personas.social_a)
    assert response.status_code == 422
    fields = [e["loc"][1] for e in response.json()["detail"]]
    assert field in fields, response.json()
    if message:
        assert _messages(response, field) == [_(message)]
    assert not SharingBasis.objects.exists()
    assert not AuditEvent.objects.filter(object_type="sharing_basis").exists()


def test_no_two_api_schemas_share_a_name() -> None:
    """The published schema names its components by class name, so a second class of the same
    name silently replaces the first in every operation that uses it."""
    from collections import Counter

    from ninja import Schema

    import igor.api.api  # noqa: F401  (every router imported)

    def all_of(cls: type) -> list[type]:
        return [cls, *(sub for direct in cls.__subclasses__() for sub in all_of(direct))]

    ours = {c for c in all_of(Schema) if c.__module__.startswith("igor.")}
    twice = [name for name, n in Counter(c.__name__ for c in ours).items() if n > 1]
    assert not twice, f"API schemas with the same name: {twice}"
