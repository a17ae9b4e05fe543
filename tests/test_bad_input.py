"""Bad input on the pages: a clear message beside the field and in the summary, nothing saved,
markup shown as text, and plain error pages without stack traces."""

from __future__ import annotations

import datetime
import html
import re
from unittest import mock

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from igor.audit import record as audit_record
from igor.audit.models import AuditEvent
from igor.cases.models import Case, Incident, JournalEntry
from igor.people.models import Person
from tests.builders import identity_number, make_case, make_journal_entry, make_person
from tests.login_steps import english_client
from tests.personas import Personas, logged_in

SCRIPT = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"


def _rows() -> tuple[int, ...]:
    return tuple(
        model.objects.count() for model in (Person, Case, Incident, JournalEntry, AuditEvent)
    )


def _no_trace(page: str) -> None:
    assert "Traceback" not in page and 'File "' not in page
    assert "django.db" not in page and "Exception" not in page


def _assert_field_error(page: str, field: str, message: str) -> None:
    """The message is beside the field and in the error summary, which links to the field."""
    text = html.escape(message)
    summary = re.search(r'<div class="error-summary".*?</ul>', page, re.S)
    assert summary is not None, "no error summary"
    link = re.search(rf'<a href="#id_{field}(_0)?">([^<]*)</a>', summary.group(0))
    assert link is not None and text in link.group(2), f"{field} is not in the summary"
    beside = re.search(rf'class="field__error" id="id_{field}[-_]error">(.*?)</p>', page, re.S)
    assert beside is not None and text in beside.group(1), f"no message beside {field}"


@pytest.fixture
def officer(personas: Personas) -> Client:
    return logged_in(personas.police_a, english_client())


@pytest.fixture
def case(personas: Personas) -> Case:
    return make_case(personas.police_a)


def _person_form(personas: Personas, **changes: str) -> dict[str, str]:
    data = {
        "unit": str(personas.unit_a.pk),
        "first_name": "Vera",
        "last_name": "Testsson",
        "identity_kind": "none",
        "identity_number": "",
        "birth_date": "",
        "gender": "",
        "protection": "",
    }
    data.update(changes)
    return data


# --- Persons ------------------------------------------------------------------------------------

CHECK_DIGIT = "Enter a valid number as YYYYMMDD-NNNN (the check digit or date is wrong)."
TOO_LONG = "Ensure this value has at most 100 characters (it has 101)."

PERSON_CASES: dict[str, tuple[dict[str, str], str, str]] = {
    "bad check digit": (
        {"identity_kind": "personnummer", "identity_number": "18500101-1230"},
        "identity_number",
        CHECK_DIGIT,
    ),
    "impossible date in the number": (
        {"identity_kind": "personnummer", "identity_number": "19990231-1233"},
        "identity_number",
        CHECK_DIGIT,
    ),
    "coordination number as personnummer": (
        {"identity_kind": "personnummer", "identity_number": identity_number("18500161")},
        "identity_number",
        "This is a coordination number; choose that kind.",
    ),
    "personnummer as coordination number": (
        {"identity_kind": "samordningsnummer", "identity_number": identity_number("18500101")},
        "identity_number",
        "A coordination number has 60 added to the day of birth.",
    ),
    "number without a kind": (
        {"identity_kind": "none", "identity_number": identity_number("18500101")},
        "identity_number",
        "Leave the number empty when there is none.",
    ),
    "birth date that does not match the number": (
        {
            "identity_kind": "personnummer",
            "identity_number": identity_number("18500101"),
            "birth_date": "1850-01-02",
        },
        "birth_date",
        "The date of birth does not match the identity number.",
    ),
    "impossible birth date": ({"birth_date": "2023-02-30"}, "birth_date", "Enter a valid date."),
    "birth date in the future": (
        {"birth_date": (timezone.localdate() + datetime.timedelta(days=1)).isoformat()},
        "birth_date",
        "The date of birth cannot be in the future.",
    ),
    "oversized name": ({"first_name": "A" * 101}, "first_name", TOO_LONG),
    "missing name": ({"last_name": ""}, "last_name", "This field is required."),
    "unknown identity kind": (
        {"identity_kind": "passport"},
        "identity_kind",
        "Select a valid choice. passport is not one of the available choices.",
    ),
    "bad e-mail": ({"email": "vera(at)example"}, "email", "Enter a valid email address."),
}


