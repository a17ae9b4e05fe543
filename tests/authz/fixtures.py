"""Module-wide database state for tests that would otherwise rebuild it for every test.

Making the personas hashes eight Argon2id passwords; the matrix writes a hundred rows through
the actions. Both are done once per module inside one transaction that is rolled back at the
module's end; each test's own writes (the `db` fixture) are a savepoint inside it, rolled back
after the test, so the tests stay independent. Import the fixtures into a test module to use them.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction

from tests.personas import Personas, make_personas


@pytest.fixture(scope="module")
def module_db(django_db_setup: Any, django_db_blocker: Any) -> Iterator[None]:
    with django_db_blocker.unblock(), transaction.atomic():
        yield
        transaction.set_rollback(True)


@pytest.fixture(scope="module")
def module_personas(module_db: None) -> Personas:
    return make_personas()


@pytest.fixture
def personas(module_personas: Personas, db: None) -> Personas:
    """The personas, made once per module; every test still starts from a clean slate."""
    return module_personas
