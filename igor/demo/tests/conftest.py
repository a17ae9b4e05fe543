from __future__ import annotations

from typing import Any

import pytest

from tests.personas import Personas, make_personas


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: Any) -> None:
    # Argon2 is the product's hasher; here it would only slow down creating the eight staff.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def personas(db: None) -> Personas:
    return make_personas()