@pytest.mark.parametrize("name", list(PERSON_CASES))
def test_it_explains_bad_person_input_and_saves_nothing(
    personas: Personas, officer: Client, name: str
) -> None:
    changes, field, message = PERSON_CASES[name]
    before = _rows()
    response = officer.post("/personer/ny/", _person_form(personas, **changes))
    assert response.status_code == 200
    page = response.content.decode()
    _assert_field_error(page, field, message)
    _no_trace(page)
    assert _rows() == before


def test_it_accepts_a_valid_personnummer_in_any_common_form(
    personas: Personas, officer: Client
) -> None:
    number = identity_number("18500101")
    for typed in (number, f"{number[:8]}-{number[8:]}", f"{number[2:8]}+{number[8:]}"):
        response = officer.post(
            "/personer/ny/",
            # Registered three times: past the known-person check, which would show the first.
            {
                **_person_form(personas, identity_kind="personnummer", identity_number=typed),
                "confirmed": "1",
            },
        )
        assert response.status_code == 302, typed
    assert set(Person.objects.values_list("identity_number", flat=True)) == {number}


def test_it_shows_markup_in_a_name_as_text(personas: Personas, officer: Client) -> None:
    response = officer.post(
        "/personer/ny/", _person_form(personas, first_name=SCRIPT, languages=SCRIPT)
    )
    assert response.status_code == 302
    page = officer.get(response["Location"]).content.decode()
    assert ESCAPED in page and "<script>alert" not in page
    found = officer.post("/personer/", {"q": "testsson"}).content.decode()
    assert ESCAPED in found and "<script>alert" not in found


def test_it_echoes_markup_escaped_when_the_form_is_shown_again(
    personas: Personas, officer: Client
) -> None:
    response = officer.post(
        "/personer/ny/", _person_form(personas, first_name=SCRIPT, last_name="")
    )
    page = response.content.decode()
    assert f'value="{html.escape(SCRIPT)}"' in page and "<script>alert" not in page


def test_it_explains_an_oversized_search(officer: Client) -> None:
    response = officer.post("/personer/", {"q": "x" * 101})
    assert response.status_code == 200
    _assert_field_error(response.content.decode(), "q", TOO_LONG)


# --- Cases, incidents, journal ------------------------------------------------------------------


def _incident_form(**changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "date": (timezone.localdate() - datetime.timedelta(days=3)).isoformat(),
        "time": "21:30",
        "kinds": ["physical", "psychological"],
        "place": "Hemmet",
        "police_report_number": "K123456-26",
        "description": "Slag mot huvudet.",
    }
    data.update(changes)
    return data


INCIDENT_CASES: dict[str, tuple[dict[str, object], str, str]] = {
    "incident in the future": (
        {"date": (timezone.localdate() + datetime.timedelta(days=2)).isoformat()},
        "date",
        "An incident cannot be in the future.",
    ),
    "impossible date": ({"date": "2025-02-30"}, "date", "Enter a valid date."),
    "impossible time": ({"time": "25:61"}, "time", "Enter a valid time."),
    "no kind of violence": ({"kinds": []}, "kinds", "This field is required."),
    "unknown kind of violence": (
        {"kinds": ["imaginary"]},
        "kinds",
        "Select a valid choice. imaginary is not one of the available choices.",
    ),
    "bad police report number": (
        {"police_report_number": "1234-ABCD"},
        "police_report_number",
        "Write the report number as K123456-26.",
    ),
    "oversized description": (
        {"description": "x" * 5001},
        "description",
        "Ensure this value has at most 5000 characters (it has 5001).",
    ),
}


