from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from igor.accounts.actions import create_api_token
from igor.accounts.models import User
from igor.api.tests.schema import OpenApi, openapi
from tests.personas import Personas, make_personas

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response


class Api:
    """Calls the API with a user's token and checks every answer against the published schema."""

    def __init__(self, schema: OpenApi) -> None:
        self.schema = schema
        self.client = Client()
        self._tokens: dict[int, str] = {}

    def token_for(self, user: User) -> str:
        if user.pk not in self._tokens:
            _, secret = create_api_token(actor=user, user=user, name="test")
            self._tokens[user.pk] = secret
        return self._tokens[user.pk]

    def call(
        self,
        method: str,
        url: str,
        *,
        user: User | None = None,
        token: str | None = None,
        body: Any = None,
        raw: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> Response:
        all_headers = dict(headers or {})
        secret = token if token is not None else (self.token_for(user) if user else None)
        if secret is not None:
            all_headers["Authorization"] = f"Bearer {secret}"
        data = raw if raw is not None else (json.dumps(body) if body is not None else None)
        response = self.client.generic(
            method, url, data=data or "", content_type="application/json", headers=all_headers
        )
        self.schema.validate(method, url, response)
        return response

    def get(self, url: str, user: User | None = None, **kwargs: Any) -> Response:
        return self.call("GET", url, user=user, **kwargs)

    def post(self, url: str, body: Any, user: User | None = None, **kwargs: Any) -> Response:
        return self.call("POST", url, user=user, body=body, **kwargs)


def count_queries(call: Callable[[], object]) -> int:
    with CaptureQueriesContext(connection) as queries:
        call()
    return len(queries)


@pytest.fixture(autouse=True)
def _quick_password_hashing(settings: Any) -> None:
    # The personas get real passwords; Argon2 at production cost would take seconds per test,
    # and nothing here logs in with a password.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def personas(db: None) -> Personas:
    return make_personas()


@pytest.fixture
def api(db: None) -> Api:
    return Api(openapi())
