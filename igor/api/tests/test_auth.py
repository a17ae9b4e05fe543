"""Who may call the API at all: tokens, roles, methods, and the published schema itself."""

from __future__ import annotations

import datetime
import re

import jsonschema
import pytest
from django.http import HttpResponse
from django.utils import timezone

from igor.accounts.actions import deactivate_user
from igor.accounts.models import ApiToken
from igor.api.api import api as ninja_api
from igor.api.tests import make
from igor.api.tests.conftest import Api
from igor.audit.models import AuditEvent
from tests.personas import Personas, logged_in

OPERATIONS = [
    (method.upper(), path, spec["operationId"])
    for path, methods in ninja_api.get_openapi_schema()["paths"].items()
    for method, spec in methods.items()
]


def _url(path: str) -> str:
    return re.sub(r"\{[^/]+\}", "1", path)


def _ids(operation: tuple[str, str, str]) -> str:
    return operation[2]


@pytest.mark.parametrize("operation", OPERATIONS, ids=_ids)
def test_it_answers_401_without_a_token(api: Api, operation: tuple[str, str, str]) -> None:
    method, path, _ = operation
    response = api.call(method, _url(path))
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("operation", OPERATIONS, ids=_ids)
def test_it_answers_401_to_a_bad_token(
    api: Api, personas: Personas, operation: tuple[str, str, str]
) -> None:
    method, path, _ = operation
    real = api.token_for(personas.police_a)
    for token in ("igor_not-a-token", real[:-1], "x" * 5000, ""):
        assert api.call(method, _url(path), token=token).status_code == 401


@pytest.mark.parametrize("operation", OPERATIONS, ids=_ids)
def test_it_answers_403_to_roles_without_case_data(
    api: Api, personas: Personas, operation: tuple[str, str, str]
) -> None:
    method, path, _ = operation
    before = AuditEvent.objects.exclude(verb="token").count()
    for user in (personas.researcher, personas.admin):
        assert api.call(method, _url(path), user=user).status_code == 403
    assert AuditEvent.objects.exclude(verb="token").count() == before


@pytest.mark.parametrize("operation", OPERATIONS, ids=_ids)
def test_it_ignores_a_logged_in_session(
    api: Api, personas: Personas, operation: tuple[str, str, str]
) -> None:
    method, path, _ = operation
    api.client = logged_in(personas.police_a)
    assert api.call(method, _url(path)).status_code == 401


@pytest.mark.parametrize("path", sorted({path for _, path, _ in OPERATIONS}), ids=lambda path: path)
def test_it_answers_405_to_methods_a_path_does_not_have(
    api: Api, personas: Personas, path: str
) -> None:
    allowed = {method for method, p, _ in OPERATIONS if p == path}
    for method in {"GET", "POST", "PUT", "PATCH", "DELETE"} - allowed:
        response = api.call(method, _url(path), user=personas.police_a, body={})
        assert response.status_code == 405
        assert set(response["Allow"].split(", ")) == allowed


def test_it_refuses_expired_and_revoked_tokens(api: Api, personas: Personas) -> None:
    token = api.token_for(personas.police_a)
    assert api.get("/api/v1/persons", token=token).status_code == 200
    stored = ApiToken.objects.get(key_hash=ApiToken.hash(token))
    stored.expires_at = timezone.now() - datetime.timedelta(seconds=1)
    stored.save()
    assert api.get("/api/v1/persons", token=token).status_code == 401
    stored.expires_at = timezone.now() + datetime.timedelta(days=1)
    stored.revoked_at = timezone.now()
    stored.save()
    assert api.get("/api/v1/persons", token=token).status_code == 401


def test_it_refuses_the_token_of_a_deactivated_user(api: Api, personas: Personas) -> None:
    token = api.token_for(personas.police_a)
    deactivate_user(actor=personas.admin, user=personas.police_a)
    assert api.get("/api/v1/persons", token=token).status_code == 401


def test_it_remembers_when_a_token_was_last_used(api: Api, personas: Personas) -> None:
    token = api.token_for(personas.social_a)
    stored = ApiToken.objects.get(key_hash=ApiToken.hash(token))
    assert stored.last_used_at is None
    api.get("/api/v1/cases", token=token)
    stored.refresh_from_db()
    assert stored.last_used_at is not None


def test_it_records_the_stated_acting_role(api: Api, personas: Personas) -> None:
    person = make.person(personas.police_a)
    url = f"/api/v1/persons/{person.pk}"
    api.get(url, personas.police_a, headers={"X-Acting-Role": "support"})
    api.get(url, personas.police_a)
    roles = list(
        AuditEvent.objects.filter(verb="read", object_type="person", object_id=person.pk)
        .order_by("seq")
        .values_list("acting_role", flat=True)
    )
    assert roles == ["support", "investigation"]  # stated, then the police officer's default


def test_it_refuses_an_unknown_acting_role(api: Api, personas: Personas) -> None:
    response = api.get("/api/v1/persons", personas.police_a, headers={"X-Acting-Role": "boss"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["header", "X-Acting-Role"]


def test_it_publishes_a_stable_operation_id_for_every_operation(api: Api) -> None:
    ids = [operation.operation_id for operation in api.schema.operations]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"[a-z]+_[a-z]+", op_id) for op_id in ids), ids
    assert all(op.path.startswith("/api/v1/") for op in api.schema.operations)
    assert {"persons_list", "persons_create", "persons_detail", "journal_create"} <= set(ids)


def test_it_serves_no_interactive_docs_page(api: Api) -> None:
    assert api.client.get("/api/v1/docs").status_code == 404


def test_it_fails_a_body_or_status_the_schema_does_not_promise(api: Api) -> None:
    wrong_body = HttpResponse(b'{"items": "none", "page": 1}', content_type="application/json")
    with pytest.raises(jsonschema.ValidationError):
        api.schema.validate("GET", "/api/v1/persons", wrong_body)  # type: ignore[arg-type]
    undeclared = HttpResponse(b'{"detail": "x"}', status=404, content_type="application/json")
    with pytest.raises(AssertionError):
        api.schema.validate("GET", "/api/v1/persons", undeclared)  # type: ignore[arg-type]