@pytest.mark.parametrize("name", list(INCIDENT_CASES))
def test_it_explains_bad_incident_input_and_saves_nothing(
    officer: Client, case: Case, name: str
) -> None:
    changes, field, message = INCIDENT_CASES[name]
    before = _rows()
    response = officer.post(f"/arenden/{case.pk}/handelser/ny/", _incident_form(**changes))
    assert response.status_code == 200
    page = response.content.decode()
    _assert_field_error(page, field, message)
    _no_trace(page)
    assert _rows() == before


def test_it_records_a_valid_incident(officer: Client, case: Case) -> None:
    response = officer.post(f"/arenden/{case.pk}/handelser/ny/", _incident_form())
    assert response.status_code == 302
    assert Incident.objects.get(case=case).police_report_number == "K123456-26"


CASE_CASES: dict[str, tuple[dict[str, str], str, str]] = {
    "missing title": ({"title": ""}, "title", "This field is required."),
    "oversized title": (
        {"title": "x" * 201},
        "title",
        "Ensure this value has at most 200 characters (it has 201).",
    ),
    "oversized summary": (
        {"summary": "x" * 5001},
        "summary",
        "Ensure this value has at most 5000 characters (it has 5001).",
    ),
}


@pytest.mark.parametrize("name", list(CASE_CASES))
def test_it_explains_bad_case_input_and_saves_nothing(
    personas: Personas, officer: Client, name: str
) -> None:
    changes, field, message = CASE_CASES[name]
    data = {"unit": str(personas.unit_a.pk), "title": "Hot i hemmet", "summary": ""}
    data.update(changes)
    before = _rows()
    response = officer.post("/arenden/nytt/", data)
    assert response.status_code == 200
    _assert_field_error(response.content.decode(), field, message)
    assert _rows() == before


def test_it_explains_an_oversized_or_empty_journal_entry(officer: Client, case: Case) -> None:
    before = _rows()
    url = f"/arenden/{case.pk}/journal/ny/"
    too_long = officer.post(url, {"text": "x" * 10001}).content.decode()
    _assert_field_error(too_long, "text", "Ensure this value has at most 10000 characters")
    empty = officer.post(url, {"text": "   "}).content.decode()
    _assert_field_error(empty, "text", "This field is required.")
    assert _rows() == before


def test_it_shows_markup_in_case_text_as_text(
    personas: Personas, officer: Client, case: Case
) -> None:
    make_journal_entry(personas.police_a, case, text=SCRIPT)
    person = make_person(personas.police_a, first_name=SCRIPT)
    officer.post(f"/arenden/{case.pk}/parter/ny/", {"person": str(person.pk), "role": "victim"})
    officer.post(f"/arenden/{case.pk}/handelser/ny/", _incident_form(description=SCRIPT))
    titled = make_case(personas.police_a, title=SCRIPT)
    pages = [
        officer.get(f"/arenden/{case.pk}/").content.decode(),
        officer.get(f"/arenden/{titled.pk}/").content.decode(),
        officer.get("/arenden/").content.decode(),
    ]
    incident = Incident.objects.get(case=case)
    pages.append(officer.get(f"/arenden/{case.pk}/handelser/{incident.pk}/").content.decode())
    for page in pages:
        assert ESCAPED in page and "<script>alert" not in page


# --- Unknown ids, methods, CSRF -----------------------------------------------------------------


def test_it_answers_404_for_unknown_ids(officer: Client, case: Case) -> None:
    for path in (
        "/personer/999999/",
        "/personer/999999/andra/",
        "/arenden/999999/",
        "/arenden/999999/andra/",
        "/arenden/999999/journal/ny/",
        f"/arenden/{case.pk}/handelser/999999/",
        f"/arenden/{case.pk}/journal/ny/?rattar=999999",
        "/arenden/abc/",
    ):
        response = officer.get(path)
        assert response.status_code == 404, path
        page = response.content.decode()
        assert "Page not found" in page, path
        _no_trace(page)


def test_it_answers_405_for_wrong_methods(officer: Client, case: Case) -> None:
    for method, path in (
        ("get", "/personer/1/visa-skyddat/"),
        ("get", "/konto/logga-ut/"),
        ("post", f"/arenden/{case.pk}/"),
        ("post", "/arenden/"),
        ("put", "/personer/ny/"),
        ("delete", f"/arenden/{case.pk}/"),
        ("post", "/konto/session/"),
    ):
        assert getattr(officer, method)(path).status_code == 405, f"{method} {path}"


