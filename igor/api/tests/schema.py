"""Checks every API response against the published OpenAPI schema of its operation and status."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.test import Client
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

PREFIX = "/api/v1"
SCHEMA_URL = f"{PREFIX}/openapi.json"
_DOC_URI = "urn:igor:openapi"
_cached: OpenApi | None = None


@dataclass(frozen=True)
class Operation:
    method: str
    path: str  # as published, with {placeholders}
    operation_id: str
    spec: dict[str, Any]


class OpenApi:
    """The published schema, with a validator per (operation, status)."""

    def __init__(self, document: dict[str, Any]) -> None:
        self.document = document
        self.registry: Registry[Any] = Registry().with_resource(
            _DOC_URI, Resource.from_contents(document, default_specification=DRAFT202012)
        )
        self.operations = [
            Operation(method.upper(), path, spec["operationId"], spec)
            for path, methods in document["paths"].items()
            for method, spec in methods.items()
        ]
        self._patterns = [
            (re.compile("^" + re.sub(r"\{[^/]+\}", "[^/]+", path) + "$"), path)
            for path in document["paths"]
        ]

    def template_of(self, url: str) -> str | None:
        path = url.split("?", 1)[0]
        return next((tpl for pattern, tpl in self._patterns if pattern.match(path)), None)

    def operation(self, method: str, url: str) -> Operation | None:
        template = self.template_of(url)
        return next(
            (op for op in self.operations if op.path == template and op.method == method), None
        )

    def validate(self, method: str, url: str, response: Response) -> None:
        """Fail unless the body is what the schema promises for this operation and status."""
        template = self.template_of(url)
        assert template is not None, f"{url} is not a published path"
        op = self.operation(method, url)
        if op is None:
            # A method the path does not have: no operation, so no body to check.
            assert response.status_code == 405, (method, url, response.status_code)
            return
        status = str(response.status_code)
        assert status in op.spec["responses"], (
            f"{op.operation_id} answered {status}, which its schema does not declare"
        )
        assert response["Content-Type"].startswith("application/json")
        pointer = "/".join(
            part.replace("~", "~0").replace("/", "~1")
            for part in ("paths", template, op.method.lower(), "responses", status)
        )
        schema_ref = f"{_DOC_URI}#/{pointer}/content/application~1json/schema"
        validator = Draft202012Validator({"$ref": schema_ref}, registry=self.registry)
        validator.validate(json.loads(response.content))


def openapi() -> OpenApi:
    """The schema as the API serves it (fetched once per test run)."""
    global _cached
    if _cached is None:
        response = Client().get(SCHEMA_URL)
        assert response.status_code == 200
        _cached = OpenApi(json.loads(response.content))
    return _cached