@pytest.fixture
def strict(personas: Personas) -> Client:
    return logged_in(personas.police_a, english_client(enforce_csrf_checks=True))


def test_it_refuses_a_form_without_its_csrf_token(
    personas: Personas, strict: Client, case: Case
) -> None:
    before = _rows()
    for path, data in (
        ("/personer/ny/", _person_form(personas)),
        ("/arenden/nytt/", {"unit": str(personas.unit_a.pk), "title": "Hot"}),
        (f"/arenden/{case.pk}/journal/ny/", {"text": "En anteckning"}),
        (f"/arenden/{case.pk}/handelser/ny/", _incident_form()),
        ("/konto/logga-ut/", {}),
    ):
        response = strict.post(path, data)
        assert response.status_code == 403, path
        _no_trace(response.content.decode())
    assert _rows() == before
    assert strict.get("/arenden/").status_code == 200  # still logged in


def test_it_refuses_a_login_without_its_csrf_token(personas: Personas) -> None:
    client = english_client(enforce_csrf_checks=True)
    response = client.post(
        "/konto/logga-in/", {"username": "polis.sodermalm", "password": "x" * 20}
    )
    assert response.status_code == 403
    assert not AuditEvent.objects.filter(verb="login_failed").exists()


# --- Server errors ------------------------------------------------------------------------------


def test_it_shows_a_plain_error_page_and_saves_nothing_when_a_save_fails(
    personas: Personas,
) -> None:
    client = logged_in(personas.police_a, english_client(raise_request_exception=False))
    before = _rows()
    with mock.patch.object(audit_record, "compute_mac", side_effect=RuntimeError("boom")):
        response = client.post("/personer/ny/", _person_form(personas))
    assert response.status_code == 500
    page = response.content.decode()
    assert "Something went wrong" in page or "Server Error" in page
    assert "boom" not in page and "RuntimeError" not in page
    _no_trace(page)
    assert _rows() == before
    assert client.get("/personer/ny/").status_code == 200  # the next request is served


def test_it_shows_a_plain_error_page_when_stored_data_cannot_be_decrypted(
    personas: Personas,
) -> None:
    person = make_person(personas.police_a, phone="070-111 11 11")
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE people_person SET phone = %s WHERE id = %s", ["v1$dev$AAAA", person.pk]
        )
    client = logged_in(personas.police_a, english_client(raise_request_exception=False))
    response = client.get(f"/personer/{person.pk}/")
    assert response.status_code == 500
    page = response.content.decode()
    assert "070-111" not in page and "v1$dev$" not in page
    _no_trace(page)


# --- Query counts -------------------------------------------------------------------------------


def _queries(client: Client, method: str, path: str, data: dict[str, str] | None = None) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = getattr(client, method)(path, data or {})
    assert response.status_code == 200
    return len(captured)


def test_it_lists_cases_with_as_many_queries_for_30_rows_as_for_3(
    personas: Personas, officer: Client
) -> None:
    for number in range(3):
        make_case(personas.police_a, title=f"Ärende {number}")
    few = _queries(officer, "get", "/arenden/")
    for number in range(27):
        make_case(personas.police_a, title=f"Fler {number}")
    many = _queries(officer, "get", "/arenden/")
    assert many <= few, f"{few} queries for 3 cases, {many} for 30"


def test_it_searches_persons_with_as_many_queries_for_30_rows_as_for_3(
    personas: Personas, officer: Client
) -> None:
    for number in range(3):
        make_person(personas.police_a, first_name=f"Vera{number}")
    few = _queries(officer, "post", "/personer/", {"q": "testsson"})
    for number in range(27):
        make_person(personas.police_a, first_name=f"Alma{number}")
    many = _queries(officer, "post", "/personer/", {"q": "testsson"})
    assert many <= few, f"{few} queries for 3 persons, {many} for 30"
